import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { DisputeListQuerySchema, DisputeSchema, RequiredIdempotencyHeaders, ResolveDisputeSchema, ResolvedDisputeSchema, moneyErrorResponses } from '../money-schemas.js';
import { errorResponses, idParam, jsonBody, jsonResponse, pageOf } from '../schemas.js';
import { listDisputes, readDispute, resolveDispute } from '../services/disputes.js';
import { idempotent } from './idempotency.js';
import { bearer, createRouter } from './router.js';

const tags = ['Disputes'];
const DisputeIdParam = idParam('dispute');

/** `/v1/disputes`: the associations' queue, reading a dispute, and the decision. */
export function disputeRoutes(deps: AppDeps) {
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
