import { shanghaiDate, type ChangeOperation, type Money } from '@sharedtech/core';
import type { ChangeOrderView } from '@sharedtech/services';
import type { SignedInUi, Ui } from '../context.js';
import { ActionButton } from './form.js';
import { Badge, Empty, Section, Time } from './ui.js';

/** A milestone's due date in Asia/Shanghai, marked when it is overdue (flagged by the job, or past due and not settled). */
export function MilestoneDue({ ui, milestone, now }: { ui: Ui; milestone: { dueInDays: number; dueAt?: string; overdueAt?: string; status: string }; now: Date }) {
  const t = ui.t;
  const settled = ['RELEASED', 'REFUNDED', 'SPLIT'].includes(milestone.status);
  const overdue = !settled && milestone.dueAt !== undefined && (milestone.overdueAt !== undefined || Date.parse(milestone.dueAt) < now.getTime());
  if (!milestone.dueAt) return <span>{t('milestone.due', { days: milestone.dueInDays })}</span>;
  return (
    <span class="due" data-due-at={milestone.dueAt} data-overdue={overdue ? 'true' : 'false'}>
      {t('milestone.dueOn')} <Time ui={ui} iso={milestone.dueAt} dateOnly />
      {overdue ? <> <Badge status="OVERDUE" tone="bad" label={t('milestone.overdue')} /></> : null}
    </span>
  );
}

const money = (ui: Ui, amount: Money) => ui.money(amount);

/** One operation of a change order as a sentence. */
export function operationText(ui: Ui, operation: ChangeOperation): string {
  const t = ui.t;
  switch (operation.op) {
    case 'add':
      return t('change.op.add', { title: operation.title, amount: money(ui, operation.amount), days: operation.dueInDays });
    case 'remove':
      return t('change.op.remove', { n: operation.n });
    case 'retitle':
      return t('change.op.retitle', { n: operation.n, title: operation.title });
    case 'reprice':
      return t('change.op.reprice', { n: operation.n, amount: money(ui, operation.amount) });
    case 'moveDue':
      return t('change.op.moveDue', { n: operation.n, date: operation.dueDate });
    case 'reviewWindow':
      return t('change.op.reviewWindow', { days: operation.days });
  }
}

/** The change orders of a contract with their operations and approvals, and the buttons the viewer may press. */
export function ChangeList({ ui, contractId, changes, orgName }: { ui: SignedInUi; contractId: string; changes: ChangeOrderView[]; orgName: (orgId: string) => string }) {
  const t = ui.t;
  const orgId = ui.principal.membership?.orgId;
  const owner = ui.principal.membership?.role === 'OWNER';
  if (changes.length === 0) return <Empty>{t('change.empty')}</Empty>;
  return (
    <ol class="list changes">
      {changes.map((change) => {
        const base = `/contracts/${contractId}/changes/${change.id}`;
        const pending = change.status === 'PENDING';
        const canDecide = pending && owner && orgId !== undefined && change.awaiting.includes(orgId);
        const canWithdraw = pending && owner && orgId === change.proposedBy.orgId;
        return (
          <li class="item change" data-change-id={change.id} data-status={change.status}>
            <div class="card-title">
              <strong>{t('change.heading', { who: orgName(change.proposedBy.orgId) })}</strong>
              <Badge status={change.status} label={t(`status.change.${change.status}`)} />
            </div>
            <p class="item-meta">
              <Time ui={ui} iso={change.createdAt} />
              {change.applied ? <span>{t('change.priceMoved', { before: money(ui, change.applied.priceBefore), after: money(ui, change.applied.priceAfter) })}</span> : null}
            </p>
            <p class="prose">{change.reason}</p>
            <ul class="operations">
              {change.operations.map((operation) => (
                <li data-op={operation.op}>{operationText(ui, operation)}</li>
              ))}
            </ul>
            <p class="muted approvals">
              {t('change.approvedBy')} {change.approvals.map((approval) => orgName(approval.orgId)).join('、')}
              {change.awaiting.length > 0 ? <> · {t('change.awaiting')} {change.awaiting.map(orgName).join('、')}</> : null}
            </p>
            {change.decision?.reason ? <p class="muted">{t('common.reason')}: {change.decision.reason}</p> : null}
            {canDecide || canWithdraw ? (
              <div class="form-actions">
                {canDecide ? <ActionButton action={`${base}/approve`} label={t('change.approve')} variant="primary" /> : null}
                {canDecide ? <ActionButton action={`${base}/reject`} label={t('change.reject')} variant="danger" confirm={t('change.rejectConfirm')} /> : null}
                {canWithdraw ? <ActionButton action={`${base}/withdraw`} label={t('change.withdraw')} variant="secondary" /> : null}
              </div>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

/** The Asia/Shanghai date of a due instant, as a date input's value. */
export const dueDateValue = (dueAt: string | undefined) => (dueAt ? shanghaiDate(dueAt) : '');

/** The contract page's part: the latest change orders, a link to all of them, and the way to propose one. */
export function ChangesSection({ ui, contract, changes, orgName }: {
  ui: SignedInUi;
  contract: { id: string; status: string; requiredSigners: string[] };
  changes: { items: ChangeOrderView[]; nextCursor: string | null };
  orgName: (orgId: string) => string;
}) {
  const t = ui.t;
  const orgId = ui.principal.membership?.orgId;
  const canPropose = contract.status === 'ACTIVE' && orgId !== undefined && contract.requiredSigners.includes(orgId) && ui.principal.membership?.role === 'OWNER';
  return (
    <div id="changes">
    <Section
      title={t('change.title')}
      id="changes-section"
      actions={canPropose ? <a class="button secondary" href={`/contracts/${contract.id}/changes/new`}>{t('change.propose')}</a> : undefined}
    >
      <p class="muted">{t('change.lead')}</p>
      <ChangeList ui={ui} contractId={contract.id} changes={changes.items} orgName={orgName} />
      {changes.nextCursor ? (
        <p>
          <a href={`/contracts/${contract.id}/changes`}>{t('change.all')}</a>
        </p>
      ) : null}
    </Section>
    </div>
  );
}
