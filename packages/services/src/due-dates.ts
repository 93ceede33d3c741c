import { ConflictError, SCHEDULER, SETTLED_MILESTONE_STATUSES, shanghaiDate, type Contract, type Milestone } from '@sharedtech/core';
import {
  commitChange, consumeDueTimer, getContract, getMilestone, listDueTimers, putMilestoneVersion, writesForContractChange, type DueTimer,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toOrg } from './change.js';

const params = (contract: Contract, milestone: Milestone) => ({
  title: contract.title,
  contractId: contract.id,
  milestone: milestone.n,
  milestoneTitle: milestone.title,
  dueDate: milestone.dueAt ? shanghaiDate(milestone.dueAt) : '',
});

const changedMeanwhile = () => new ConflictError('CONCURRENT_UPDATE', 'The contract or milestone changed meanwhile; the timer is tried again on the next run.');

/**
 * Handles one due timer. REMIND: the studio is told the milestone is due in
 * three days, unless it is already delivered or settled. OVERDUE: the
 * milestone is flagged (`overdueAt`), the contract counts one more overdue
 * milestone (and so do the statistics), and the enterprise and the studio are
 * told. Either way the timer is consumed in the same transaction, conditional
 * on being the one read: a second run, or a run after a crash that committed,
 * finds it gone and sends nothing; a timer a change order moved is left alone.
 * Returns what it did.
 */
export async function handleDueTimer(deps: ServiceDeps, timer: DueTimer): Promise<'reminded' | 'flagged' | 'dropped'> {
  const contract = await getContract(deps.db, timer.contractId, true);
  const milestone = contract && (await getMilestone(deps.db, timer.contractId, timer.n, true));
  const live =
    contract?.status === 'ACTIVE' && milestone && milestone.dueAt === timer.dueAt && !SETTLED_MILESTONE_STATUSES.includes(milestone.status);
  const consume = consumeDueTimer(deps.db, timer);
  if (live && timer.kind === 'REMIND' && (milestone.status === 'PENDING' || milestone.status === 'FUNDED')) {
    await applyChange(deps, SCHEDULER, {
      writes: [consume],
      transitions: [{ entity: { type: 'contract', id: contract.id }, action: 'milestone-due-reminder', details: { milestone: milestone.n, dueAt: milestone.dueAt } }],
      notify: [{ to: toOrg(contract.studioOrgId), type: 'MILESTONE_DUE_SOON', params: params(contract, milestone) }],
    });
    return 'reminded';
  }
  if (live && timer.kind === 'OVERDUE' && !milestone.overdueAt) {
    const at = deps.clock().toISOString();
    const flagged: Milestone = { ...milestone, overdueAt: at, updatedAt: at, version: milestone.version + 1 };
    const counted: Contract = { ...contract, overdueMilestones: (contract.overdueMilestones ?? 0) + 1, updatedAt: at, version: contract.version + 1 };
    await applyChange(deps, SCHEDULER, {
      writes: [consume, putMilestoneVersion(deps.db, flagged, changedMeanwhile), ...writesForContractChange(deps.db, contract, counted, changedMeanwhile)],
      transitions: [
        { entity: { type: 'contract', id: contract.id }, action: 'milestone-overdue', before: milestone.status, after: milestone.status, details: { milestone: milestone.n, dueAt: milestone.dueAt } },
      ],
      notify: [contract.enterpriseOrgId, contract.studioOrgId].map((orgId) => ({ to: toOrg(orgId), type: 'MILESTONE_OVERDUE', params: params(contract, milestone) })),
    });
    return 'flagged';
  }
  // Nothing to say any more (delivered, settled, moved, contract ended): the timer just goes.
  await commitChange(deps.db, { writes: [consume], audit: [], notifications: [] });
  return 'dropped';
}

/**
 * The due-date job: every timer due by now, earliest first, each handled on
 * its own. A timer another run consumed first is skipped; other failures are
 * reported and the timer stays for the next run.
 */
export async function processDueTimers(deps: ServiceDeps, { pageSize = 100 }: { pageSize?: number } = {}) {
  const done = { reminded: 0, flagged: 0, dropped: 0 };
  const failures: { id: string; error: string }[] = [];
  const now = deps.clock();
  let cursor: string | undefined;
  do {
    const page = await listDueTimers(deps.db, now, { cursor, limit: pageSize });
    for (const timer of page.items) {
      try {
        done[await handleDueTimer(deps, timer)] += 1;
      } catch (error) {
        if (error instanceof ConflictError && error.code === 'TIMER_CONSUMED') continue;
        failures.push({ id: `${timer.contractId}/${timer.n}/${timer.kind}`, error: (error as Error).message });
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { ...done, failures };
}
