import { z } from 'zod';
import { contractLifecycle, MAX_MILESTONES, SETTLED_MILESTONE_STATUSES, type Contract, type Milestone } from './contract.js';
import { calendarDaysBetween, endOfShanghaiDay, isCalendarDate, milestoneDueAt, shanghaiDate } from './due-dates.js';
import { ConflictError, ForbiddenError, ValidationError } from './errors.js';
import { moneySchema } from './money-schema.js';
import { defineStateMachine } from './state-machine.js';

/**
 * Change orders (变更单): a signer of an ACTIVE contract proposes operations on
 * its plan; every signer approves (the proposal counts as the proposer's
 * approval) and the last approval applies them in one write guarded by the
 * contract's version. A change order is proposed against the contract's
 * `planVersion`; once another change has applied, it can no longer apply and is
 * SUPERSEDED. Pure rules here; the service reads, decides and commits.
 */
export const CHANGE_STATUSES = ['PENDING', 'APPLIED', 'REJECTED', 'WITHDRAWN', 'SUPERSEDED'] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];
export type ChangeAction = 'approve' | 'apply' | 'reject' | 'withdraw' | 'supersede';

export const changeLifecycle = defineStateMachine<ChangeStatus, ChangeAction>('change order', {
  /** An approval that is not yet the last one: the change stays PENDING. */
  approve: { from: ['PENDING'], to: 'PENDING' },
  /** The last approval: the operations are applied to the contract. */
  apply: { from: ['PENDING'], to: 'APPLIED' },
  reject: { from: ['PENDING'], to: 'REJECTED' },
  withdraw: { from: ['PENDING'], to: 'WITHDRAWN' },
  /** Another change applied first (or the contract is no longer ACTIVE). */
  supersede: { from: ['PENDING'], to: 'SUPERSEDED' },
});

/** At most this many operations per change order, so applying one always fits one transaction. */
export const MAX_CHANGE_OPERATIONS = 10;

const n = z.number().int();

export const changeOperationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), title: z.string(), amount: moneySchema, dueInDays: z.number().int() }),
  z.object({ op: z.literal('remove'), n }),
  z.object({ op: z.literal('retitle'), n, title: z.string() }),
  z.object({ op: z.literal('reprice'), n, amount: moneySchema }),
  z.object({ op: z.literal('moveDue'), n, dueDate: z.string() }),
  z.object({ op: z.literal('reviewWindow'), days: z.number().int() }),
]);
export type ChangeOperation = z.infer<typeof changeOperationSchema>;

const actorSchema = z.object({ orgId: z.string(), sub: z.string(), at: z.string() });

