import { z } from 'zod';
import { defineStateMachine } from './state-machine.js';

/**
 * Invitations to bid (邀请投标): the owner of an OPEN request invites a
 * verified studio it found among the matches. The studio is told, sees the
 * request's details, and either bids (the bid records that it was invited) or
 * declines with a reason. One invitation per studio per request.
 */
export const INVITATION_STATUSES = ['PENDING', 'DECLINED'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export const invitationLifecycle = defineStateMachine<InvitationStatus, 'decline'>('invitation', {
  decline: { from: ['PENDING'], to: 'DECLINED' },
});

export const invitationSchema = z.object({
  id: z.string(),
  requestId: z.string(),
  requestTitle: z.string(),
  requestOwnerOrgId: z.string(),
  studioOrgId: z.string(),
  studioName: z.string(),
  invitedBy: z.string(),
  message: z.string().optional(),
  status: z.enum(INVITATION_STATUSES),
  declineReason: z.string().optional(),
  declinedAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Invitation = z.infer<typeof invitationSchema>;

/** The parties of an invitation: the request's owner and the invited studio (associations read all). */
export const invitationParties = (invitation: Pick<Invitation, 'requestOwnerOrgId' | 'studioOrgId'>) => [invitation.requestOwnerOrgId, invitation.studioOrgId];

/** Who may read an invitation: its parties and associations. */
export const maySeeInvitation = (viewer: { orgId?: string; isAssociation: boolean }, invitation: Pick<Invitation, 'requestOwnerOrgId' | 'studioOrgId'>) =>
  viewer.isAssociation || (viewer.orgId !== undefined && invitationParties(invitation).includes(viewer.orgId));

export const viewOfInvitation = ({ version: _version, ...invitation }: Invitation) => invitation;
export type InvitationView = ReturnType<typeof viewOfInvitation>;
