import { ForbiddenError, NotFoundError, contractParties, isAssociation, threadAccess, type ContractMessage, type Principal } from '@sharedtech/core';
import { getContract, listContractMessages, listMilestones, writeNewContractMessage, type PageRequest } from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toOrg } from './change.js';

/**
 * The contract and what the caller may do with its thread; 404 when the caller may not even read it.
 * Strongly consistent unless told otherwise: a page that has just read the contract, eventually
 * consistent, may check the thread against the same read.
 */
export async function contractThread(deps: ServiceDeps, principal: Principal, contractId: string, consistent = true) {
  const contract = await getContract(deps.db, contractId, consistent);
  if (!contract) throw new NotFoundError('Contract', contractId);
  const parties = contractParties(contract);
  const viewerOrgId = principal.membership?.orgId;
  const association = isAssociation(principal);
  // Only an association's view depends on disputes: parties never pay for the milestone read.
  const disputeOpen = association && !parties.includes(viewerOrgId ?? '') && (await listMilestones(deps.db, contract.id)).some((milestone) => milestone.status === 'DISPUTED');
  const access = threadAccess({ parties, viewerOrgId, isAssociation: association, disputeOpen });
  if (access === 'NONE') throw new NotFoundError('Contract', contractId);
  return { contract, parties, access };
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
export async function readContractMessages(deps: ServiceDeps, principal: Principal, contractId: string, page: PageRequest, { consistent = true } = {}) {
  const { contract, access } = await contractThread(deps, principal, contractId, consistent);
  return { ...(await listContractMessages(deps.db, contract.id, page)), canWrite: access === 'WRITE' };
}
