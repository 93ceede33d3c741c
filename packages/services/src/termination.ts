import {
  ConflictError, contractLifecycle, contractParties, decideMilestone, requireAssociation, withPersonalDataFor,
  type Contract, type JournalEntry, type Principal,
} from '@sharedtech/core';
import {
  MAX_TRANSACTION_ITEMS, deleteReleaseTimer, keys, listMilestones, putMilestoneVersion,
  unchangedSince, writesForContractChange, writesForEntries, type Write,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toOrg, type Transition } from './change.js';
import { getVisibleContract, viewOfContract } from './contracts.js';
import { runIdempotent, type CommandResult, type IdempotencyInput } from './idempotency.js';
import { grantWrites } from './programmes.js';

const contractChanged = () => new ConflictError('CONCURRENT_UPDATE', 'The contract changed meanwhile; reload and try again.');
const milestoneChanged = () =>
  new ConflictError('MILESTONES_CHANGED', 'A milestone of this contract changed at the same moment; reload and try again.');

/**
 * An association ends an ACTIVE contract (ACTIVE → TERMINATED). Whatever escrow
 * holds goes back to the funders in proportion to what each paid: one REFUND
 * entry per FUNDED or SUBMITTED milestone, all in one transaction with the
 * contract's new state. A DISPUTED milestone must be decided first, because its
 * dispute already says where that money goes. Milestones not touched are
 * guarded by version, so a milestone funded at the same moment cannot slip past
 * the refund.
 */
export async function terminateContract(
  deps: ServiceDeps,
  principal: Principal,
  contractId: string,
  input: { reason: string },
  idempotency?: IdempotencyInput,
): Promise<CommandResult<ReturnType<typeof viewOfContract> & { refunds: JournalEntry[] }>> {
  return runIdempotent(deps, principal, idempotency, async (recordFor) => {
    requireAssociation(principal);
    const contract = await getVisibleContract(deps, principal, contractId, true);
    const status = contractLifecycle.next(contract.status, 'terminate');
    const milestones = await listMilestones(deps.db, contract.id, true);
    const disputed = milestones.filter((milestone) => milestone.status === 'DISPUTED');
    if (disputed.length > 0) {
      throw new ConflictError('DISPUTE_OPEN', 'Resolve the open disputes of this contract before terminating it.', {
        milestones: disputed.map((milestone) => milestone.n),
      });
    }
    const now = deps.clock();
    const at = now.toISOString();
    const writes: Write[] = [];
    const transitions: Transition[] = [];
    const refunds: JournalEntry[] = [];
    const after = milestones.map((milestone) => {
      if (milestone.status !== 'FUNDED' && milestone.status !== 'SUBMITTED') {
        writes.push(unchangedSince(deps.db, keys.milestone(contract.id, milestone.n), milestone.version, milestoneChanged));
        return milestone;
      }
      const decision = decideMilestone(contract, milestone, { action: 'terminateRefund' }, now);
      const entry: JournalEntry = {
        id: deps.ids('entry'),
        contractId: contract.id,
        kind: 'REFUND',
        currency: contract.price.currency,
        postings: decision.entry!.postings,
        milestoneN: milestone.n,
        at,
      };
      refunds.push(entry);
      writes.push(putMilestoneVersion(deps.db, decision.milestone, milestoneChanged));
      if (milestone.status === 'SUBMITTED') writes.push(deleteReleaseTimer(deps.db, contract.id, milestone.n));
      transitions.push({
        entity: { type: 'contract', id: contract.id },
        action: 'milestone-terminate-refund',
        before: milestone.status,
        after: decision.milestone.status,
        details: { milestone: milestone.n, entryId: entry.id, entryKind: entry.kind },
      });
      return decision.milestone;
    });
    // All refunds touch the same escrow and funder balances: posted together, each balance moves once.
    writes.push(...writesForEntries(deps.db, refunds, contract.cluster, contract.governmentOrgId));
    // A programme's subsidy: the refunds come back to it and its unused reservation is returned.
    const granted = await grantWrites(deps, contract, refunds, true, at);
    writes.push(...granted.writes);
    // Nothing of a terminated contract is overdue any more (its milestones are refunded or will never be funded).
    const terminated: Contract = { ...contract, ...(granted.grant ? { grant: granted.grant } : {}), status, ...(contract.overdueMilestones ? { overdueMilestones: 0 } : {}), updatedAt: at, version: contract.version + 1 };
    writes.push(...writesForContractChange(deps.db, contract, terminated, contractChanged));
    transitions.unshift({ entity: { type: 'contract', id: contract.id }, action: 'terminate', before: contract.status, after: status, details: { reason: input.reason } });
    // Each refund adds its milestone, entry and balance items; with the audit records, one notification per
    // party and the idempotency record it must still fit in one transaction.
    if (writes.length + transitions.length + contractParties(contract).length + 1 > MAX_TRANSACTION_ITEMS) {
      throw new ConflictError('TOO_MANY_HELD_MILESTONES', 'Too many milestones hold money to refund in one step; resolve some of them first.');
    }
    const body = { ...viewOfContract(withPersonalDataFor(principal.membership?.orgId, contractParties(terminated), terminated), after), refunds };
    await applyChange(deps, principal, {
      writes: [...writes, ...recordFor(200, body)],
      transitions,
      notify: contractParties(contract).map((orgId) => ({ to: toOrg(orgId), type: 'CONTRACT_TERMINATED', params: { title: contract.title, reason: input.reason } })),
    });
    return { status: 200, body };
  });
}
