import { z } from '@hono/zod-openapi';
import { DISPUTE_OUTCOMES, DISPUTE_STATUSES, ENTRY_KINDS, MILESTONE_STATUSES, STATEMENT_KINDS, CURRENCIES } from '@sharedtech/core';
import { ErrorSchema, MoneySchema, PageQuerySchema, PositiveMoneySchema, errorResponses, idSchema } from './schemas.js';

/**
 * Schemas of the money routes (milestones, disputes, ledger, accounts,
 * statements). Kept apart from schemas.ts only so that file stays readable;
 * they build on its Money and id schemas.
 */

// ── Headers and parameters ─────────────────────────────────────────────────

/** A client-chosen key (a UUID is ideal); restricted to characters that are safe in a key. */
export const IdempotencyKeySchema = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'Use 8–128 letters, digits, "_", ".", ":" or "-" (a UUID is ideal).')
  .openapi({ example: '7d0f6d2c-1f0e-4c8e-9a57-3b5d7c1e2a90' });

const keyParam = { param: { name: 'idempotency-key', in: 'header' as const }, description: 'Retries with the same key return the first result and move nothing again.' };

/** Money-moving routes require the header (400 without it). */
export const RequiredIdempotencyHeaders = z.object({ 'idempotency-key': IdempotencyKeySchema.openapi(keyParam) });
/** Other state changes honour it when given. */
export const OptionalIdempotencyHeaders = z.object({ 'idempotency-key': IdempotencyKeySchema.optional().openapi(keyParam) });

export const MilestoneParams = z.object({
  id: idSchema('contract').openapi({ param: { name: 'id', in: 'path' } }),
  n: z.coerce.number().int().min(1).max(1000).openapi({ param: { name: 'n', in: 'path' }, example: 1, description: 'Milestone number, 1 = first in plan order.' }),
});

// ── Request bodies ─────────────────────────────────────────────────────────

const Note = z.string().trim().min(1).max(2000);

export const FundMilestoneSchema = z
  .object({
    amount: PositiveMoneySchema.optional().openapi({ description: 'The amount you expect to fund; a 409 if the milestone is for another amount.' }),
    reference: z.string().trim().min(1).max(120).optional().openapi({ description: 'Your payment reference, kept in the audit trail.' }),
  })
  .strict()
  .openapi('FundMilestone');

export const SubmitMilestoneSchema = z
  .object({ note: Note, link: z.url({ protocol: /^https?$/ }).max(500).optional() })
  .strict()
  .openapi('SubmitMilestone');

export const AcceptMilestoneSchema = z.object({ note: Note.optional() }).strict().openapi('AcceptMilestone');
export const RevisionSchema = z.object({ reason: Note.optional() }).strict().openapi('RequestRevision');
export const DisputeMilestoneSchema = z.object({ reason: Note }).strict().openapi('DisputeMilestone');

export const ResolveDisputeSchema = z
  .object({
    outcome: z.enum(DISPUTE_OUTCOMES),
    studioBps: z.number().int().min(1).max(9_999).optional().openapi({ description: 'SPLIT only: the studio’s basis points; the rest is refunded to the funders in proportion to what each paid.' }),
    note: Note.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.outcome === 'SPLIT' && value.studioBps === undefined) {
      ctx.addIssue({ code: 'custom', path: ['studioBps'], message: 'A SPLIT says how many basis points go to the studio.' });
    }
    if (value.outcome !== 'SPLIT' && value.studioBps !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['studioBps'], message: 'Only a SPLIT takes studioBps.' });
    }
  })
  .openapi('ResolveDispute');

export const StatementInputSchema = z.object({ amount: PositiveMoneySchema, note: Note.optional() }).strict().openapi('ReportShareEvent');

export const DisputeListQuerySchema = PageQuerySchema.extend({ status: z.enum(DISPUTE_STATUSES).optional() });

// ── Responses ──────────────────────────────────────────────────────────────

export const PostingSchema = z
  .object({ account: z.string().openapi({ example: 'escrow:ctr_01JD0000000000000000000000' }), amount: z.number().int().openapi({ description: 'Signed minor units: positive arrives in the account.' }) })
  .openapi('Posting');

