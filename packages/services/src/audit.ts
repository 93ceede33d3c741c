import { ForbiddenError, NotFoundError, isAssociation, type EntityRef, type Principal } from '@sharedtech/core';
import { getPerson, getQuestion, listAuditTrail, verifyEntityAuditChain, type PageRequest } from '@sharedtech/data';
import { getVisibleApplication, mayReadProgrammeTrail } from './programmes.js';
import type { ServiceDeps } from './deps.js';
import { mayReadParticipationTrail, readStudentRecord } from './education.js';
import { getVisibleAttachment } from './attachments.js';
import { getVisibleBid } from './bids.js';
import { getVisibleContract } from './contracts.js';
import { getVisibleDispute } from './disputes.js';
import { getVisibleOrganisation, isMemberOrModerator } from './organisations.js';
import { getVisibleRequest } from './requests.js';
import { requestIdOfQuestion } from './questions.js';
import { getVisibleReview } from './reviews.js';
import { getVisibleInvitation } from './invitations.js';
import { getVisibleAppointment } from './appointments.js';
import { loadResource, readBookingById } from './resources.js';

/**
 * For each audited entity type: reads the entity exactly as its own route does
 * (so what that route answers 404, the trail answers 404 too), then says whether
 * the caller may also read its trail — the entity's parties and associations.
 */
export type TrailGuard = (deps: ServiceDeps, principal: Principal, id: string) => Promise<boolean>;

const trailGuards: Partial<Record<EntityRef['type'], TrailGuard>> = {
  organisation: async (deps, principal, id) => {
    await getVisibleOrganisation(deps, principal, id);
    return isMemberOrModerator(principal, id);
  },
  request: async (deps, principal, id) => {
    const request = await getVisibleRequest(deps, principal, id);
    return isMemberOrModerator(principal, request.ownerOrgId);
  },
  // A question is read as on its request's page; its trail is for the request owner, the asker and associations.
  question: async (deps, principal, id) => {
    await requestIdOfQuestion(deps, principal, id);
    const question = await getQuestion(deps.db, id);
    const orgId = principal.membership?.orgId;
    return isAssociation(principal) || (orgId !== undefined && question !== undefined && [question.requestOwnerOrgId, question.askerOrgId].includes(orgId));
  },
  // Bids, contracts and disputes are visible only to their parties and associations.
  bid: async (deps, principal, id) => Boolean(await getVisibleBid(deps, principal, id)),
  contract: async (deps, principal, id) => Boolean(await getVisibleContract(deps, principal, id)),
  dispute: async (deps, principal, id) => Boolean(await getVisibleDispute(deps, principal, id)),
  // A review is read where it is shown (sealed: its author only); its trail is for author, subject and associations.
  review: async (deps, principal, id) => {
    const review = await getVisibleReview(deps, principal, id);
    return isMemberOrModerator(principal, review.authorOrgId) || principal.membership?.orgId === review.subjectOrgId;
  },
  // An invitation is its parties' (the request owner and the invited studio) and the associations'.
  invitation: async (deps, principal, id) => Boolean(await getVisibleInvitation(deps, principal, id)),
  // Appointments: their two organisations and associations (a government body of the cluster sees one, not its trail).
  appointment: async (deps, principal, id) => {
    const appointment = await getVisibleAppointment(deps, principal, id);
    return isAssociation(principal) || [appointment.enterpriseOrgId, appointment.collegeOrgId].includes(principal.membership?.orgId ?? '');
  },
  resource: async (deps, principal, id) => isMemberOrModerator(principal, (await loadResource(deps, id)).ownerOrgId),
  booking: async (deps, principal, id) => Boolean(await readBookingById(deps, principal, id)),
  // A person's trail is their roster organisation's (while they are on it); a student record's, whoever may read the record.
  person: async (deps, principal, id) => {
    const person = await getPerson(deps.db, id);
    return person !== undefined && principal.membership?.orgId === person.orgId;
  },
  studentRecord: async (deps, principal, id) => Boolean(await readStudentRecord(deps, principal, id)),
  // A student's hours on a milestone (`<contract>:<n>:<person>`): the contract's parties, as the entry itself.
  participation: mayReadParticipationTrail,
  // A file: whoever may see what it is attached to.
  attachment: async (deps, principal, id) => Boolean(await getVisibleAttachment(deps, principal, id)),
  // A programme is public; its trail is its government body's and the associations'. An application: its parties'.
  programme: async (deps, principal, id) => mayReadProgrammeTrail(deps, principal, id),
  application: async (deps, principal, id) => Boolean(await getVisibleApplication(deps, principal, id)),
};

/** `<type>:<id>`; the id may itself hold colons (a participation entry's is `<contract>:<n>:<person>`). */
export function parseEntityRef(value: string): EntityRef {
  const at = value.indexOf(':');
  if (at < 0) throw new NotFoundError('Entity', value);
  return { type: value.slice(0, at) as EntityRef['type'], id: value.slice(at + 1) };
}

/**
 * The audit trail of an entity, for associations and the entity's parties. An
 * entity the caller cannot read is a 404 here as on its own route; a public
 * one (a verified organisation, an open request) is a 403 to non-parties.
 */
export async function readAuditTrail(deps: ServiceDeps, principal: Principal, entity: EntityRef, page: PageRequest) {
  const guard = trailGuards[entity.type];
  if (!guard) throw new NotFoundError('Entity', `${entity.type}:${entity.id}`);
  if (!(await guard(deps, principal, entity.id))) {
    throw new ForbiddenError('NOT_A_PARTY', 'Only the parties of this record and associations can read its audit trail.');
  }
  // Associations also see whether the entity's hash chain still verifies (one more read of the same partition).
  const [trail, chain] = await Promise.all([
    listAuditTrail(deps.db, entity, page),
    isAssociation(principal) ? verifyEntityAuditChain(deps.db, entity) : undefined,
  ]);
  return chain ? { ...trail, chain } : trail;
}
