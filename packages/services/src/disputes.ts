import {
  ConflictError, NotFoundError, assertMilestoneRole, contractParties, disputeLifecycle, isAssociation, requireAssociation,
  type Dispute, type DisputeOutcome, type DisputeStatus, type Principal,
} from '@sharedtech/core';
import { getContract, getDispute, getMilestone, listDisputesByStatus, putDisputeVersion, type PageRequest } from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { issueStudentRecordsNow } from './education.js';
import { applyChange } from './change.js';
import { runIdempotent, type CommandResult, type IdempotencyInput } from './idempotency.js';
import { notificationsFor, planMilestoneStep, viewOfMilestone, type MilestoneView } from './milestones.js';

export type DisputeView = Omit<Dispute, 'version'>;
export const viewOfDispute = ({ version: _version, ...dispute }: Dispute): DisputeView => dispute;

const disputeChanged = () => new ConflictError('CONCURRENT_UPDATE', 'The dispute was decided by someone else meanwhile; reload.');

/** The dispute, for associations and the parties of its contract (404 for anyone else). */
export async function getVisibleDispute(deps: ServiceDeps, principal: Principal, disputeId: string, consistent = false) {
  const dispute = await getDispute(deps.db, disputeId, consistent);
  if (!dispute) throw new NotFoundError('Dispute', disputeId);
  if (!isAssociation(principal)) {
    const contract = await getContract(deps.db, dispute.contractId);
    const orgId = principal.membership?.orgId;
    if (!contract || !orgId || !contractParties(contract).includes(orgId)) throw new NotFoundError('Dispute', disputeId);
  }
  return dispute;
}

/** The associations' queue: disputes of one status, oldest first. */
export async function listDisputes(deps: ServiceDeps, principal: Principal, status: DisputeStatus, page: PageRequest) {
  requireAssociation(principal);
  const result = await listDisputesByStatus(deps.db, status, page);
  return { ...result, items: result.items.map(viewOfDispute) };
}

export interface ResolutionInput {
  outcome: DisputeOutcome;
  studioBps?: number;
  note?: string;
}

/**
 * An association decides a dispute: the milestone's escrow is RELEASEd to the
 * studio, REFUNDed to the funders, or SPLIT. Dispute, milestone, journal entry,
 * balances and (if this was the last open milestone) the contract's completion
 * commit together, with the idempotency record.
 */
export async function resolveDispute(
  deps: ServiceDeps,
  principal: Principal,
  disputeId: string,
  input: ResolutionInput,
  idempotency?: IdempotencyInput,
): Promise<CommandResult<DisputeView & { milestone: MilestoneView }>> {
  const association = requireAssociation(principal);
  return runIdempotent(deps, principal, idempotency, async (recordFor) => {
    const dispute = await getVisibleDispute(deps, principal, disputeId, true);
    const status = disputeLifecycle.next(dispute.status, 'resolve');
    const contract = await getContract(deps.db, dispute.contractId, true);
    const milestone = contract && (await getMilestone(deps.db, dispute.contractId, dispute.milestoneN, true));
    if (!contract || !milestone) throw new NotFoundError('Milestone', `${dispute.contractId}/${dispute.milestoneN}`);
    assertMilestoneRole(contract, 'resolve', { association: true });
    const command = { action: 'resolve' as const, outcome: input.outcome, studioBps: input.studioBps };
    const plan = await planMilestoneStep(
      deps,
      contract,
      milestone,
      command,
      { disputeId: dispute.id, outcome: input.outcome, ...(input.studioBps !== undefined ? { studioBps: input.studioBps } : {}) },
    );
    const now = deps.clock().toISOString();
    const resolved: Dispute = {
      ...dispute,
      status,
      outcome: input.outcome,
      ...(input.studioBps !== undefined ? { studioBps: input.studioBps } : {}),
      ...(input.note ? { note: input.note } : {}),
      resolvedBy: { sub: principal.sub, orgId: association.org.id },
      resolvedAt: now,
      entryId: plan.entry?.id,
      version: dispute.version + 1,
    };
    const body = { ...viewOfDispute(resolved), milestone: viewOfMilestone(plan.decision.milestone, plan.contract, plan.entry) };
    const decided = { outcome: input.outcome, ...(input.studioBps !== undefined ? { studioBps: input.studioBps } : {}) };
    await applyChange(deps, principal, {
      writes: [putDisputeVersion(deps.db, resolved, disputeChanged), ...plan.writes, ...recordFor(200, body)],
      transitions: [
        { entity: { type: 'dispute', id: dispute.id }, action: 'resolve', before: dispute.status, after: status, details: { ...decided, entryId: plan.entry?.id, ...(input.note ? { note: input.note } : {}) } },
        ...plan.transitions,
      ],
      notify: [
        ...notificationsFor(contract, milestone, command),
        ...plan.notify,
      ],
    });
    if (plan.contract.status === 'COMPLETED') await issueStudentRecordsNow(deps, contract.id);
    return { status: 200, body };
  });
}

/** Reads one dispute (associations and the contract's parties). */
export async function readDispute(deps: ServiceDeps, principal: Principal, disputeId: string) {
  // No membership check first: to a caller without an organisation a dispute is a 404 like any other.
  return viewOfDispute(await getVisibleDispute(deps, principal, disputeId));
}
