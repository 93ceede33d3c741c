import { z } from 'zod';
import { AFFILIATION_STATUSES, MEMBER_ROLES, ORG_STATUSES, ORG_TYPES, type AffiliationStatus, type MemberRole, type OrgStatus } from './organisation-record.js';
import { defineStateMachine } from './state-machine.js';

export * from './organisation-record.js';

/** Types anyone may register; associations come only from the operator command and the seed. */
export const SELF_SERVICE_ORG_TYPES = ['ENTERPRISE', 'STUDIO', 'COLLEGE', 'GOVERNMENT'] as const;

export const VERIFICATION_DECISIONS = ['VERIFY', 'REJECT', 'SUSPEND'] as const;
export type VerificationDecision = (typeof VERIFICATION_DECISIONS)[number];

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

export const AFFILIATION_DECISIONS = ['ACCEPT', 'REJECT'] as const;
export type AffiliationDecision = (typeof AFFILIATION_DECISIONS)[number];

/** The college decides once; a rejected studio names its college again only by registering anew. */
export const affiliationLifecycle = defineStateMachine<AffiliationStatus, AffiliationDecision>('affiliation', {
  ACCEPT: { from: ['PENDING'], to: 'ACCEPTED' },
  REJECT: { from: ['PENDING'], to: 'REJECTED' },
});

/**
 * The state of a studio's affiliation. Studios stored before affiliations
 * existed named their college without its consent: PENDING until it accepts.
 */
export const affiliationOf = (org: Pick<Organisation, 'collegeId' | 'affiliation'>): AffiliationStatus | undefined =>
  org.collegeId ? (org.affiliation ?? 'PENDING') : undefined;

/** The college that is a party to this studio's contracts: only one that accepted the affiliation. */
export const affiliatedCollegeOf = (studio: Pick<Organisation, 'collegeId' | 'affiliation'>) =>
  affiliationOf(studio) === 'ACCEPTED' ? studio.collegeId : undefined;

export const contactSchema = z.object({
  person: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
});
export type OrgContact = z.infer<typeof contactSchema>;

/** What an owner edits of their organisation's profile (name, type and credit code are what was verified, so they stay). */
export const PROFILE_FIELDS = ['description', 'contact', 'address', 'cluster', 'capabilities'] as const;

export const organisationSchema = z.object({
  id: z.string(),
  type: z.enum(ORG_TYPES),
  name: z.string(),
  status: z.enum(ORG_STATUSES),
  cluster: z.string().optional(),
  collegeId: z.string().optional(),
  capabilities: z.array(z.string()),
  statusReason: z.string().optional(),
  /** 统一社会信用代码 (GB 32100-2015); absent on studios, associations and organisations stored before codes were asked for. */
  creditCode: z.string().optional(),
  description: z.string().optional(),
  contact: contactSchema.optional(),
  address: z.string().optional(),
  affiliation: z.enum(AFFILIATION_STATUSES).optional(),
  affiliationReason: z.string().optional(),
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
