import { JournalEntrySchema } from './ledger.js';
import { MILESTONE_STATUSES } from '@sharedtech/core';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ApiDeps } from '../deps.js';
import { AcceptMilestoneSchema, actOnMilestone, DisputeMilestoneSchema, FundMilestoneSchema, MoneySchema, type PartyCommand, RevisionSchema, SubmitMilestoneSchema } from '@sharedtech/services';
import { jsonBody, jsonResponse, MilestoneParams, moneyErrorResponses } from '../openapi.js';
import { OptionalIdempotencyHeaders, RequiredIdempotencyHeaders } from './idempotency.js';
import { idempotent } from './idempotency.js';
import { bearer, createRouter } from './router.js';

// ── Schemas of this resource ─────────────────────────────────────────────

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
    fundedParts: z
      .array(z.object({ orgId: z.string(), sub: z.string(), at: z.string(), reference: z.string().optional() }))
      .optional()
      .openapi({ description: 'Pooled contract: the members that have funded their part; FUNDED (with the FUND entry) when all have.' }),
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

const tags = ['Milestones'];
const optionalBody = <T extends Parameters<typeof jsonBody>[0]>(schema: T) => ({ ...jsonBody(schema), required: false });
const ok = (description: string) => ({ 200: jsonResponse(MilestoneResultSchema, description), ...moneyErrorResponses });

/** Runs one milestone step for the route's contract and milestone, honouring the Idempotency-Key. */
const step = (c: Context, deps: ApiDeps, params: { id: string; n: number }, key: string | undefined, body: unknown, command: PartyCommand) =>
  idempotent(c, key, body, (idempotency) => actOnMilestone(deps, c.get('principal'), params.id, params.n, command, idempotency));

/** `/v1/contracts/{id}/milestones/{n}/…`: the milestone steps of the contract parties. */
export function milestoneRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/fund', tags, security: bearer,
        summary: 'Enterprise: fund a milestone into escrow (with a subsidy, the government’s share is posted in the same entry); on a pooled contract each funder funds its part and the last part posts the one FUND entry',
        request: { params: MilestoneParams, headers: RequiredIdempotencyHeaders, body: optionalBody(FundMilestoneSchema) },
        responses: ok('The milestone, FUNDED, with its FUND entry'),
      }),
      async (c) => {
        const body = c.req.valid('json') ?? {};
        return c.json(await step(c, deps, c.req.valid('param'), c.req.valid('header')['idempotency-key'], body, { action: 'fund', expectedAmount: body.amount?.amount, reference: body.reference }), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/submit', tags, security: bearer, summary: 'Studio: submit the work with a note and an optional link',
        request: { params: MilestoneParams, headers: OptionalIdempotencyHeaders, body: jsonBody(SubmitMilestoneSchema) },
        responses: ok('The milestone, SUBMITTED; the review window starts'),
      }),
      async (c) => {
        const body = c.req.valid('json');
        return c.json(await step(c, deps, c.req.valid('param'), c.req.valid('header')['idempotency-key'], body, { action: 'submit', ...body }), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/accept', tags, security: bearer, summary: 'Enterprise: accept; escrow is released to the studio’s earnings',
        request: { params: MilestoneParams, headers: RequiredIdempotencyHeaders, body: optionalBody(AcceptMilestoneSchema) },
        responses: ok('The milestone, RELEASED, with its RELEASE entry'),
      }),
      async (c) => {
        const body = c.req.valid('json') ?? {};
        return c.json(await step(c, deps, c.req.valid('param'), c.req.valid('header')['idempotency-key'], body, { action: 'accept', note: body.note }), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/request-revision', tags, security: bearer, summary: 'Enterprise: send a submission back (SUBMITTED → FUNDED)',
        request: { params: MilestoneParams, headers: OptionalIdempotencyHeaders, body: optionalBody(RevisionSchema) },
        responses: ok('The milestone, FUNDED again'),
      }),
      async (c) => {
        const body = c.req.valid('json') ?? {};
        return c.json(await step(c, deps, c.req.valid('param'), c.req.valid('header')['idempotency-key'], body, { action: 'requestRevision', reason: body.reason }), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/dispute', tags, security: bearer, summary: 'Enterprise or studio: dispute a FUNDED or SUBMITTED milestone; an association decides',
        request: { params: MilestoneParams, headers: OptionalIdempotencyHeaders, body: jsonBody(DisputeMilestoneSchema) },
        responses: ok('The milestone, DISPUTED, with the new disputeId'),
      }),
      async (c) => {
        const body = c.req.valid('json');
        return c.json(await step(c, deps, c.req.valid('param'), c.req.valid('header')['idempotency-key'], body, { action: 'dispute', reason: body.reason }), 200);
      },
    );
}
