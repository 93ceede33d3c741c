import { ForbiddenError, NotFoundError, contractParties, isAssociation, requireMember, type EntityRef, type Principal } from '@sharedtech/core';
import { getBid, getContract, getDispute, getOrganisation, getQuestion, getRequest, listAuditTrail, verifyEntityAuditChain, type Db, type PageRequest } from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';

/** For each audited entity type: the organisations that are its parties (undefined if it does not exist). */
export type PartyResolver = (db: Db, id: string) => Promise<string[] | undefined>;

const partyResolvers: Partial<Record<EntityRef['type'], PartyResolver>> = {
  organisation: async (db, id) => ((await getOrganisation(db, id)) ? [id] : undefined),
  request: async (db, id) => {
    const request = await getRequest(db, id);
    return request ? [request.ownerOrgId] : undefined;
  },
  bid: async (db, id) => {
    const bid = await getBid(db, id);
    return bid ? [bid.studioOrgId, bid.requestOwnerOrgId] : undefined;
  },
  contract: async (db, id) => {
    const contract = await getContract(db, id);
    return contract ? contractParties(contract) : undefined;
  },
  question: async (db, id) => {
    const question = await getQuestion(db, id);
    return question ? [question.requestOwnerOrgId, question.askerOrgId] : undefined;
  },
  // A dispute's parties are its contract's parties.
  dispute: async (db, id) => {
    const dispute = await getDispute(db, id);
    const contract = dispute && (await getContract(db, dispute.contractId));
    return contract ? contractParties(contract) : undefined;
  },
};

export function parseEntityRef(value: string): EntityRef {
  const [type, id] = value.split(':') as [EntityRef['type'], string];
  return { type, id };
}

/** The audit trail of an entity, for associations and the entity's parties. */
export async function readAuditTrail(deps: ServiceDeps, principal: Principal, entity: EntityRef, page: PageRequest) {
  const resolve = partyResolvers[entity.type];
  if (!resolve) throw new NotFoundError('Entity', `${entity.type}:${entity.id}`);
  const parties = await resolve(deps.db, entity.id);
  if (!parties) throw new NotFoundError(entity.type, entity.id);
  if (!isAssociation(principal)) {
    const acting = requireMember(principal);
    if (!parties.includes(acting.org.id)) {
      throw new ForbiddenError('NOT_A_PARTY', 'Only the parties of this record and associations can read its audit trail.');
    }
  }
  // Associations also see whether the entity's hash chain still verifies (one more read of the same partition).
  const [trail, chain] = await Promise.all([
    listAuditTrail(deps.db, entity, page),
    isAssociation(principal) ? verifyEntityAuditChain(deps.db, entity) : undefined,
  ]);
  return chain ? { ...trail, chain } : trail;
}
