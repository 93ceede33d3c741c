import { memberInvitationSchema, type MemberInvitation } from '@sharedtech/core';
import type { Db } from './client.js';
import { putIfVersion, putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onIndex, queryPage, type PageRequest } from './query.js';

/** How long an invitation item outlives its validity before the table's TTL removes it (owners see recent history). */
export const MEMBER_INVITATION_KEEP_DAYS = 30;

const memberInvitationItem = (invitation: MemberInvitation) => ({
  ...keys.memberInvitation(invitation.id),
  ...keys.memberInvitationsOfOrg(invitation.orgId, invitation.id),
  ...invitation,
  expiresAt: Math.floor(Date.parse(invitation.validUntil) / 1000) + MEMBER_INVITATION_KEEP_DAYS * 86_400,
});

export const getMemberInvitation = (db: Db, invitationId: string, consistent = false) =>
  getItem(db, keys.memberInvitation(invitationId), memberInvitationSchema, consistent);

export const writeNewMemberInvitation = (db: Db, invitation: MemberInvitation): Write => putNew(db, memberInvitationItem(invitation));

/** Replaces an invitation read at version − 1: of two concurrent accepts (or an accept and a revoke) exactly one passes. */
export const writeMemberInvitationChange = (db: Db, invitation: MemberInvitation, onConflict?: Write['onConflict']): Write =>
  putIfVersion(db, memberInvitationItem(invitation), onConflict);

/** An organisation's member invitations, newest first. */
export const listMemberInvitationsOfOrganisation = (db: Db, orgId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.memberInvitationsOfOrg(orgId, '').gsi1pk), schema: memberInvitationSchema }, page);
