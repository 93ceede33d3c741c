import { MilestoneResultSchema } from './milestones.js';
import { DISPUTE_OUTCOMES, DISPUTE_STATUSES } from '@sharedtech/core';
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { DisputeListQuerySchema, listDisputes, readDispute, resolveDispute, ResolveDisputeSchema } from '@sharedtech/services';
import { errorResponses, idParam, jsonBody, jsonResponse, moneyErrorResponses, pageOf, PartyRefSchema } from '../openapi.js';
import { RequiredIdempotencyHeaders } from './idempotency.js';
import { idempotent } from './idempotency.js';
import { bearer, createRouter } from './router.js';

// ── Schemas of this resource ─────────────────────────────────────────────

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

const tags = ['Disputes'];
const DisputeIdParam = idParam('dispute');

/** `/v1/disputes`: the associations' queue, reading a dispute, and the decision. */
export function disputeRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get', path: '/', tags, security: bearer, summary: 'Association: disputes by status (default OPEN), oldest first',
        request: { query: DisputeListQuerySchema },
        responses: { 200: jsonResponse(pageOf(DisputeSchema, 'DisputePage'), 'A page of disputes'), ...errorResponses },
      }),
      async (c) => {
        const { status, cursor, limit } = c.req.valid('query');
        return c.json(await listDisputes(deps, c.get('principal'), status ?? 'OPEN', { cursor, limit }), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}', tags, security: bearer, summary: 'Read a dispute (associations and the contract’s parties)',
        request: { params: DisputeIdParam },
        responses: { 200: jsonResponse(DisputeSchema, 'The dispute'), ...errorResponses },
      }),
      async (c) => c.json(await readDispute(deps, c.get('principal'), c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/resolve', tags, security: bearer,
        summary: 'Association: RELEASE, REFUND, or SPLIT (studioBps to the studio, the rest refunded in proportion to what each funder paid)',
        request: { params: DisputeIdParam, headers: RequiredIdempotencyHeaders, body: jsonBody(ResolveDisputeSchema) },
        responses: { 200: jsonResponse(ResolvedDisputeSchema, 'The dispute, RESOLVED, with the milestone and its entry'), ...moneyErrorResponses },
      }),
      async (c) => {
        const body = c.req.valid('json');
        const resolved = await idempotent(c, c.req.valid('header')['idempotency-key'], body, (idempotency) =>
          resolveDispute(deps, c.get('principal'), c.req.valid('param').id, body, idempotency));
        return c.json(resolved, 200);
      },
    );
}
