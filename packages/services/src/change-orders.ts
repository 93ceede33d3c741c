import {
  ConflictError, ForbiddenError, NotFoundError, assertChangeSigner, contractParties, decideChange, effectiveChangeStatus, missingApprovals, planChange, requireVerified,
  type ChangeCommand, type ChangeOperation, type ChangeOrder, type Contract, type Principal,
} from '@sharedtech/core';
import {
  deleteDueTimers, deleteMilestoneAtVersion, dueTimerWrites, getChangeOrder, listChangeOrders, listMilestones, putChangeOrderVersion,
  putMilestoneVersion, putNewChangeOrder, putNewMilestone, unchangedSince, keys, writesForContractChange, type PageRequest, type Write,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, retryingConflicts, toOrg, type Transition } from './change.js';
import { getVisibleContract } from './contracts.js';

export interface ProposeChangeInput {
  operations: ChangeOperation[];
  reason: string;
}

/** A change order as readers see it: a stale PENDING one reads as SUPERSEDED, with the approvals still missing. */
export const viewOfChange = ({ version: _version, ...change }: ChangeOrder, contract: Contract) => {
  const status = effectiveChangeStatus({ ...change, version: 0 }, contract);
  return { ...change, status, awaiting: status === 'PENDING' ? missingApprovals(change, contract) : [] };
};
export type ChangeOrderView = ReturnType<typeof viewOfChange>;

const contractChanged = () => new ConflictError('CONCURRENT_UPDATE', 'The contract changed meanwhile; reload and try again.');
const changeChanged = () => new ConflictError('CONCURRENT_UPDATE', 'The change order was decided by someone else at the same moment; reload and try again.');
const milestoneChanged = () => new ConflictError('CONCURRENT_UPDATE', 'A milestone of this contract changed meanwhile; reload and try again.');

/** An owner of a signing organisation (changing a contract binds the organisation, like signing it). */
function requireSigningOwner(principal: Principal, contract: Contract) {
  const acting = requireVerified(principal);
  assertChangeSigner(contract, acting.org.id);
  if (acting.membership.role !== 'OWNER') throw new ForbiddenError('NOT_ORG_OWNER', 'Only an owner of your organisation can propose or decide changes.');
  return acting;
}

/**
 * A signer of an ACTIVE contract proposes a change order. The operations are
 * checked against the contract as it is now (400/409 with nothing written);
 * the proposal counts as the proposer's approval, and the other parties are
 * notified in the same transaction.
 */
