import { z } from '@hono/zod-openapi';
import {
  CURRENCIES, IP_PREFERENCES, MEMBER_ROLES, ORG_STATUSES, ORG_TYPES, REQUEST_STATUSES,
  SELF_SERVICE_ORG_TYPES, VERIFICATION_DECISIONS, idPattern, type IdKind,
} from '@sharedtech/core';
import { MAX_PAGE_SIZE } from '@sharedtech/data';

/** Largest amount accepted anywhere: ¥1,000,000,000.00 keeps every sum far inside safe integers. */
export const MAX_AMOUNT = 100_000_000_000;

export const MoneySchema = z
  .object({
    amount: z.number().int().min(0).max(MAX_AMOUNT).openapi({ example: 1_250_000, description: 'Integer minor units (fen).' }),
    currency: z.enum(CURRENCIES).openapi({ example: 'CNY' }),
  })
  .strict()
  .openapi('Money');

export const PositiveMoneySchema = MoneySchema.refine((value) => value.amount > 0, {
  message: 'The amount must be greater than zero.',
  path: ['amount'],
});

export const idSchema = (kind: IdKind) => z.string().max(64).regex(idPattern(kind), `Not a valid ${kind} id.`);

/** Path parameters `{ [name]: <id of kind> }`, rejecting malformed ids with 400 before any read. */
export const idParam = <N extends string = 'id'>(kind: IdKind, name: N = 'id' as N) =>
  z.object({ [name]: idSchema(kind).openapi({ param: { name, in: 'path' } }) } as Record<N, z.ZodString>);

/** A slug for clusters: lower-case latin, digits and hyphens, so it is safe in keys and URLs. */
export const ClusterSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'Use 2–40 lower-case letters, digits or hyphens.').openapi({ example: 'smart-manufacturing' });
/** Tags may be Chinese or latin words; no separators that could reach a key. */
export const TagSchema = z.string().min(1).max(32).regex(/^[\p{L}\p{N}][\p{L}\p{N}+.\- ]*$/u, 'Use letters, digits, spaces, "+", "." or "-".').openapi({ example: '机器视觉' });

export const IsoDateTimeSchema = z.iso.datetime({ offset: true }).openapi({ example: '2026-12-31T18:00:00+08:00' });

export const PageQuerySchema = z.object({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
});

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      details: z.unknown().openapi({ description: 'More about the error (for 400: `issues`, each with a field `path`); null when none.' }),
    }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

/** The error responses every authenticated route can give. */
export const errorResponses = {
  400: errorResponse('Invalid input; `details.issues` lists field paths.'),
  401: errorResponse('Missing or invalid bearer token.'),
  403: errorResponse('Not allowed for this caller.'),
  404: errorResponse('Not found.'),
  409: errorResponse('Conflicts with the current state.'),
  503: errorResponse('The database is busy; retry after `Retry-After` seconds.'),
} as const;

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

// ── Organisations ──────────────────────────────────────────────────────────

const CapabilitySchema = TagSchema;

export const RegisterOrganisationSchema = z
  .object({
    type: z.enum(SELF_SERVICE_ORG_TYPES),
    name: z.string().trim().min(2).max(100),
    cluster: ClusterSchema.optional(),
    collegeId: idSchema('org').optional(),
    capabilities: z.array(CapabilitySchema).max(20).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.type === 'STUDIO' && !value.collegeId) {
      ctx.addIssue({ code: 'custom', path: ['collegeId'], message: 'A studio must name the college it belongs to.' });
    }
    if (value.type !== 'STUDIO' && value.collegeId) {
      ctx.addIssue({ code: 'custom', path: ['collegeId'], message: 'Only a studio belongs to a college.' });
    }
  })
  .openapi('RegisterOrganisation');

export const OrganisationSchema = z
  .object({
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
  })
  .openapi('Organisation');

