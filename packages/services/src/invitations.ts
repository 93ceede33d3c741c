import {
  ConflictError, ForbiddenError, NotFoundError, ValidationError, invitationLifecycle, isAssociation, maySeeInvitation, requireVerified, viewOfInvitation,
  type Invitation, type InvitationView, type Principal,
} from '@sharedtech/core';
import {
  conditionCheck, getInvitation, getOrganisation, invitationIdFor, keys, listInvitationsOfRequest, listInvitationsOfStudio, writeInvitationChange,
  writesForNewInvitation, type PageRequest,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toOrg } from './change.js';
import { getOwnedRequest, getVisibleRequest } from './requests.js';

const notAStudio = () =>
  ValidationError.field('studioOrgId', 'Only a verified studio can be invited to bid; no verified studio has this id.', 'UNKNOWN_STUDIO');

/**
 * The owner of an OPEN request invites a verified studio to bid. One
 * invitation per studio per request (a key); the request must still be OPEN
 * and the studio still verified when the transaction lands. The studio is
 * notified and the step audited in the same transaction.
 */
export async function inviteStudio(
  deps: ServiceDeps,
  principal: Principal,
  requestId: string,
  input: { studioOrgId: string; message?: string },
): Promise<InvitationView> {
  const request = await getOwnedRequest(deps, principal, requestId);
  if (request.status !== 'OPEN') {
    throw new ConflictError('REQUEST_NOT_OPEN', `Studios are invited while a request is OPEN; this one is ${request.status}.`, { status: request.status });
  }
  const studio = await getOrganisation(deps.db, input.studioOrgId, true);
  if (!studio || studio.type !== 'STUDIO' || studio.status !== 'VERIFIED') throw notAStudio();
  const now = deps.clock().toISOString();
  const invitation: Invitation = {
    id: deps.ids('invitation'),
    requestId: request.id,
    requestTitle: request.title,
    requestOwnerOrgId: request.ownerOrgId,
    studioOrgId: studio.id,
    studioName: studio.name,
    invitedBy: principal.sub,
    ...(input.message ? { message: input.message } : {}),
    status: 'PENDING',
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await applyChange(deps, principal, {
    writes: [
      ...writesForNewInvitation(deps.db, invitation, () => new ConflictError('ALREADY_INVITED', 'This studio has been invited to this request already.')),
      conditionCheck(
        deps.db,
        keys.request(request.id),
        { expression: '#status = :open', names: { '#status': 'status' }, values: { ':open': 'OPEN' } },
        () => new ConflictError('REQUEST_NOT_OPEN', 'The request stopped taking bids meanwhile.'),
      ),
      conditionCheck(
        deps.db,
        keys.org(studio.id),
        { expression: '#status = :verified AND #type = :studio', names: { '#status': 'status', '#type': 'type' }, values: { ':verified': 'VERIFIED', ':studio': 'STUDIO' } },
        notAStudio,
      ),
    ],
    transitions: [
      { entity: { type: 'invitation', id: invitation.id }, action: 'invite', after: 'PENDING', details: { requestId: request.id, studioOrgId: studio.id }, creates: true },
    ],
    notify: [{ to: toOrg(studio.id), type: 'INVITED_TO_BID', params: { title: request.title } }],
  });
  return viewOfInvitation(invitation);
}

/** The invitation, if the caller is one of its parties or an association (404 otherwise). */
export async function getVisibleInvitation(deps: ServiceDeps, principal: Principal, invitationId: string, consistent = false) {
  const invitation = await getInvitation(deps.db, invitationId, consistent);
  if (!invitation || !maySeeInvitation({ orgId: principal.membership?.orgId, isAssociation: isAssociation(principal) }, invitation)) {
    throw new NotFoundError('Invitation', invitationId);
  }
  return invitation;
}

/** The calling studio's invitations, newest first. */
export async function listMyInvitations(deps: ServiceDeps, principal: Principal, page: PageRequest) {
  const studio = requireVerified(principal, ['STUDIO']);
  const result = await listInvitationsOfStudio(deps.db, studio.org.id, page);
  return { items: result.items.map(viewOfInvitation), nextCursor: result.nextCursor };
}

/** A request's invitations, for its owner and associations. */
export async function listRequestInvitations(deps: ServiceDeps, principal: Principal, requestId: string, page: PageRequest) {
  const request = await getVisibleRequest(deps, principal, requestId);
  if (principal.membership?.orgId !== request.ownerOrgId && !isAssociation(principal)) {
    throw new ForbiddenError('NOT_REQUEST_OWNER', 'Only the request owner and associations see whom it invited.');
  }
  const result = await listInvitationsOfRequest(deps.db, request.id, page);
  return { items: result.items.map(viewOfInvitation), nextCursor: result.nextCursor };
}

/** The invited studio declines, with a reason the owner is told. */
export async function declineInvitation(deps: ServiceDeps, principal: Principal, invitationId: string, reason: string): Promise<InvitationView> {
  const invitation = await getVisibleInvitation(deps, principal, invitationId, true);
  if (principal.membership?.orgId !== invitation.studioOrgId) {
    throw new ForbiddenError('NOT_INVITED_STUDIO', 'Only the invited studio declines an invitation.');
  }
  requireVerified(principal, ['STUDIO']);
  const status = invitationLifecycle.next(invitation.status, 'decline');
  const now = deps.clock().toISOString();
  const next: Invitation = { ...invitation, status, declineReason: reason, declinedAt: now, updatedAt: now, version: invitation.version + 1 };
  await applyChange(deps, principal, {
    writes: [writeInvitationChange(deps.db, next, () => new ConflictError('CONCURRENT_UPDATE', 'The invitation changed meanwhile; reload it.'))],
    transitions: [{ entity: { type: 'invitation', id: invitation.id }, action: 'decline', before: invitation.status, after: status, details: { reason } }],
    notify: [{ to: toOrg(invitation.requestOwnerOrgId), type: 'INVITATION_DECLINED', params: { title: invitation.requestTitle, studio: invitation.studioName } }],
  });
  return viewOfInvitation(next);
}

/** The calling studio's invitation to a request, if it has one (a key read, then the invitation). */
export async function myInvitationTo(deps: ServiceDeps, principal: Principal, requestId: string): Promise<InvitationView | undefined> {
  if (principal.org?.type !== 'STUDIO' || principal.org.status !== 'VERIFIED') return undefined;
  const invitationId = await invitationIdFor(deps.db, requestId, principal.org.id);
  const invitation = invitationId ? await getInvitation(deps.db, invitationId) : undefined;
  return invitation && viewOfInvitation(invitation);
}