export async function proposeChange(deps: ServiceDeps, principal: Principal, contractId: string, input: ProposeChangeInput) {
  const contract = await getVisibleContract(deps, principal, contractId, true);
  const acting = requireSigningOwner(principal, contract);
  const milestones = await listMilestones(deps.db, contract.id, true);
  const now = deps.clock();
  planChange(contract, milestones, input.operations, now);
  const at = now.toISOString();
  const change: ChangeOrder = {
    id: deps.ids('change'),
    contractId: contract.id,
    status: 'PENDING',
    operations: input.operations,
    reason: input.reason,
    proposedBy: { orgId: acting.org.id, sub: principal.sub, at },
    basePlanVersion: contract.planVersion ?? 0,
    approvals: [{ orgId: acting.org.id, sub: principal.sub, at }],
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await applyChange(deps, principal, {
    writes: [putNewChangeOrder(deps.db, change), unchangedSince(deps.db, keys.contract(contract.id), contract.version, contractChanged)],
    transitions: [
      { entity: { type: 'contract', id: contract.id }, action: 'change-propose', after: 'PENDING', details: { changeId: change.id, operations: input.operations, reason: input.reason } },
    ],
    notify: contractParties(contract)
      .filter((orgId) => orgId !== acting.org.id)
      .map((orgId) => ({ to: toOrg(orgId), type: 'CHANGE_PROPOSED', params: { title: contract.title, contractId: contract.id, changeId: change.id, proposer: acting.org.name } })),
  });
  return viewOfChange(change, contract);
}

/** A contract's change orders, newest first (its parties and associations). */
export async function listContractChanges(deps: ServiceDeps, principal: Principal, contractId: string, page: PageRequest) {
  const contract = await getVisibleContract(deps, principal, contractId);
  const result = await listChangeOrders(deps.db, contract.id, page);
  return { items: result.items.map((change) => viewOfChange(change, contract)), nextCursor: result.nextCursor };
}

/** How many times a decision is tried again when a concurrent approval or change moved the change order or contract first. */
const MAX_ATTEMPTS = 4;

/**
 * A signer approves, rejects or withdraws a change order. The last approval
 * applies it: the change, the contract (plan version + 1, guarded by the
 * version read), its milestones, their due timers and the statistics go into
 * one transaction, so of two changes proposed against the same plan only one
 * can apply; the other is then SUPERSEDED (recorded, and answered with 409
 * `CHANGE_SUPERSEDED`). A decision that lost a race with another decision on
 * the same change or contract is re-decided from a fresh read.
 */
export async function decideChangeOrder(deps: ServiceDeps, principal: Principal, contractId: string, changeId: string, command: ChangeCommand) {
  return retryingConflicts(['CONCURRENT_UPDATE'], MAX_ATTEMPTS, () => decideOnce(deps, principal, contractId, changeId, command));
}

async function decideOnce(deps: ServiceDeps, principal: Principal, contractId: string, changeId: string, command: ChangeCommand) {
  const contract = await getVisibleContract(deps, principal, contractId, true);
  const change = await getChangeOrder(deps.db, contract.id, changeId, true);
  if (!change) throw new NotFoundError('Change order', changeId);
  const acting = requireSigningOwner(principal, contract);
  const now = deps.clock();
  const at = now.toISOString();
  const decision = decideChange(change, contract, { orgId: acting.org.id, sub: principal.sub }, command, at);
  const others = contractParties(contract).filter((orgId) => orgId !== acting.org.id);
  const params = { title: contract.title, contractId: contract.id, changeId: change.id, actor: acting.org.name };
  const transition = (action: string, details: Record<string, unknown> = {}): Transition => ({
    entity: { type: 'contract', id: contract.id },
    action: `change-${action}`,
    before: change.status,
    after: decision.change.status,
    details: { changeId: change.id, ...details },
  });

  if (decision.action === 'supersede') {
    await applyChange(deps, principal, {
      writes: [putChangeOrderVersion(deps.db, decision.change, changeChanged)],
      transitions: [transition('supersede', { basePlanVersion: change.basePlanVersion, planVersion: contract.planVersion ?? 0, contractStatus: contract.status })],
      notify: [{ to: toOrg(change.proposedBy.orgId), type: 'CHANGE_SUPERSEDED', params }],
    });
    throw new ConflictError('CHANGE_SUPERSEDED', 'Another change was applied to this contract first (or it is no longer ACTIVE); this change order can no longer apply.', {
      changeId: change.id,
      status: 'SUPERSEDED',
    });
  }

  if (decision.action !== 'apply') {
    const type = decision.action === 'approve' ? 'CHANGE_APPROVED' : decision.action === 'reject' ? 'CHANGE_REJECTED' : 'CHANGE_WITHDRAWN';
    const reason: { reason?: string } = command.action !== 'approve' && command.reason ? { reason: command.reason } : {};
    await applyChange(deps, principal, {
      // The contract is only read; guarding it keeps a decision from landing on a plan that changed meanwhile.
      writes: [putChangeOrderVersion(deps.db, decision.change, changeChanged), unchangedSince(deps.db, keys.contract(contract.id), contract.version, contractChanged)],
      transitions: [transition(decision.action, { orgId: acting.org.id, ...reason })],
      notify: others.map((orgId) => ({ to: toOrg(orgId), type, params: reason.reason ? { ...params, reason: reason.reason } : params })),
    });
    return viewOfChange(decision.change, contract);
  }

  // The last approval: apply the operations to the plan as it is now.
  const milestones = await listMilestones(deps.db, contract.id, true);
  const plan = planChange(contract, milestones, change.operations, now);
  const contractAfter: Contract = { ...plan.contract, version: contract.version + 1 };
  const applied: ChangeOrder = {
    ...decision.change,
    applied: { at, priceBefore: contract.price, priceAfter: contractAfter.price, addedMilestones: plan.added.map((milestone) => milestone.n) },
  };
  const writes: Write[] = [
    putChangeOrderVersion(deps.db, applied, changeChanged),
    ...writesForContractChange(deps.db, contract, contractAfter, contractChanged),
    ...plan.added.flatMap((milestone) => [putNewMilestone(deps.db, milestone), ...dueTimerWrites(deps.db, milestone)]),
    ...plan.updated.flatMap((milestone) => [putMilestoneVersion(deps.db, milestone, milestoneChanged), ...dueTimerWrites(deps.db, milestone)]),
    ...plan.removed.flatMap((milestone) => [deleteMilestoneAtVersion(deps.db, milestone, milestoneChanged), ...deleteDueTimers(deps.db, contract.id, milestone.n)]),
  ];
  const transitions: Transition[] = [
    transition('approve', { orgId: acting.org.id }),
    transition('apply', {
      operations: change.operations,
      priceBefore: contract.price.amount,
      priceAfter: contractAfter.price.amount,
      planVersion: contractAfter.planVersion,
      addedMilestones: plan.added.map((milestone) => milestone.n),
    }),
  ];
  if (contractAfter.status !== contract.status) {
    transitions.push({ entity: { type: 'contract', id: contract.id }, action: 'complete', before: contract.status, after: contractAfter.status, details: { changeId: change.id } });
  }
  await applyChange(deps, principal, {
    writes,
    transitions,
    notify: contractParties(contract).map((orgId) => ({ to: toOrg(orgId), type: 'CHANGE_APPLIED', params })),
  });
  return viewOfChange(applied, contractAfter);
}