export const VerificationSchema = z
  .object({ decision: z.enum(VERIFICATION_DECISIONS), reason: z.string().trim().min(1).max(500).optional() })
  .strict()
  .openapi('VerificationDecision');

export const AddMemberSchema = z
  .object({
    sub: z.string().trim().min(1).max(128),
    role: z.enum(MEMBER_ROLES).default('MEMBER'),
    displayName: z.string().trim().min(1).max(60).optional(),
  })
  .strict()
  .openapi('AddMember');

export const MembershipSchema = z
  .object({ sub: z.string(), orgId: z.string(), role: z.enum(MEMBER_ROLES), displayName: z.string().optional(), joinedAt: z.string() })
  .openapi('Membership');

export const OrgListQuerySchema = PageQuerySchema.extend({
  status: z.enum(ORG_STATUSES).optional(),
  type: z.enum(ORG_TYPES).optional(),
});

// ── Technical requests ─────────────────────────────────────────────────────

const requestContentShape = {
  title: z.string().trim().min(4).max(120),
  summary: z.string().trim().min(10).max(1000),
  details: z.string().trim().min(10).max(10_000),
  cluster: ClusterSchema,
  tags: z.array(TagSchema).min(1).max(10),
  budget: z.object({ min: MoneySchema, max: PositiveMoneySchema }).strict(),
  biddingDeadline: IsoDateTimeSchema,
  wantedBy: IsoDateTimeSchema.optional(),
  ipPreference: z.enum(IP_PREFERENCES).optional(),
};

export const CreateRequestSchema = z.object(requestContentShape).strict().openapi('CreateRequest');
export const UpdateRequestSchema = z
  .object(requestContentShape)
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, { message: 'Change at least one field.' })
  .openapi('UpdateRequest');

