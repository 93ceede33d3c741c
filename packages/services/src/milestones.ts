import {
  ConflictError, NotFoundError, SCHEDULER, SETTLED_MILESTONE_STATUSES, allMilestonesSettled, assertMilestoneRole,
  contractLifecycle, contractParties, decideMilestone, partFunders, releaseDueAt, requireVerified,
  type Contract, type Dispute, type JournalEntry, type Milestone, type MilestoneCommand, type MilestoneDecision,
  type Principal,
} from '@sharedtech/core';
import {
  commitChange, conditionCheck, deleteDueTimers, deleteReleaseTimer, getContract, getMilestone, keys, listDueReleaseTimers, listMilestones,
  putMilestoneVersion, putNewDispute, putReleaseTimer, unchangedSince, writesForContractChange, writesForEntry, type Write,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { issueStudentRecordsNow, issueStudentRecordsTask } from './education.js';
import { applyChange, toAssociations, toOrg, type NotificationSpec, type Transition } from './change.js';
import { getVisibleContract } from './contracts.js';
import { runIdempotent, type CommandResult, type IdempotencyInput } from './idempotency.js';
import { grantWrites } from './programmes.js';

/**
 * Milestone use cases: fund, submit, accept, request revision, dispute, and
 * the scheduler's auto-release (resolving a dispute lives in disputes.ts and
 * reuses `planMilestoneStep`). Each one reads the contract and milestone,
 * asks the domain (`decideMilestone`) for the next state and journal entry,
 * and commits milestone, entry, balances, timers, audit and notifications —
 * plus the idempotency record — in one transaction.
 */

export type MilestoneView = Omit<Milestone, 'version'> & {
  contractStatus: Contract['status'];
  /** The journal entry this step posted, if it moved money. */
  entry?: JournalEntry;
};

export const viewOfMilestone = ({ version: _version, ...milestone }: Milestone, contract: Contract, entry?: JournalEntry): MilestoneView => ({
  ...milestone,
  contractStatus: contract.status,
  ...(entry ? { entry } : {}),
});

const milestoneChanged = () => new ConflictError('CONCURRENT_UPDATE', 'The milestone was changed by someone else meanwhile; reload and try again.');
const contractChanged = () => new ConflictError('CONCURRENT_UPDATE', 'The contract was changed by someone else meanwhile; reload and try again.');
const contractNotActive = () => new ConflictError('CONTRACT_NOT_ACTIVE', 'The contract is no longer ACTIVE; no money was moved.');
const othersChanged = () =>
  new ConflictError('MILESTONES_CHANGED', 'Another milestone of this contract changed at the same moment; reload and try again.');

const kebab = (value: string) => value.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

export interface StepPlan {
  decision: MilestoneDecision;
  entry?: JournalEntry;
  /** The contract after the step (COMPLETED when this step settled the last milestone). */
  contract: Contract;
  writes: Write[];
  transitions: Transition[];
  notify: NotificationSpec[];
}

/**
 * Everything one milestone step writes, decided from the state as read.
 *
 * Completion: when this step settles the milestone and every other milestone
 * is already settled, the contract moves to COMPLETED in the same write
 * (guarded by its version). Otherwise the write checks that the other
 * unsettled milestones are still at the version read, so two milestones
 * settling at the same moment cannot each believe the other is still open and
 * leave the contract ACTIVE forever: one of them is cancelled, retried, and
 * then sees the other settled.
 */
export async function planMilestoneStep(
  deps: ServiceDeps,
  contract: Contract,
  milestone: Milestone,
  command: MilestoneCommand,
  details: Record<string, unknown> = {},
): Promise<StepPlan> {
  const now = deps.clock();
  const at = now.toISOString();
  // The contract's other milestones, read once, and only by a step that needs them.
  let othersRead: Promise<Milestone[]> | undefined;
  const otherMilestones = () => (othersRead ??= listMilestones(deps.db, contract.id, true).then((all) => all.filter((other) => other.n !== milestone.n)));
  // A pool's parts are allocated cumulatively over the contract: the funding of the other milestones goes with the command.
  const pooledOthers = command.action === 'fund' && partFunders(contract).length > 0 ? await otherMilestones() : [];
  const decided = command.action === 'fund' && pooledOthers.length > 0 ? { ...command, fundedBefore: pooledOthers.flatMap((other) => other.funding ?? []) } : command;
  const decision = decideMilestone(contract, milestone, decided, now);
  const next = decision.milestone;
  const entry: JournalEntry | undefined = decision.entry && {
    id: deps.ids('entry'),
    contractId: contract.id,
    kind: decision.entry.kind,
    currency: contract.price.currency,
    postings: decision.entry.postings,
    milestoneN: milestone.n,
    ...(next.disputeId && command.action === 'resolve' ? { disputeId: next.disputeId } : {}),
    ...(decision.entry.studioBps !== undefined ? { studioBps: decision.entry.studioBps } : {}),
    at,
  };
  const writes: Write[] = [putMilestoneVersion(deps.db, next, milestoneChanged), ...(entry ? writesForEntry(deps.db, entry, contract.cluster, contract.governmentOrgId) : [])];
  if (entry?.kind === 'FUND') {
    // Another milestone funded at the same moment would have been allocated from the same totals: one of the two retries.
    for (const other of pooledOthers.filter((o) => o.status === 'PENDING')) writes.push(unchangedSince(deps.db, keys.milestone(contract.id, other.n), other.version, othersChanged));
  }
  // A programme's subsidy: its sums move with the entry (and its unused reservation returns if this step completes the contract).
  const completes = Boolean(contract.grant) && SETTLED_MILESTONE_STATUSES.includes(next.status) && allMilestonesSettled([...(await otherMilestones()), next]);
  const granted = await grantWrites(deps, contract, entry ? [entry] : [], completes, at);
  writes.push(...granted.writes);
  if (next.status === 'SUBMITTED') {
    writes.push(putReleaseTimer(deps.db, { contractId: contract.id, n: next.n, dueAt: releaseDueAt(contract, next).toISOString() }));
  } else if (milestone.status === 'SUBMITTED') {
    writes.push(deleteReleaseTimer(deps.db, contract.id, next.n));
  }
  const transitions: Transition[] = [
    {
      entity: { type: 'contract', id: contract.id },
      action: `milestone-${kebab(decision.action)}`,
      before: milestone.status,
      after: next.status,
      details: { milestone: milestone.n, ...(entry ? { entryId: entry.id, entryKind: entry.kind } : {}), ...details },
    },
  ];
  const notify: NotificationSpec[] = [];
  let contractAfter = contract;
  const settles = SETTLED_MILESTONE_STATUSES.includes(next.status) && !SETTLED_MILESTONE_STATUSES.includes(milestone.status);
  // A settled milestone is no longer due: its timers go, and if it was flagged overdue the contract counts one fewer.
  if (settles) writes.push(...deleteDueTimers(deps.db, contract.id, next.n));
  const overdueAfter = settles && milestone.overdueAt ? { overdueMilestones: Math.max(0, (contract.overdueMilestones ?? 0) - 1) } : {};

  const activeGuard = conditionCheck(
    deps.db,
    keys.contract(contract.id),
    { expression: '#status = :active', names: { '#status': 'status' }, values: { ':active': 'ACTIVE' } },
    contractNotActive,
  );
  if (SETTLED_MILESTONE_STATUSES.includes(next.status)) {
    const others = await otherMilestones();
    if (allMilestonesSettled([...others, next])) {
      contractAfter = { ...contract, ...overdueAfter, ...(granted.grant ? { grant: granted.grant } : {}), status: contractLifecycle.next(contract.status, 'complete'), updatedAt: at, version: contract.version + 1 };
      writes.push(...writesForContractChange(deps.db, contract, contractAfter, contractChanged));
      transitions.push({ entity: { type: 'contract', id: contract.id }, action: 'complete', before: contract.status, after: contractAfter.status });
      // Each student with signed-off participation gets a record of the project: queued here, so it cannot be lost.
      writes.push(issueStudentRecordsTask(deps, contract.id, at));
      notify.push(...contractParties(contract).map((orgId) => ({ to: toOrg(orgId), type: 'CONTRACT_COMPLETED', params: { title: contract.title } })));
    } else {
      if (settles && milestone.overdueAt) {
        // Guarded by the version read (ACTIVE), like the completion write.
        contractAfter = { ...contract, ...overdueAfter, updatedAt: at, version: contract.version + 1 };
        writes.push(...writesForContractChange(deps.db, contract, contractAfter, contractChanged));
      } else {
        writes.push(activeGuard);
      }
      for (const other of others.filter((o) => !SETTLED_MILESTONE_STATUSES.includes(o.status))) {
        writes.push(unchangedSince(deps.db, keys.milestone(contract.id, other.n), other.version, othersChanged));
      }
    }
  } else {
    writes.push(activeGuard);
  }
  return { decision, entry, contract: contractAfter, writes, transitions, notify };
}

const params = (contract: Contract, milestone: Milestone, extra: Record<string, string | number> = {}) => ({
  title: contract.title,
  contractId: contract.id,
  milestone: milestone.n,
  milestoneTitle: milestone.title,
  amount: milestone.amount.amount,
  ...extra,
});

/** The notifications each step sends, besides completion. */
export function notificationsFor(contract: Contract, milestone: Milestone, command: MilestoneCommand, raisedByOrgId?: string): NotificationSpec[] {
  switch (command.action) {
    case 'fund':
      return [
        { to: toOrg(contract.studioOrgId), type: 'MILESTONE_FUNDED', params: params(contract, milestone) },
        ...(contract.shares.subsidy ? [{ to: toOrg(contract.shares.subsidy.orgId), type: 'MILESTONE_FUNDED', params: params(contract, milestone) }] : []),
        ...partFunders(contract).map((orgId) => ({ to: toOrg(orgId), type: 'MILESTONE_FUNDED', params: params(contract, milestone) })),
      ];
    case 'submit':
      return [{ to: toOrg(contract.enterpriseOrgId), type: 'MILESTONE_SUBMITTED', params: params(contract, milestone) }];
    case 'accept':
      return [{ to: toOrg(contract.studioOrgId), type: 'MILESTONE_RELEASED', params: params(contract, milestone) }];
    case 'autoRelease':
      return [
        { to: toOrg(contract.studioOrgId), type: 'MILESTONE_RELEASED', params: params(contract, milestone, { automatic: 'true' }) },
        { to: toOrg(contract.enterpriseOrgId), type: 'MILESTONE_AUTO_RELEASED', params: params(contract, milestone) },
      ];
    case 'requestRevision':
      return [{ to: toOrg(contract.studioOrgId), type: 'REVISION_REQUESTED', params: params(contract, milestone, command.reason ? { reason: command.reason } : {}) }];
    case 'dispute': {
      const other = raisedByOrgId === contract.enterpriseOrgId ? contract.studioOrgId : contract.enterpriseOrgId;
      return [
        { to: toOrg(other), type: 'DISPUTE_OPENED', params: params(contract, milestone, { disputeId: command.disputeId }) },
        { to: toAssociations, type: 'DISPUTE_OPENED', params: params(contract, milestone, { disputeId: command.disputeId }) },
      ];
    }
    case 'resolve':
      return [contract.enterpriseOrgId, contract.studioOrgId, ...(contract.shares.subsidy ? [contract.shares.subsidy.orgId] : []), ...partFunders(contract)].map((orgId) => ({
        to: toOrg(orgId),
        type: 'DISPUTE_RESOLVED',
        params: params(contract, milestone, {
          outcome: command.outcome,
          ...(milestone.disputeId ? { disputeId: milestone.disputeId } : {}),
          ...(command.studioBps !== undefined ? { studioBps: command.studioBps } : {}),
        }),
      }));
    case 'terminateRefund':
      // Termination notifies the parties once for the whole contract (termination.ts), not per milestone.
      return [];
  }
}

/**
 * A pool member funded its part and others have not: each member still owing
 * its part is told the milestone waits for it (the milestone page shows who).
 */
function partFundedNotifications(contract: Contract, milestone: Milestone, funderName: string): NotificationSpec[] {
  const funded = new Set((milestone.fundedParts ?? []).map((part) => part.orgId));
  const waiting = partFunders(contract).filter((orgId) => !funded.has(orgId));
  return waiting.map((orgId) => ({
    to: toOrg(orgId),
    type: 'MILESTONE_PART_AWAITED',
    params: params(contract, milestone, { funder: funderName, waiting: waiting.length }),
  }));
}

/** The contract (404 unless the caller is a party or an association) and its milestone, read strongly consistent. */
async function loadMilestone(deps: ServiceDeps, principal: Principal, contractId: string, n: number) {
  const contract = await getVisibleContract(deps, principal, contractId, true);
  const milestone = await getMilestone(deps.db, contract.id, n, true);
  if (!milestone) throw new NotFoundError('Milestone', `${contractId}/${n}`);
  return { contract, milestone };
}

export type PartyCommand =
  | { action: 'fund'; expectedAmount?: number; reference?: string }
  | { action: 'submit'; note: string; link?: string }
  | { action: 'accept'; note?: string }
  | { action: 'requestRevision'; reason?: string }
  | { action: 'dispute'; reason: string };

/**
 * A contract party acts on a milestone. Order of checks: the contract must be
 * visible (404), the caller must play the right role and be verified (403),
 * then the lifecycle decides (409).
 */
export async function actOnMilestone(
  deps: ServiceDeps,
  principal: Principal,
  contractId: string,
  n: number,
  input: PartyCommand,
  idempotency?: IdempotencyInput,
): Promise<CommandResult<MilestoneView & { disputeId?: string }>> {
  return runIdempotent(deps, principal, idempotency, async (recordFor) => {
    const { contract, milestone } = await loadMilestone(deps, principal, contractId, n);
    assertMilestoneRole(contract, input.action, { orgId: principal.membership?.orgId });
    const acting = requireVerified(principal);
    if (input.action === 'fund' && input.expectedAmount !== undefined && input.expectedAmount !== milestone.amount.amount) {
      throw new ConflictError('AMOUNT_MISMATCH', `Milestone ${n} is for ${milestone.amount.amount}, not ${input.expectedAmount}; nothing was moved.`, {
        amount: milestone.amount,
      });
    }
    const command: MilestoneCommand =
      input.action === 'dispute'
        ? { action: 'dispute', disputeId: deps.ids('dispute') }
        : input.action === 'submit'
          ? { action: 'submit', note: input.note, link: input.link }
          : input.action === 'requestRevision'
            ? { action: 'requestRevision', reason: input.reason }
            : input.action === 'fund'
              ? { action: 'fund', by: { orgId: acting.org.id, sub: principal.sub, ...(input.reference ? { reference: input.reference } : {}) } }
              : { action: input.action };
    const details: Record<string, unknown> = {};
    if (input.action === 'fund' && input.reference) details.reference = input.reference;
    if (input.action === 'submit') Object.assign(details, { note: input.note, ...(input.link ? { link: input.link } : {}) });
    if ((input.action === 'requestRevision' || input.action === 'dispute') && input.reason) details.reason = input.reason;
    if (input.action === 'accept' && input.note) details.note = input.note;

    const plan = await planMilestoneStep(deps, contract, milestone, command, details);
    const writes = [...plan.writes];
    const transitions = [...plan.transitions];
    if (command.action === 'dispute' && input.action === 'dispute') {
      const dispute: Dispute = {
        id: command.disputeId,
        contractId: contract.id,
        milestoneN: milestone.n,
        status: 'OPEN',
        reason: input.reason,
        raisedBy: { sub: principal.sub, orgId: acting.org.id },
        milestoneStatusBefore: milestone.status,
        createdAt: deps.clock().toISOString(),
        version: 1,
      };
      writes.push(putNewDispute(deps.db, dispute));
      transitions.push({ entity: { type: 'dispute', id: dispute.id }, action: 'open', after: 'OPEN', details: { contractId: contract.id, milestone: milestone.n, reason: input.reason }, creates: true });
    }
    const view = {
      ...viewOfMilestone(plan.decision.milestone, plan.contract, plan.entry),
      ...(command.action === 'dispute' ? { disputeId: command.disputeId } : {}),
    };
    await applyChange(deps, principal, {
      writes: [...writes, ...recordFor(200, view)],
      transitions,
      notify: [
        ...(plan.decision.action === 'fundPart' ? partFundedNotifications(contract, plan.decision.milestone, acting.org.name) : notificationsFor(contract, milestone, command, acting.org.id)),
        ...plan.notify,
      ],
    });
    if (plan.contract.status === 'COMPLETED') await issueStudentRecordsNow(deps, contract.id);
    return { status: 200, body: view };
  });
}

/**
 * Scheduler: releases one SUBMITTED milestone whose review window has passed.
 * Safe to run twice or concurrently: the milestone's version guard lets one
 * release commit and the lifecycle refuses the other.
 */
export async function autoReleaseMilestone(deps: ServiceDeps, contractId: string, n: number) {
  return runIdempotent(deps, SCHEDULER, undefined, async () => {
    const contract = await getContract(deps.db, contractId, true);
    const milestone = contract && (await getMilestone(deps.db, contractId, n, true));
    if (!contract || !milestone) throw new NotFoundError('Milestone', `${contractId}/${n}`);
    assertMilestoneRole(contract, 'autoRelease', { scheduler: true });
    const command: MilestoneCommand = { action: 'autoRelease' };
    const plan = await planMilestoneStep(deps, contract, milestone, command, { reviewWindowDays: contract.reviewWindowDays });
    await applyChange(deps, SCHEDULER, {
      writes: plan.writes,
      transitions: plan.transitions,
      notify: [...notificationsFor(contract, milestone, command), ...plan.notify],
    });
    if (plan.contract.status === 'COMPLETED') await issueStudentRecordsNow(deps, contract.id);
    return { status: 200, body: viewOfMilestone(plan.decision.milestone, plan.contract, plan.entry) };
  });
}

/**
 * The auto-release job: every timer due by now, earliest first. A timer whose
 * milestone has meanwhile left SUBMITTED (its deletion not yet visible in the
 * index) is skipped by the lifecycle's 409; one on a contract that is no longer
 * ACTIVE is removed; real failures are reported and retried on the next run.
 */
export async function releaseOverdueMilestones(deps: ServiceDeps, { pageSize = 100 }: { pageSize?: number } = {}) {
  let released = 0;
  const failures: { id: string; error: string }[] = [];
  // One instant for the whole run: the cursor of a range Query is only valid for the same range.
  const now = deps.clock();
  let cursor: string | undefined;
  do {
    const page = await listDueReleaseTimers(deps.db, now, { cursor, limit: pageSize });
    for (const timer of page.items) {
      try {
        await autoReleaseMilestone(deps, timer.contractId, timer.n);
        released += 1;
      } catch (error) {
        const code = error instanceof ConflictError ? error.code : undefined;
        if (code === 'CONTRACT_NOT_ACTIVE') {
          // Money no longer moves on this contract (e.g. terminated): the timer can never fire, so drop it.
          await commitChange(deps.db, { writes: [deleteReleaseTimer(deps.db, timer.contractId, timer.n)], audit: [], notifications: [] });
        } else if (code !== 'INVALID_TRANSITION') {
          failures.push({ id: `${timer.contractId}/${timer.n}`, error: (error as Error).message });
        }
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { released, failures };
}
