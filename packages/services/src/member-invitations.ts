import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  ConflictError, MEMBER_INVITATION_DAYS, NotFoundError, addDays, memberInvitationLifecycle, memberInvitationState, parseMemberInvitationCode,
  requireOwnerOf, type MemberInvitation, type MemberRole, type Membership, type Principal,
} from '@sharedtech/core';
import {
  getMemberInvitation, listMemberInvitationsOfOrganisation, writeMemberInvitationChange, writeNewMemberInvitation, writesForOrganisationChange,
  type PageRequest,
} from '@sharedtech/data';
import { applyChange, toOrg } from './change.js';
import type { ServiceDeps } from './deps.js';
import { assertRoomForMember, getOrganisationRecordOrThrow, getVisibleOrganisation, orgChangedMeanwhile, touched } from './organisations.js';

/** Where the invited person opens the code (the pages' accept form). */
export const MEMBER_INVITATION_LINK = '/member-invitations/accept';

const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

/** An invitation as owners see it: its state (EXPIRED once past its validity), never the code's hash or the version. */
export function viewOfMemberInvitation(invitation: MemberInvitation, now: Date) {
  const { codeHash: _hash, version: _version, status: _status, ...view } = invitation;
  return { ...view, status: memberInvitationState(invitation, now) };
}

const invitationNotFound = () => new NotFoundError('MemberInvitation', 'code');

/**
 * An OWNER invites someone to join as `role` under `displayName`. The answer
 * carries the one-time code (and the link that holds it) once: only a hash of
 * its secret is stored, so nobody can read it back later — a lost code is
 * revoked and invited again.
 */
export async function createMemberInvitation(deps: ServiceDeps, principal: Principal, orgId: string, input: { role: MemberRole; displayName: string }) {
  requireOwnerOf(principal, orgId);
  assertRoomForMember(await getOrganisationRecordOrThrow(deps, orgId));
  const now = deps.clock();
  const secret = randomBytes(32).toString('base64url');
  const invitation: MemberInvitation = {
    id: deps.ids('memberInvitation'),
    orgId,
    role: input.role,
    displayName: input.displayName,
    status: 'OPEN',
    codeHash: hashSecret(secret),
    createdBy: principal.sub,
    createdAt: now.toISOString(),
    validUntil: addDays(now, MEMBER_INVITATION_DAYS).toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  };
  await applyChange(deps, principal, {
    writes: [writeNewMemberInvitation(deps.db, invitation)],
    transitions: [
      { entity: { type: 'organisation', id: orgId }, action: 'invite-member', after: 'OPEN', details: { invitationId: invitation.id, role: input.role, displayName: input.displayName } },
    ],
    notify: [{ to: toOrg(orgId), type: 'MEMBER_INVITED', params: { displayName: input.displayName, role: input.role } }],
  });
  const code = `${invitation.id}.${secret}`;
  return { ...viewOfMemberInvitation(invitation, now), code, link: `${MEMBER_INVITATION_LINK}?code=${encodeURIComponent(code)}` };
}

/** An organisation's member invitations, newest first: for its owners. */
export async function listMemberInvitations(deps: ServiceDeps, principal: Principal, orgId: string, page: PageRequest) {
  // An organisation the caller may not see is a 404 first, like one that does not exist.
  await getVisibleOrganisation(deps, principal, orgId);
  requireOwnerOf(principal, orgId);
  const result = await listMemberInvitationsOfOrganisation(deps.db, orgId, page);
  const now = deps.clock();
  return { ...result, items: result.items.map((invitation) => viewOfMemberInvitation(invitation, now)) };
}