export const RequestSchema = z
  .object({
    id: z.string(),
    ownerOrgId: z.string(),
    status: z.enum(REQUEST_STATUSES),
    title: z.string(),
    summary: z.string(),
    details: z.string().optional().openapi({ description: 'Only for verified studios, the owner and associations.' }),
    cluster: z.string(),
    tags: z.array(z.string()),
    budget: z.object({ min: MoneySchema, max: MoneySchema }),
    biddingDeadline: z.string(),
    wantedBy: z.string().optional(),
    ipPreference: z.enum(IP_PREFERENCES).optional(),
    reviewReason: z.string().optional(),
    bidCount: z.number().int().optional().openapi({ description: 'Bids received (not withdrawn); on single reads.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('TechnicalRequest');

export const RequestListQuerySchema = PageQuerySchema.extend({
  status: z.enum(REQUEST_STATUSES).optional(),
  cluster: ClusterSchema.optional(),
  tag: TagSchema.optional(),
  mine: z.enum(['true', 'false']).optional(),
});

export const ReviewSchema = z
  .object({ decision: z.enum(['APPROVE', 'REJECT']), reason: z.string().trim().min(1).max(1000).optional() })
  .strict()
  .refine((value) => value.decision !== 'REJECT' || value.reason, { message: 'Say why the request is rejected.', path: ['reason'] })
  .openapi('ReviewDecision');

export const ReasonSchema = z.object({ reason: z.string().trim().min(1).max(1000).optional() }).strict().openapi('Reason');
export const RequiredReasonSchema = z.object({ reason: z.string().trim().min(1).max(1000) }).strict().openapi('RequiredReason');

// ── Audit and notifications ────────────────────────────────────────────────

export const EntityRefSchema = z.object({ type: z.string(), id: z.string() });

export const AuditRecordSchema = z
  .object({
    id: z.string(),
    entity: EntityRefSchema,
    action: z.string(),
    actor: z.object({ sub: z.string(), orgId: z.string().optional() }),
    before: z.string().optional(),
    after: z.string().optional(),
    at: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('AuditRecord');

export const NotificationSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    entity: EntityRefSchema,
    params: z.record(z.string(), z.union([z.string(), z.number()])),
    at: z.string(),
    read: z.boolean().openapi({ description: 'Whether the caller has read it (each member of an organisation has their own read state).' }),
  })
  .openapi('Notification');

const unreadShape = {
  readUpTo: z.string().nullable().openapi({ description: 'The newest notification the caller has read; null when none yet.' }),
  unreadCount: z.number().int().min(0).openapi({ description: 'Notifications newer than `readUpTo`, counted up to 99.' }),
  unreadCountCapped: z.boolean().openapi({ description: 'True when there are more unread notifications than `unreadCount` ("99+").' }),
};

export const NotificationPageSchema = z
  .object({ items: z.array(NotificationSchema), nextCursor: z.string().nullable(), ...unreadShape })
  .openapi('NotificationPage');

export const MarkNotificationsReadSchema = z
  .object({
    upTo: idSchema('notification')
      .optional()
      .openapi({ description: 'Mark this notification and every older one as read (default: the newest).', example: 'ntf_01JD0000000000000000000000' }),
  })
  .strict()
  .openapi('MarkNotificationsRead');

export const NotificationReadStateSchema = z.object(unreadShape).openapi('NotificationReadState');

export const AuditQuerySchema = PageQuerySchema.extend({
  entity: z
    .string()
    .max(80)
    .regex(/^(organisation|request|bid|contract|dispute):[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}$/, 'Use <type>:<id>, e.g. request:req_01J….')
    .openapi({ example: 'request:req_01JD0000000000000000000000' }),
});

// ── Bids ───────────────────────────────────────────────────────────────────

const PersonNameSchema = z.string().trim().min(1).max(60);
export const TeamSchema = z
  .object({
    teachers: z.array(PersonNameSchema).max(20).default([]),
    students: z.array(PersonNameSchema).max(50).default([]),
    mentors: z.array(PersonNameSchema).max(20).default([]),
  })
  .strict()
  .openapi('Team');

export const PlannedMilestoneSchema = z
  .object({
    title: z.string().trim().min(2).max(120),
    amount: PositiveMoneySchema,
    dueInDays: z.number().int().min(1).max(1000),
  })
  .strict()
  .openapi('PlannedMilestone');

export const OrgShareSchema = z.object({ orgId: idSchema('org'), bps: z.number().int().min(0).max(10_000) }).strict().openapi('OrgShare');

export const ShareAgreementSchema = z
  .object({
    benefitShares: z.array(OrgShareSchema).min(1).max(4),
    riskShares: z.array(OrgShareSchema).min(1).max(4),
    ipOwnership: z.enum(['ENTERPRISE', 'COLLEGE', 'JOINT']),
    subsidy: z.object({ orgId: idSchema('org'), bps: z.number().int().min(1).max(9_999) }).strict().optional(),
  })
  .strict()
  .openapi('ShareAgreement');

const bidContentShape = {
  price: PositiveMoneySchema,
  durationDays: z.number().int().min(1).max(1000),
  approach: z.string().trim().min(10).max(5000),
  milestones: z.array(PlannedMilestoneSchema).min(1).max(20),
  team: TeamSchema.optional(),
  proposedShares: ShareAgreementSchema.partial().optional(),
};

export const CreateBidSchema = z.object(bidContentShape).strict().openapi('CreateBid');
export const UpdateBidSchema = z
  .object(bidContentShape)
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, { message: 'Change at least one field.' })
  .openapi('UpdateBid');

export const BidSchema = z
  .object({
    id: z.string(),
    requestId: z.string(),
    requestOwnerOrgId: z.string(),
    studioOrgId: z.string(),
    status: z.enum(['SUBMITTED', 'WITHDRAWN', 'ACCEPTED', 'REJECTED', 'EXPIRED']),
    price: MoneySchema,
    durationDays: z.number().int(),
    approach: z.string(),
    milestones: z.array(PlannedMilestoneSchema),
    team: z.object({ teachers: z.array(z.string()), students: z.array(z.string()), mentors: z.array(z.string()) }),
    proposedShares: z.unknown().optional(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Bid');

export const SealedBidPageSchema = z
  .object({
    items: z.array(BidSchema),
    nextCursor: z.string().nullable(),
    count: z.number().int().openapi({ description: 'Bids received (not withdrawn); visible to everyone.' }),
    sealed: z.boolean().openapi({ description: 'True when the caller sees only its own bids (or none).' }),
  })
  .openapi('SealedBidPage');

// ── Award and contracts ────────────────────────────────────────────────────

export const AwardSchema = z
  .object({
    bidId: idSchema('bid'),
    shares: ShareAgreementSchema,
    reviewWindowDays: z.number().int().min(1).max(90).optional().openapi({ description: 'Days the enterprise has to accept or dispute a submitted milestone (default 14).' }),
  })
  .strict()
  .openapi('Award');

export const ContractMilestoneSchema = z
  .object({
    n: z.number().int(),
    title: z.string(),
    amount: MoneySchema,
    dueInDays: z.number().int(),
    status: z.enum(['PENDING', 'FUNDED', 'SUBMITTED', 'RELEASED', 'DISPUTED', 'REFUNDED', 'SPLIT']),
  })
  .passthrough()
  .openapi('ContractMilestone');

const contractShape = {
  id: z.string(),
  requestId: z.string(),
  bidId: z.string(),
  title: z.string(),
  enterpriseOrgId: z.string(),
  studioOrgId: z.string(),
  collegeOrgId: z.string().optional(),
  governmentOrgId: z.string().optional(),
  status: z.enum(['PENDING_SIGNATURES', 'ACTIVE', 'COMPLETED', 'TERMINATED']),
  price: MoneySchema,
  milestoneCount: z.number().int(),
  shares: ShareAgreementSchema,
  requiredSigners: z.array(z.string()),
  signatures: z.array(z.object({ orgId: z.string(), sub: z.string(), at: z.string() })),
  reviewWindowDays: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  activatedAt: z.string().optional(),
};

export const ContractSummarySchema = z.object(contractShape).openapi('ContractSummary');
export const ContractSchema = z.object({ ...contractShape, milestones: z.array(ContractMilestoneSchema) }).openapi('Contract');

// ── Insight: statistics and matching ───────────────────────────────────────

export const StatsQuerySchema = z.object({ cluster: ClusterSchema });

const CnyMoney = MoneySchema;
export const ClusterStatsSchema = z
  .object({
    cluster: z.string(),
    requests: z.object({ byStatus: z.record(z.string(), z.number().int()), total: z.number().int() }),
    bids: z.object({ total: z.number().int(), perRequest: z.number() }),
    award: z.object({
      awarded: z.number().int(),
      closedWithoutAward: z.number().int(),
      rateBps: z.number().int().openapi({ description: 'Awarded ÷ (awarded + closed without award), in basis points.' }),
      medianDaysToAward: z.number().nullable(),
    }),
    contracts: z.object({
      total: z.number().int(),
      byStatus: z.record(z.string(), z.number().int()),
      value: CnyMoney,
      escrowHeld: CnyMoney,
      released: CnyMoney,
    }),
    education: z.object({ teachers: z.number().int(), students: z.number().int(), mentors: z.number().int() }),
  })
  .openapi('ClusterStatistics');

export const MatchQuerySchema = z.object({
  requestId: idSchema('request').optional().openapi({ description: 'Rank studios for this request (owner, associations). Without it: open requests for my studio.' }),
  limit: z.coerce.number().int().min(1).max(50).optional(),
});

export const MatchesSchema = z
  .object({
    items: z.array(
      z.object({
        score: z.number().int(),
        sharedTags: z.array(z.string()),
        studio: z.object({ id: z.string(), name: z.string(), cluster: z.string().optional(), capabilities: z.array(z.string()) }).optional(),
        request: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  })
  .openapi('Matches');
