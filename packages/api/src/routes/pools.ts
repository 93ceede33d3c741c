import { createRoute, z } from '@hono/zod-openapi';
import { REQUEST_STATUSES } from '@sharedtech/core';
import { JoinPoolSchema, MoneySchema, joinPool, leavePool, readPool, type JoinPoolInput } from '@sharedtech/services';
import type { ApiDeps } from '../deps.js';
import { errorResponses, idParam, jsonBody, jsonResponse } from '../openapi.js';
import { bearer, createRouter } from './router.js';

export const PoolSchema = z
  .object({
    requestId: z.string(),
    ownerOrgId: z.string(),
    requestStatus: z.enum(REQUEST_STATUSES),
    cluster: z.string(),
    memberCount: z.number().int().openapi({ description: 'Members besides the owner.' }),
    pledgedBps: z.number().int().openapi({ description: 'What the members pledged together.' }),
    ownerBps: z.number().int().openapi({ description: 'The owner’s remainder: pledges and owner total 10 000 bps.' }),
    availableBps: z.number().int().openapi({ description: 'The most a new member may pledge (the owner keeps at least 1 bp).' }),
    isMember: z.boolean(),
    members: z
      .array(z.object({ orgId: z.string(), orgName: z.string().optional(), bps: z.number().int(), pledge: MoneySchema.optional(), joinedAt: z.string() }))
      .openapi({ description: 'For the owner, the members and associations; empty for others.' }),
  })
  .openapi('Pool');

const tags = ['Pools'];
const RequestIdParam = idParam('request');

/** `/v1/requests/{id}/pool`: pooled requests (共性技术需求) — join, leave, read. */
export function requestPoolRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/pool', tags, security: bearer,
        summary: 'The pool of a request: members and pledges for the owner and members; totals for other readers',
        request: { params: RequestIdParam },
        responses: { 200: jsonResponse(PoolSchema, 'The pool'), ...errorResponses },
      }),
      async (c) => c.json(await readPool(deps, c.get('principal'), c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/pool/join', tags, security: bearer,
        summary: 'Owner of a verified enterprise of the cluster: join an OPEN request’s pool with a pledge (the pledges stay below 100 %)',
        request: { params: RequestIdParam, body: jsonBody(JoinPoolSchema) },
        responses: { 200: jsonResponse(PoolSchema, 'The pool with your pledge'), ...errorResponses },
      }),
      async (c) => c.json(await joinPool(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json') as JoinPoolInput), 200),
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/pool/leave', tags, security: bearer, summary: 'Pool member: leave before the award',
        request: { params: RequestIdParam },
        responses: { 200: jsonResponse(PoolSchema, 'The pool without you'), ...errorResponses },
      }),
      async (c) => c.json(await leavePool(deps, c.get('principal'), c.req.valid('param').id), 200),
    );
}
