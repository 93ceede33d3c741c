import { z } from 'zod';
import { defineStateMachine } from './state-machine.js';

export const ORG_TYPES = ['ENTERPRISE', 'STUDIO', 'COLLEGE', 'ASSOCIATION', 'GOVERNMENT'] as const;
export type OrgType = (typeof ORG_TYPES)[number];
/** Types anyone may register; associations come only from the operator command and the seed. */
export const SELF_SERVICE_ORG_TYPES = ['ENTERPRISE', 'STUDIO', 'COLLEGE', 'GOVERNMENT'] as const;

export const ORG_STATUSES = ['PENDING', 'VERIFIED', 'REJECTED', 'SUSPENDED'] as const;
export type OrgStatus = (typeof ORG_STATUSES)[number];

export const VERIFICATION_DECISIONS = ['VERIFY', 'REJECT', 'SUSPEND'] as const;
export type VerificationDecision = (typeof VERIFICATION_DECISIONS)[number];

export const MEMBER_ROLES = ['OWNER', 'MEMBER'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/**
 * Members an organisation may have. Who a caller is comes from one read of their
 * membership item, which carries a copy of the organisation; every change of the
 * organisation rewrites all its members' copies in the same transaction, so the
 * member count must stay well inside DynamoDB's 100 items per transaction
 * (organisation + up to 20 capability items + members + audit + notification).
 */
export const MAX_MEMBERS_PER_ORG = 50;

/** The members of an organisation and their roles, kept on the organisation item. */
export type MemberRoster = Record<string, MemberRole>;

export const organisationLifecycle = defineStateMachine<OrgStatus, VerificationDecision>('organisation', {
  VERIFY: { from: ['PENDING', 'REJECTED', 'SUSPENDED'], to: 'VERIFIED' },
  REJECT: { from: ['PENDING'], to: 'REJECTED' },
  SUSPEND: { from: ['PENDING', 'VERIFIED'], to: 'SUSPENDED' },
});

export const organisationSchema = z.object({
  id: z.string(),
  type: z.enum(ORG_TYPES),
  name: z.string(),
  status: z.enum(ORG_STATUSES),
  cluster: z.string().optional(),
  collegeId: z.string().optional(),
  capabilities: z.array(z.string()),
  statusReason: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Organisation = z.infer<typeof organisationSchema>;

export const membershipSchema = z.object({
  sub: z.string(),
  orgId: z.string(),
  role: z.enum(MEMBER_ROLES),
  displayName: z.string().optional(),
  joinedAt: z.string(),
});
export type Membership = z.infer<typeof membershipSchema>;
