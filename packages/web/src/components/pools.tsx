import type { Contract, Milestone } from '@sharedtech/core';
import type { PoolView } from '@sharedtech/services';
import type { Ui } from '../context.js';
import { bpsToPercent } from '../format.js';
import { Section } from './ui.js';

/** The request page's pointer to its pool: totals for every reader, a link to the pool page. */
export function PoolSummarySection({ ui, pool }: { ui: Ui; pool: PoolView }) {
  const t = ui.t;
  return (
    <Section title={t('pool.title')} id="pool">
      <p data-pool-summary>
        {pool.memberCount > 0 ? t('pool.summary', { count: pool.memberCount, pledged: bpsToPercent(pool.pledgedBps) }) : t('pool.empty')}{' '}
        <a href={`/requests/${pool.requestId}/pool`}>{t('pool.view')}</a>
      </p>
    </Section>
  );
}

/** A pooled contract's funders and their shares. */
export function ContractPoolSection({ ui, pool, name }: { ui: Ui; pool: NonNullable<Contract['pool']>; name: (orgId: string) => string }) {
  const t = ui.t;
  return (
    <Section title={t('contract.pool')} id="pool">
      <p class="muted">{t('contract.poolLead')}</p>
      <ul class="list" data-contract-pool>
        {pool.members.map((member) => (
          <li class="item" data-pool-member={member.orgId}>
            <strong>{name(member.orgId)}</strong> {bpsToPercent(member.bps)}%
          </li>
        ))}
      </ul>
    </Section>
  );
}

/**
 * Who has and has not funded a pooled milestone's parts: while any part is
 * awaited the milestone stays PENDING, and this says so on the page.
 */
export function MilestonePartsStatus({ ui, pool, milestone, name }: {
  ui: Ui;
  pool: Contract['pool'];
  milestone: Pick<Milestone, 'status' | 'fundedParts'>;
  name: (orgId: string) => string;
}) {
  if (!pool || pool.members.length < 2 || (milestone.status !== 'PENDING' && !milestone.fundedParts)) return null;
  const t = ui.t;
  const funded = new Set((milestone.fundedParts ?? []).map((part) => part.orgId));
  const waiting = pool.members.filter((member) => !funded.has(member.orgId)).length;
  return (
    <div class={milestone.status === 'PENDING' && funded.size > 0 ? 'notice warn' : 'muted'} data-parts>
      <strong>{t('milestone.parts')}</strong>
      <ul class="list">
        {pool.members.map((member) => (
          <li data-part={member.orgId} data-funded={funded.has(member.orgId) ? 'true' : 'false'}>
            {name(member.orgId)} · {bpsToPercent(member.bps)}% · {funded.has(member.orgId) ? `✓ ${t('milestone.partFunded')}` : t('milestone.partAwaited')}
          </li>
        ))}
      </ul>
      {milestone.status === 'PENDING' && funded.size > 0 ? <p data-parts-blocking>{t('milestone.partsBlocking', { count: waiting })}</p> : null}
    </div>
  );
}
