import { ConflictError, entityRefKey, type AuditRecord, type DomainEvent, type EntityRef, type Notification, type Principal, type Recipient } from '@sharedtech/core';
import { commitChange, type Write } from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';

export interface Transition {
  entity: EntityRef;
  action: string;
  before?: string;
  after?: string;
  details?: Record<string, unknown>;
  /** The change creates this entity under an id just made for it (its audit chain starts empty: no read of its tail). */
  creates?: true;
}

export interface NotificationSpec {
  to: Recipient;
  type: string;
  params?: Record<string, string | number>;
}

/**
 * The single path every state change takes: the entity writes, one audit record
 * per transition and the notifications for the parties go into one
 * transaction; the domain events are published only after it committed.
 */
export async function applyChange(
  deps: ServiceDeps,
  actor: Principal,
  change: { writes: Write[]; transitions: Transition[]; notify?: NotificationSpec[] },
): Promise<void> {
  const at = deps.clock().toISOString();
  const actorRef = { sub: actor.sub, orgId: actor.membership?.orgId };
  const primary = change.transitions[0];
  if (!primary) throw new Error('A change needs at least one transition');
  const audit: AuditRecord[] = change.transitions.map((transition) => ({
    id: deps.ids('audit'),
    entity: transition.entity,
    action: transition.action,
    actor: actorRef,
    before: transition.before,
    after: transition.after,
    at,
    details: transition.details,
  }));
  const notifications: Notification[] = dedupeRecipients(change.notify ?? []).map((spec) => ({
    id: deps.ids('notification'),
    recipient: spec.to,
    type: spec.type,
    entity: primary.entity,
    params: spec.params ?? {},
    at,
  }));
  const created = new Set(change.transitions.filter((transition) => transition.creates).map((transition) => entityRefKey(transition.entity)));
  await commitChange(deps.db, { writes: change.writes, audit, notifications, created });
  const events: DomainEvent[] = change.transitions.map((transition) => ({
    type: `${transition.entity.type}.${transition.action}`,
    entity: transition.entity,
    at,
    data: { before: transition.before, after: transition.after, actor: actorRef, ...transition.details },
  }));
  // Publishing is best effort after the commit: the audit trail is the record of truth.
  await deps.publisher?.publish(events).catch(() => undefined);
}

const recipientKey = (recipient: Recipient) => ('orgId' in recipient ? recipient.orgId : '*associations');

function dedupeRecipients(specs: NotificationSpec[]): NotificationSpec[] {
  const seen = new Set<string>();
  return specs.filter((spec) => {
    const key = `${recipientKey(spec.to)}|${spec.type}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const toAssociations: Recipient = { associations: true };
export const toOrg = (orgId: string): Recipient => ({ orgId });

/**
 * Runs a change again from a fresh read when it lost a race: a ConflictError
 * with one of `codes` (its transaction's condition failed, or DynamoDB
 * cancelled it for a concurrent one), after a short random pause, at most
 * `attempts` times in all. Any other error, or the last attempt's, is thrown.
 */
export async function retryingConflicts<T>(codes: readonly string[], attempts: number, once: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await once();
    } catch (error) {
      if (!(error instanceof ConflictError && codes.includes(error.code)) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
