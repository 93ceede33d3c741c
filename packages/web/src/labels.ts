import { INDUSTRY_CLUSTERS } from '@sharedtech/core';
import type {
  BidStatus, ContractStatus, DomainError, IP_OWNERSHIP, MilestoneStatus, Notification, OrgStatus, OrgType, RequestStatus,
} from '@sharedtech/core';
import type { Ui } from './context.js';
import { isMessageKey, type MessageKey } from './i18n/index.js';

/** Industry clusters with a name in both languages; a request may use any other slug, shown as is. */
export const KNOWN_CLUSTERS = INDUSTRY_CLUSTERS;

export const clusterLabel = (ui: Ui, cluster: string | undefined) => {
  if (!cluster) return '—';
  const key = `cluster.${cluster}`;
  return isMessageKey(key) ? ui.t(key) : cluster;
};

export const orgTypeLabel = (ui: Ui, type: OrgType) => ui.t(`orgType.${type}`);
export const orgStatusLabel = (ui: Ui, status: OrgStatus) => ui.t(`status.org.${status}`);
export const requestStatusLabel = (ui: Ui, status: RequestStatus) => ui.t(`status.request.${status}`);
export const bidStatusLabel = (ui: Ui, status: BidStatus) => ui.t(`status.bid.${status}`);
export const contractStatusLabel = (ui: Ui, status: ContractStatus) => ui.t(`status.contract.${status}`);
export const milestoneStatusLabel = (ui: Ui, status: MilestoneStatus) => ui.t(`status.milestone.${status}`);
export const ipLabel = (ui: Ui, value: (typeof IP_OWNERSHIP)[number] | undefined) => (value ? ui.t(`ip.${value}`) : ui.t('ip.none'));

/** Colour family of a status badge: what is live, what waits for someone, what ended badly, what is over. */
export function statusTone(status: string): 'ok' | 'wait' | 'bad' | 'done' {
  if (['OPEN', 'VERIFIED', 'ACTIVE', 'RELEASED', 'ACCEPTED', 'COMPLETED', 'AWARDED', 'RESOLVED'].includes(status)) return 'ok';
  if (['SUBMITTED', 'PENDING', 'PENDING_SIGNATURES', 'FUNDED', 'DISPUTED', 'OPENED'].includes(status)) return 'wait';
  if (['REJECTED', 'SUSPENDED', 'CANCELLED', 'TERMINATED', 'REFUNDED'].includes(status)) return 'bad';
  return 'done';
}

/** A notification as a sentence; a type this version does not know still reads as a sentence. */
export function notificationText(ui: Ui, notification: Pick<Notification, 'type' | 'params'>): string {
  const key = `notification.${notification.type}`;
  if (!isMessageKey(key)) return ui.t('notification.other', { type: notification.type });
  // Money travels in notifications as integer fen; people read it as yuan.
  const params = Object.fromEntries(
    Object.entries(notification.params).map(([name, value]) =>
      MONEY_PARAMS.includes(name) && typeof value === 'number' ? [name, ui.money({ amount: value, currency: 'CNY' })] : [name, value],
    ),
  );
  return ui.t(key, params);
}

const MONEY_PARAMS = ['amount', 'share'];

/** Audit actions ("approve", "fund") by name; unknown ones are shown as their code. */
export function auditActionLabel(ui: Ui, action: string): string {
  const key = `audit.action.${action}`;
  return isMessageKey(key) ? ui.t(key) : action;
}

/** A domain error in the visitor's language when its code has a message, else the service's own text. */
export function errorMessage(ui: Ui, error: Pick<DomainError, 'code' | 'message'>): string {
  const key: string = `error.code.${error.code}`;
  return isMessageKey(key) ? ui.t(key as MessageKey) : error.message;
}

/** Where a notification or audit entity is shown on the pages. */
export function entityHref(entity: { type: string; id: string }): string | undefined {
  switch (entity.type) {
    case 'request':
      return `/requests/${entity.id}`;
    case 'organisation':
      return `/orgs/${entity.id}`;
    case 'bid':
      return `/bids/${entity.id}`;
    case 'contract':
      return `/contracts/${entity.id}`;
    case 'dispute':
      return `/disputes/${entity.id}`;
    case 'review':
      return `/reviews/${entity.id}`;
    case 'invitation':
      return `/invitations/${entity.id}`;
    case 'studentRecord':
      return `/records/${entity.id}`;
    default:
      return undefined;
  }
}
