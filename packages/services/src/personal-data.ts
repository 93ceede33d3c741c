import {
  attachmentParentKey, isAssociation, parseAttachmentParent, publicOrganisation, type Principal, type Recipient,
} from '@sharedtech/core';
import {
  getInboxReadMarker, listAppointmentsOfOrg, listAttachmentsOfParent, listAuditTrail, listBidsOfStudio, listBookingsOfOrg, listContractsOfOrganisation,
  listRequestsOfOrganisation, listReviewsOfContract,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { viewOfAttachment } from './attachments.js';
import { viewOfBid } from './bids.js';
import { mapConcurrently } from './concurrently.js';

/**
 * Personal data (PIPL): what the marketplace stores about a signed-in user.
 * Every read here is a bounded Query or key read.
 */

/** How many of the organisation's newest requests and bids the export looks through for the ones the user created. */
export const EXPORT_SCAN_LIMIT = 100;
/** How many of the organisation's newest contracts the export looks through for reviews the user wrote. */
export const EXPORT_CONTRACT_LIMIT = 20;
/** How many audit records per entity the export reads. */
export const EXPORT_AUDIT_PER_ENTITY = 100;

const inboxOf = (principal: Principal): Recipient | undefined =>
  principal.membership ? (isAssociation(principal) ? { associations: true } : { orgId: principal.membership.orgId }) : undefined;

/** A section of the export: what it is, its data, and whether the bounded read may have left some out. */
const section = <T>(description: string, data: T, complete = true) => ({ description, complete, data });

/** Reads of each kind the export has in flight at once. */
const EXPORT_READS_IN_FLIGHT = 16;

export async function exportPersonalData(deps: ServiceDeps, principal: Principal) {
  const { sub, membership, org } = principal;
  const inbox = inboxOf(principal);
  const none = { items: [], nextCursor: null };
  const appointmentSide = org?.type === 'ENTERPRISE' ? 'ENTERPRISE' : org?.type === 'COLLEGE' ? 'COLLEGE' : undefined;
  // Independent reads, at the same time.
  const [readUpTo, requestPage, bidPage, contractPage, appointmentPage, bookingPage] = await Promise.all([
    inbox ? getInboxReadMarker(deps.db, sub, inbox) : undefined,
    org ? listRequestsOfOrganisation(deps.db, org.id, { limit: EXPORT_SCAN_LIMIT }) : none,
    org?.type === 'STUDIO' ? listBidsOfStudio(deps.db, org.id, { limit: EXPORT_SCAN_LIMIT }) : none,
    org ? listContractsOfOrganisation(deps.db, org.id, { limit: EXPORT_CONTRACT_LIMIT }) : none,
    appointmentSide ? listAppointmentsOfOrg(deps.db, org!.id, appointmentSide, {}, { limit: EXPORT_SCAN_LIMIT }) : none,
    org ? listBookingsOfOrg(deps.db, org.id, 'BOOKER', undefined, { limit: EXPORT_SCAN_LIMIT }) : none,
  ]);
  const requests = requestPage.items.filter((request) => request.createdBy === sub).map(({ version: _version, ...request }) => request);
  const bids = bidPage.items.filter((bid) => bid.createdBy === sub).map(viewOfBid);

  const entities = [
    ...(org ? [{ type: 'organisation' as const, id: org.id }] : []),
    ...requests.map((request) => ({ type: 'request' as const, id: request.id })),
    ...bids.map((bid) => ({ type: 'bid' as const, id: bid.id })),
  ];
  // Files the user uploaded to the organisation's profile and to the requests and bids above.
  const parentKeys = entities.map((entity) =>
    entity.type === 'organisation' ? attachmentParentKey.organisation(entity.id) : entity.type === 'request' ? attachmentParentKey.request(entity.id) : attachmentParentKey.bid(entity.id),
  );
  // The reads that depend on those pages, at the same time too (a bounded number in flight: there may be hundreds).
  const [trails, attachmentPages, contractReviews] = await Promise.all([
    mapConcurrently(entities, EXPORT_READS_IN_FLIGHT, (entity) => listAuditTrail(deps.db, entity, { limit: EXPORT_AUDIT_PER_ENTITY })),
    mapConcurrently(parentKeys, EXPORT_READS_IN_FLIGHT, (key) => listAttachmentsOfParent(deps.db, parseAttachmentParent(key)!, { limit: EXPORT_SCAN_LIMIT })),
    mapConcurrently(contractPage.items, EXPORT_READS_IN_FLIGHT, (contract) => listReviewsOfContract(deps.db, contract.id)),
  ]);
  const auditRecords = trails.flatMap((trail) => trail.items).filter((record) => record.actor.sub === sub);
  const attachments = attachmentPages.flatMap((page) => page.items).filter((attachment) => attachment.uploadedBy === sub).map(viewOfAttachment);
  const reviews = contractReviews.flat().filter((review) => review.authoredBy === sub).map(({ version: _version, ...review }) => review);
  const appointments = appointmentPage.items
    .filter((appointment) => [appointment.proposedBy, appointment.confirmedBy, appointment.person.memberSub].includes(sub))
    .map(({ version: _version, ...appointment }) => appointment);
  const bookings = bookingPage.items.filter((booking) => booking.bookedBy === sub).map(({ version: _version, ...booking }) => booking);

  return {
    sub,
    exportedAt: deps.clock().toISOString(),
    about:
      'What SharedTech Marketplace stores about you. Contracts, milestones, ledgers and statements belong to the organisations that are their parties and are not personal data of one user; the audit trail is append-only and keeps your identity (sub) on the records of what you did.',
    sections: {
      identity: section('Your identity as the sign-in service gives it: the subject (sub) of your token. We store no name, e-mail or password.', { sub }),
      membership: section('Your membership: the organisation you belong to, your role, the display name an owner gave you, and when you joined.', membership ?? null),
      organisation: section('The organisation you are a member of, as its members see it.', org ? publicOrganisation(org) : null),
      notificationReadState: section(
        'How far you have read your inbox: the id of the newest notification you marked as read.',
        inbox ? { inbox: 'orgId' in inbox ? `organisation:${inbox.orgId}` : 'associations', readUpTo: readUpTo ?? null } : null,
      ),
      requestsCreated: section(
        `Technical requests you created, among your organisation's ${EXPORT_SCAN_LIMIT} newest.`,
        requests,
        requestPage.nextCursor === null,
      ),
      bidsCreated: section(`Bids you created, among your studio's ${EXPORT_SCAN_LIMIT} newest.`, bids, bidPage.nextCursor === null),
      attachmentsUploaded: section(
        `Files you uploaded to your organisation's profile and to the requests and bids above (at most ${EXPORT_SCAN_LIMIT} files read per parent); the bytes are downloaded from each file's page.`,
        attachments,
        attachmentPages.every((page) => page.nextCursor === null),
      ),
      reviewsWritten: section(
        `Reviews you wrote, on your organisation's ${EXPORT_CONTRACT_LIMIT} newest contracts.`,
        reviews,
        contractPage.nextCursor === null,
      ),
      appointments: section(
        `Talent appointments (人才互聘) you proposed, confirmed or are the appointed person of, among your organisation's ${EXPORT_SCAN_LIMIT} newest.`,
        appointments,
        appointmentPage.nextCursor === null,
      ),
      bookingsMade: section(`Shared-resource bookings you made, among your organisation's ${EXPORT_SCAN_LIMIT} newest.`, bookings, bookingPage.nextCursor === null),
      auditRecordsAsActor: section(
        `Audit records in which you are the actor, on your organisation and on the requests and bids above (at most ${EXPORT_AUDIT_PER_ENTITY} records read per entity).`,
        auditRecords,
        requestPage.nextCursor === null && bidPage.nextCursor === null && trails.every((trail) => trail.nextCursor === null),
      ),
    },
  };
}