export const changeOrderSchema = z.object({
  id: z.string(),
  contractId: z.string(),
  status: z.enum(CHANGE_STATUSES),
  operations: z.array(changeOperationSchema),
  reason: z.string(),
  proposedBy: actorSchema,
  /** The contract's `planVersion` the change was proposed against. */
  basePlanVersion: z.number().int(),
  approvals: z.array(actorSchema),
  /** Who ended it and why (REJECTED, WITHDRAWN), or when it was found SUPERSEDED. */
  decision: z.object({ orgId: z.string().optional(), sub: z.string(), at: z.string(), reason: z.string().optional() }).optional(),
  /** What applying it did to the contract's total and plan. */
  applied: z.object({ at: z.string(), priceBefore: moneySchema, priceAfter: moneySchema, addedMilestones: z.array(n) }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type ChangeOrder = z.infer<typeof changeOrderSchema>;

const planVersionOf = (contract: Pick<Contract, 'planVersion'>) => contract.planVersion ?? 0;

/** Only the signers of a contract (enterprise, studio and a co-funding government) propose and decide its changes. */
export function assertChangeSigner(contract: Pick<Contract, 'requiredSigners'>, orgId: string | undefined): asserts orgId is string {
  if (!orgId || !contract.requiredSigners.includes(orgId)) {
    throw new ForbiddenError('NOT_A_SIGNER', 'Only the organisations that signed the contract propose or decide its changes.');
  }
}

/** A PENDING change that can no longer apply: another change applied first, or the contract left ACTIVE. */
export const isSuperseded = (change: Pick<ChangeOrder, 'status' | 'basePlanVersion'>, contract: Pick<Contract, 'status' | 'planVersion'>) =>
  change.status === 'PENDING' && (change.basePlanVersion !== planVersionOf(contract) || contract.status !== 'ACTIVE');

/** The status a reader sees: a stale PENDING change reads as SUPERSEDED even before anyone touches it again. */
export const effectiveChangeStatus = (change: ChangeOrder, contract: Pick<Contract, 'status' | 'planVersion'>): ChangeStatus =>
  isSuperseded(change, contract) ? 'SUPERSEDED' : change.status;

/** Signers whose approval is still missing. */
export const missingApprovals = (change: Pick<ChangeOrder, 'approvals'>, contract: Pick<Contract, 'requiredSigners'>) =>
  contract.requiredSigners.filter((orgId) => !change.approvals.some((approval) => approval.orgId === orgId));

export type ChangeCommand = { action: 'approve' } | { action: 'reject'; reason?: string } | { action: 'withdraw'; reason?: string };

export interface ChangeDecision {
  action: ChangeAction;
  /** The change after the step, at version + 1. */
  change: ChangeOrder;
}

/**
 * The next state of a change order when `actor` approves, rejects or
 * withdraws it. A stale PENDING change is SUPERSEDED whatever was asked (the
 * service records that and answers 409). Roles first (403), then state (409).
 */
export function decideChange(change: ChangeOrder, contract: Contract, actor: { orgId?: string; sub: string }, command: ChangeCommand, at: string): ChangeDecision {
  assertChangeSigner(contract, actor.orgId);
  if (command.action === 'withdraw' && actor.orgId !== change.proposedBy.orgId) {
    throw new ForbiddenError('NOT_PROPOSER', 'Only the organisation that proposed a change can withdraw it.');
  }
  const base = { ...change, updatedAt: at, version: change.version + 1 };
  if (isSuperseded(change, contract)) {
    return { action: 'supersede', change: { ...base, status: changeLifecycle.next(change.status, 'supersede'), decision: { sub: actor.sub, at } } };
  }
  if (command.action === 'approve') {
    changeLifecycle.next(change.status, 'approve');
    if (change.approvals.some((approval) => approval.orgId === actor.orgId)) {
      throw new ConflictError('ALREADY_APPROVED', 'Your organisation has already approved this change.');
    }
    const approvals = [...change.approvals, { orgId: actor.orgId, sub: actor.sub, at }];
    const complete = missingApprovals({ approvals }, contract).length === 0;
    const action: ChangeAction = complete ? 'apply' : 'approve';
    return { action, change: { ...base, approvals, status: changeLifecycle.next(change.status, action) } };
  }
  const status = changeLifecycle.next(change.status, command.action);
  return { action: command.action, change: { ...base, status, decision: { orgId: actor.orgId, sub: actor.sub, at, ...(command.reason ? { reason: command.reason } : {}) } } };
}

export interface ChangePlan {
  /** The contract after the change: plan version + 1, new total, count, review window (version not yet moved). */
  contract: Contract;
  added: Milestone[];
  /** Milestones changed in place, at version + 1. */
  updated: Milestone[];
  removed: Milestone[];
}

const conflictOn = (index: number, milestone: Milestone, what: string) =>
  new ConflictError(
    'MILESTONE_NOT_PENDING',
    `Milestone ${milestone.n} is ${milestone.status}: ${what} only while it is PENDING (a milestone that holds money keeps its amount).`,
    { operation: index, n: milestone.n, status: milestone.status },
  );

/**
 * What the operations do to the contract and its milestones, checked against
 * the state as read now (at proposal, and again at the last approval):
 * - add: a new PENDING milestone `dueInDays` after the start; remove, re-title,
 *   re-price: PENDING milestones only — a milestone funded or beyond holds
 *   money (409 `MILESTONE_NOT_PENDING`).
 * - re-pricing, adding and removing change the contract's total by the
 *   difference: the total stays the sum of its milestones, and each milestone's
 *   subsidy share is computed from its own amount when it is funded, so escrow
 *   and the share agreement stay consistent.
 * - moveDue: any milestone not yet settled, to a date whose end is still ahead;
 *   a milestone flagged overdue whose date moves later is no longer overdue.
 * - reviewWindow: applies to milestones submitted after the change.
 */
export function planChange(contract: Contract, milestones: readonly Milestone[], operations: readonly ChangeOperation[], now: Date): ChangePlan {
  if (contract.status !== 'ACTIVE') {
    throw new ConflictError('CONTRACT_NOT_ACTIVE', `The contract is ${contract.status}; only an ACTIVE contract can be changed.`, { status: contract.status });
  }
  const at = now.toISOString();
  const start = contract.activatedAt ?? contract.createdAt;
  const issues: { path: string; message: string; code: string }[] = [];
  const byN = new Map(milestones.map((milestone) => [milestone.n, milestone]));
  const touched = new Map<number, Set<string>>();
  const next = new Map<number, Milestone>();
  const removed: Milestone[] = [];
  const added: Milestone[] = [];
  let lastN = Math.max(contract.lastMilestoneN ?? contract.milestoneCount, ...milestones.map((milestone) => milestone.n));
  let priceDelta = 0;
  let unflagged = 0;
  let reviewWindowDays = contract.reviewWindowDays;
  const futureDue = (dueAt: string, path: string) => {
    if (Date.parse(dueAt) <= now.getTime()) issues.push({ path, message: 'The new due date has already passed.', code: 'DUE_DATE_PAST' });
  };
  const amountOk = (amount: { amount: number; currency: string }, path: string) => {
    if (amount.currency !== contract.price.currency) issues.push({ path: `${path}.currency`, message: `Use the contract's currency ${contract.price.currency}.`, code: 'CURRENCY_MISMATCH' });
    if (amount.amount <= 0) issues.push({ path: `${path}.amount`, message: 'A milestone is worth more than nothing.', code: 'NOT_POSITIVE' });
    return amount.currency === contract.price.currency && amount.amount > 0;
  };

  operations.forEach((operation, index) => {
    const path = `operations.${index}`;
    if (operation.op === 'reviewWindow') {
      if (operation.days < 1 || operation.days > 90) issues.push({ path: `${path}.days`, message: 'A review window is 1 to 90 days.', code: 'OUT_OF_RANGE' });
      reviewWindowDays = operation.days;
      return;
    }
    if (operation.op === 'add') {
      lastN += 1;
      const dueAt = milestoneDueAt(start, operation.dueInDays);
      if (operation.dueInDays < 0) issues.push({ path: `${path}.dueInDays`, message: 'Days are counted from the start of the contract.', code: 'OUT_OF_RANGE' });
      else futureDue(dueAt, `${path}.dueInDays`);
      if (amountOk(operation.amount, `${path}.amount`)) priceDelta += operation.amount.amount;
      added.push({
        contractId: contract.id, n: lastN, title: operation.title, amount: operation.amount, dueInDays: operation.dueInDays, dueAt,
        status: 'PENDING', updatedAt: at, version: 1,
      });
      return;
    }
    const current = byN.get(operation.n);
    if (!current) {
      issues.push({ path: `${path}.n`, message: `The contract has no milestone ${operation.n}.`, code: 'UNKNOWN_MILESTONE' });
      return;
    }
    const kinds = touched.get(operation.n) ?? new Set<string>();
    if (kinds.has(operation.op) || (operation.op === 'remove' && kinds.size > 0) || kinds.has('remove')) {
      issues.push({ path: `${path}.n`, message: `Milestone ${operation.n} appears in conflicting operations.`, code: 'CONFLICTING_OPERATIONS' });
      return;
    }
    kinds.add(operation.op);
    touched.set(operation.n, kinds);
    const milestone = next.get(operation.n) ?? { ...current, updatedAt: at, version: current.version + 1 };
    switch (operation.op) {
      case 'remove':
        if (current.status !== 'PENDING') throw conflictOn(index, current, 'it can be removed');
        removed.push(current);
        priceDelta -= current.amount.amount;
        if (current.overdueAt) unflagged += 1;
        return;
      case 'retitle':
        if (current.status !== 'PENDING') throw conflictOn(index, current, 'it can be re-titled');
        milestone.title = operation.title;
        break;
      case 'reprice':
        if (current.status !== 'PENDING') throw conflictOn(index, current, 'it can be re-priced');
        if (amountOk(operation.amount, `${path}.amount`)) {
          priceDelta += operation.amount.amount - current.amount.amount;
          milestone.amount = operation.amount;
        }
        break;
      case 'moveDue': {
        if (SETTLED_MILESTONE_STATUSES.includes(current.status)) {
          throw new ConflictError('MILESTONE_SETTLED', `Milestone ${current.n} is ${current.status}; its due date no longer matters.`, { operation: index, n: current.n });
        }
        if (!isCalendarDate(operation.dueDate)) {
          issues.push({ path: `${path}.dueDate`, message: 'Use a calendar date yyyy-mm-dd.', code: 'INVALID_DATE' });
          return;
        }
        const dueAt = endOfShanghaiDay(operation.dueDate).toISOString();
        futureDue(dueAt, `${path}.dueDate`);
        milestone.dueAt = dueAt;
        milestone.dueInDays = calendarDaysBetween(shanghaiDate(start), operation.dueDate);
        if (milestone.overdueAt && !SETTLED_MILESTONE_STATUSES.includes(milestone.status)) {
          milestone.overdueAt = undefined;
          unflagged += 1;
        }
        break;
      }
    }
    next.set(operation.n, milestone);
  });

  const remaining = milestones.length - removed.length + added.length;
  if (issues.length === 0 && remaining === 0) issues.push({ path: 'operations', message: 'A contract keeps at least one milestone.', code: 'NO_MILESTONES_LEFT' });
  if (issues.length === 0 && remaining > MAX_MILESTONES) issues.push({ path: 'operations', message: `A contract has at most ${MAX_MILESTONES} milestones.`, code: 'TOO_MANY_MILESTONES' });
  if (issues.length > 0) throw new ValidationError('The change order is not valid.', issues);

  const updated = [...next.values()];
  const after = [...milestones.filter((m) => !removed.includes(m) && !next.has(m.n)), ...updated, ...added];
  const completes = after.every((milestone) => SETTLED_MILESTONE_STATUSES.includes(milestone.status));
  const contractAfter: Contract = {
    ...contract,
    price: { ...contract.price, amount: contract.price.amount + priceDelta },
    milestoneCount: remaining,
    lastMilestoneN: lastN,
    reviewWindowDays,
    planVersion: planVersionOf(contract) + 1,
    overdueMilestones: Math.max(0, (contract.overdueMilestones ?? 0) - unflagged),
    status: completes ? contractLifecycle.next(contract.status, 'complete') : contract.status,
    updatedAt: at,
  };
  return { contract: contractAfter, added, updated, removed };
}
