import { z } from 'zod';
import { MEMBER_ROLES } from './organisation.js';
import { defineStateMachine } from './state-machine.js';

/**
 * An owner invites someone into their organisation: the invitation carries the
 * role and display name the member will have, and a one-time code (only its
 * hash is stored) that the invited person presents, signed in, within
 * MEMBER_INVITATION_DAYS. Nobody becomes a member without accepting.
 */
export const MEMBER_INVITATION_DAYS = 7;
export const MEMBER_INVITATION_STATUSES = ['OPEN', 'ACCEPTED', 'REVOKED'] as const;
export type MemberInvitationStatus = (typeof MEMBER_INVITATION_STATUSES)[number];
/** What a reader sees: an OPEN invitation past its expiry is EXPIRED (the TTL removes it some time later). */
export const MEMBER_INVITATION_VIEWS = [...MEMBER_INVITATION_STATUSES, 'EXPIRED'] as const;
export type MemberInvitationView = (typeof MEMBER_INVITATION_VIEWS)[number];

export const memberInvitationLifecycle = defineStateMachine<MemberInvitationStatus, 'accept' | 'revoke'>('member invitation', {
  accept: { from: ['OPEN'], to: 'ACCEPTED' },
  revoke: { from: ['OPEN'], to: 'REVOKED' },
});

export const memberInvitationSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  role: z.enum(MEMBER_ROLES),
  displayName: z.string(),
  status: z.enum(MEMBER_INVITATION_STATUSES),
  /** SHA-256 (hex) of the secret half of the code; the code itself is shown once, to the owner who created it. */
  codeHash: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  /** ISO instant after which the code no longer works. */
  validUntil: z.string(),
  acceptedBy: z.string().optional(),
  acceptedAt: z.string().optional(),
  revokedAt: z.string().optional(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type MemberInvitation = z.infer<typeof memberInvitationSchema>;

export const memberInvitationState = (invitation: Pick<MemberInvitation, 'status' | 'validUntil'>, now: Date): MemberInvitationView =>
  invitation.status === 'OPEN' && Date.parse(invitation.validUntil) <= now.getTime() ? 'EXPIRED' : invitation.status;

/** A code is `<invitation id>.<secret>`: the id finds the invitation in one read, the secret proves the holder got the code. */
export const MEMBER_INVITATION_CODE = /^(minv_[0-9A-HJKMNP-TV-Z]{26})\.([A-Za-z0-9_-]{32,64})$/;

export function parseMemberInvitationCode(code: string): { invitationId: string; secret: string } | undefined {
  const match = MEMBER_INVITATION_CODE.exec(code.trim());
  return match ? { invitationId: match[1]!, secret: match[2]! } : undefined;
}
