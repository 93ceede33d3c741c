import { z } from 'zod';
import { invitationSchema, type Invitation } from '@sharedtech/core';
import type { Db } from './client.js';
import { putIfVersion, putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onIndex, queryPage, type PageRequest } from './query.js';

/**
 * An invitation is its own item (`INV#<id>`), listed for the studio (gsi1) and
 * for the request (gsi2); a marker in the request's partition
 * (`INVITED#<studioOrgId>`) makes "one invitation per studio per request" a key.
 */
const invitationItem = (invitation: Invitation) => ({
  ...keys.invitation(invitation.id),
  ...keys.invitationsOfStudio(invitation.studioOrgId, invitation.id),
  ...keys.invitationsOfRequest(invitation.requestId, invitation.id),
  ...invitation,
});

const invitedMarkerSchema = z.object({ invitationId: z.string(), studioOrgId: z.string() });

/** The invitation and its marker; the marker's condition fails (with `onConflict`) when the studio was invited already. */
export const writesForNewInvitation = (db: Db, invitation: Invitation, onConflict?: Write['onConflict']): Write[] => [
  putNew(db, invitationItem(invitation)),
  putNew(db, { ...keys.invitedStudio(invitation.requestId, invitation.studioOrgId), invitationId: invitation.id, studioOrgId: invitation.studioOrgId }, onConflict),
];

export const writeInvitationChange = (db: Db, invitation: Invitation, onConflict?: Write['onConflict']): Write =>
  putIfVersion(db, invitationItem(invitation), onConflict);

export const getInvitation = (db: Db, invitationId: string, consistent = false) => getItem(db, keys.invitation(invitationId), invitationSchema, consistent);

/** The id of the invitation a studio got for a request, if any (one GetItem of the marker). */
export async function invitationIdFor(db: Db, requestId: string, studioOrgId: string, consistent = false): Promise<string | undefined> {
  return (await getItem(db, keys.invitedStudio(requestId, studioOrgId), invitedMarkerSchema, consistent))?.invitationId;
}

/** A studio's invitations, newest first. */
export const listInvitationsOfStudio = (db: Db, studioOrgId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.invitationsOfStudio(studioOrgId, '').gsi1pk), schema: invitationSchema }, page);

/** A request's invitations, newest first. */
export const listInvitationsOfRequest = (db: Db, requestId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi2', keys.invitationsOfRequest(requestId, '').gsi2pk), schema: invitationSchema }, page);
