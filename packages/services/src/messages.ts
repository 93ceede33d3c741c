import { ForbiddenError, NotFoundError, contractParties, isAssociation, threadAccess, type Contract, type ContractMessage, type Milestone, type Principal } from '@sharedtech/core';
import { getContract, listContractMessages, listMilestones, writeNewContractMessage, type PageRequest } from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toOrg } from './change.js';

/**
 * What the caller may do with the thread of a contract already read. Only an
 * association's view depends on open disputes: it reads the milestones unless
 * given them, and parties never pay for that read.
 */
export async function threadAccessTo(deps: ServiceDeps, principal: Principal, contract: Contract, milestones?: readonly Milestone[]) {
  const parties = contractParties(contract);
  const viewerOrgId = principal.membership?.orgId;
  const association = isAssociation(principal);
  const disputeOpen =
    association && !parties.includes(viewerOrgId ?? '') && (milestones ?? (await listMilestones(deps.db, contract.id))).some((milestone) => milestone.status === 'DISPUTED');
  return threadAccess({ parties, viewerOrgId, isAssociation: association, disputeOpen });
}

/**
 * The contract and what the caller may do with its thread; 404 when the caller
 * may not even read it. Strongly consistent to write to the thread; to read it,
 * the eventually consistent read `GET /v1/contracts/{id}` makes too.
 */
export async function contractThread(deps: ServiceDeps, principal: Principal, contractId: string, consistent = true) {
  const contract = await getContract(deps.db, contractId, consistent);
  if (!contract) throw new NotFoundError('Contract', contractId);
  const access = await threadAccessTo(deps, principal, contract);
  if (access === 'NONE') throw new NotFoundError('Contract', contractId);
  return { contract, parties: contractParties(contract), access };
}

/** A party writes to the contract's thread; the other parties are notified in the same transaction. */
export async function postContractMessage(deps: ServiceDeps, principal: Principal, contractId: string, text: string): Promise<ContractMessage> {
  const { contract, parties, access } = await contractThread(deps, principal, contractId);
  if (access !== 'WRITE') throw new ForbiddenError('NOT_A_PARTY', 'Only the parties of a contract write in its thread.');
  const message: ContractMessage = {
    id: deps.ids('message'),
    contractId: contract.id,
    authorOrgId: principal.membership!.orgId,
    authorSub: principal.sub,
    authorName: principal.membership?.displayName,
    text,
    at: deps.clock().toISOString(),
  };
  await applyChange(deps, principal, {
    writes: [writeNewContractMessage(deps.db, message)],
    transitions: [{ entity: { type: 'contract', id: contract.id }, action: 'message', details: { messageId: message.id } }],
    notify: parties
      .filter((orgId) => orgId !== message.authorOrgId)
      .map((orgId) => ({ to: toOrg(orgId), type: 'MESSAGE_POSTED', params: { title: contract.title } })),
  });
  return message;
}

/** The thread, newest first, for its parties (and associations while a dispute is open). */
export async function readContractMessages(deps: ServiceDeps, principal: Principal, contractId: string, page: PageRequest) {
  const { contract, access } = await contractThread(deps, principal, contractId, false);
  return { ...(await listContractMessages(deps.db, contract.id, page)), canWrite: access === 'WRITE' };
}