/** An OWNER revokes an OPEN invitation: its code stops working at once. */
export async function revokeMemberInvitation(deps: ServiceDeps, principal: Principal, orgId: string, invitationId: string) {
  requireOwnerOf(principal, orgId);
  const invitation = await getMemberInvitation(deps.db, invitationId, true);
  if (!invitation || invitation.orgId !== orgId) throw new NotFoundError('MemberInvitation', invitationId);
  const status = memberInvitationLifecycle.next(invitation.status, 'revoke');
  const now = deps.clock().toISOString();
  const next: MemberInvitation = { ...invitation, status, revokedAt: now, updatedAt: now, version: invitation.version + 1 };
  await applyChange(deps, principal, {
    writes: [writeMemberInvitationChange(deps.db, next, invitationChangedMeanwhile)],
    transitions: [{ entity: { type: 'organisation', id: orgId }, action: 'revoke-member-invitation', before: invitation.status, after: status, details: { invitationId } }],
    notify: [{ to: toOrg(orgId), type: 'MEMBER_INVITATION_REVOKED', params: { displayName: invitation.displayName } }],
  });
  return viewOfMemberInvitation(next, deps.clock());
}

const invitationChangedMeanwhile = () =>
  new ConflictError('INVITATION_USED', 'This invitation was used or revoked at the same moment; ask the owner for a new one.');

/**
 * The signed-in caller accepts an invitation with its code and becomes a
 * member. One transaction marks the invitation ACCEPTED (guarded by its
 * version: of concurrent accepts of one code exactly one passes), adds the
 * member to the roster (guarded by the organisation's version, every member's
 * copy rewritten) and puts their membership (one per user, by key).
 */
export async function acceptMemberInvitation(deps: ServiceDeps, principal: Principal, input: { code: string }) {
  const parsed = parseMemberInvitationCode(input.code);
  if (!parsed) throw invitationNotFound();
  const invitation = await getMemberInvitation(deps.db, parsed.invitationId, true);
  const hash = Buffer.from(hashSecret(parsed.secret), 'hex');
  if (!invitation || !timingSafeEqual(hash, Buffer.from(invitation.codeHash, 'hex'))) throw invitationNotFound();
  const now = deps.clock();
  const state = memberInvitationState(invitation, now);
  if (state === 'ACCEPTED') throw new ConflictError('INVITATION_USED', 'This invitation has been used already; ask the owner for a new one.');
  if (state === 'REVOKED') throw new ConflictError('INVITATION_REVOKED', 'This invitation was revoked by the organisation.');
  if (state === 'EXPIRED') {
    throw new ConflictError('INVITATION_EXPIRED', `This invitation expired (it was valid for ${MEMBER_INVITATION_DAYS} days); ask the owner for a new one.`, { validUntil: invitation.validUntil });
  }
  if (principal.membership) {
    throw new ConflictError('ALREADY_MEMBER', 'You already belong to an organisation; a user belongs to one organisation. Leave it first.');
  }
  const record = await getOrganisationRecordOrThrow(deps, invitation.orgId);
  assertRoomForMember(record);
  const at = now.toISOString();
  const membership: Membership = { sub: principal.sub, orgId: invitation.orgId, role: invitation.role, displayName: invitation.displayName, joinedAt: at };
  const accepted: MemberInvitation = {
    ...invitation,
    status: memberInvitationLifecycle.next(invitation.status, 'accept'),
    acceptedBy: principal.sub,
    acceptedAt: at,
    updatedAt: at,
    version: invitation.version + 1,
  };
  await applyChange(deps, principal, {
    writes: [
      writeMemberInvitationChange(deps.db, accepted, invitationChangedMeanwhile),
      ...writesForOrganisationChange(deps.db, record, touched(deps, record.org), { roster: { add: membership }, onConflict: orgChangedMeanwhile }),
    ],
    transitions: [
      {
        entity: { type: 'organisation', id: invitation.orgId },
        action: 'accept-member-invitation',
        before: 'OPEN',
        after: 'ACCEPTED',
        details: { invitationId: invitation.id, sub: principal.sub, role: invitation.role },
      },
    ],
    notify: [{ to: toOrg(invitation.orgId), type: 'MEMBER_JOINED', params: { displayName: invitation.displayName, role: invitation.role } }],
  });
  return membership;
}