export const JournalEntrySchema = z
  .object({
    id: z.string(),
    contractId: z.string(),
    kind: z.enum(ENTRY_KINDS),
    currency: z.enum(CURRENCIES),
    postings: z.array(PostingSchema).openapi({ description: 'They sum to zero.' }),
    milestoneN: z.number().int().optional(),
    disputeId: z.string().optional(),
    studioBps: z.number().int().optional(),
    at: z.string(),
  })
  .openapi('JournalEntry');

const FundingShareSchema = z.object({ orgId: z.string(), amount: z.number().int() });

export const MilestoneResultSchema = z
  .object({
    contractId: z.string(),
    n: z.number().int(),
    title: z.string(),
    amount: MoneySchema,
    dueInDays: z.number().int(),
    status: z.enum(MILESTONE_STATUSES),
    funding: z.array(FundingShareSchema).optional().openapi({ description: 'What each funder paid into escrow.' }),
    submission: z.object({ note: z.string(), link: z.string().optional(), at: z.string() }).optional(),
    disputeId: z.string().optional(),
    fundedAt: z.string().optional(),
    submittedAt: z.string().optional(),
    settledAt: z.string().optional(),
    updatedAt: z.string(),
    contractStatus: z.enum(['PENDING_SIGNATURES', 'ACTIVE', 'COMPLETED', 'TERMINATED']),
    entry: JournalEntrySchema.optional().openapi({ description: 'The journal entry this step posted, if it moved money.' }),
  })
  .openapi('MilestoneResult');

const PartyRefSchema = z.object({ sub: z.string(), orgId: z.string() });

export const DisputeSchema = z
  .object({
    id: z.string(),
    contractId: z.string(),
    milestoneN: z.number().int(),
    status: z.enum(DISPUTE_STATUSES),
    reason: z.string(),
    raisedBy: PartyRefSchema,
    milestoneStatusBefore: z.string(),
    outcome: z.enum(DISPUTE_OUTCOMES).optional(),
    studioBps: z.number().int().optional(),
    note: z.string().optional(),
    resolvedBy: PartyRefSchema.optional(),
    entryId: z.string().optional(),
    createdAt: z.string(),
    resolvedAt: z.string().optional(),
  })
  .openapi('Dispute');

export const ResolvedDisputeSchema = DisputeSchema.extend({ milestone: MilestoneResultSchema }).openapi('ResolvedDispute');

export const BalanceSchema = z.object({ account: z.string(), amount: z.number().int() }).openapi('Balance');

export const LedgerSchema = z
  .object({
    contractId: z.string(),
    currency: z.enum(CURRENCIES),
    items: z.array(JournalEntrySchema),
    nextCursor: z.string().nullable(),
    balances: z.array(BalanceSchema).openapi({ description: 'Every account this contract touched; they sum to zero.' }),
  })
  .openapi('ContractLedger');

export const AccountsSchema = z
  .object({
    orgId: z.string(),
    accounts: z.array(z.object({ account: z.string(), currency: z.enum(CURRENCIES), amount: z.number().int() })).openapi({
      description: '`external:<orgId>` is negative by what the organisation has paid in net of refunds; `earnings:<orgId>` is what it has been paid.',
    }),
    byContract: z.array(z.object({ account: z.string(), contractId: z.string(), currency: z.enum(CURRENCIES), amount: z.number().int() })),
  })
  .openapi('OrganisationAccounts');

export const StatementSchema = z
  .object({
    id: z.string(),
    contractId: z.string(),
    kind: z.enum(STATEMENT_KINDS),
    amount: MoneySchema,
    note: z.string().optional(),
    allocations: z.array(z.object({ orgId: z.string(), bps: z.number().int(), amount: MoneySchema })).openapi({
      description: 'Largest-remainder shares: they sum exactly to the amount.',
    }),
    reportedBy: PartyRefSchema,
    at: z.string(),
  })
  .openapi('ShareStatement');

/** The authenticated error responses plus 422 for an Idempotency-Key reused with another request. */
export const moneyErrorResponses = {
  ...errorResponses,
  422: { description: 'The Idempotency-Key was used before for a different request.', content: { 'application/json': { schema: ErrorSchema } } },
} as const;
