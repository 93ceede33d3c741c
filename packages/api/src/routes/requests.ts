import { IP_PREFERENCES, REQUEST_STATUSES } from '@sharedtech/core';
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { cancelRequest, closeRequest, createRequest, CreateRequestSchema, listRequests, MoneySchema, readRequest, ReasonSchema, RequestListQuerySchema, RequiredReasonSchema, reviewRequest, ReviewSchema, submitRequest, suspendRequest, updateRequest, UpdateRequestSchema, viewOfRequest } from '@sharedtech/services';
import { errorResponses, idParam, jsonBody, jsonResponse, pageOf } from '../openapi.js';
import { bearer, createRouter } from './router.js';

// ── Schemas of this resource ─────────────────────────────────────────────

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
    matched: z.array(z.string()).optional().openapi({ description: 'Search results only: the words of `q` this request matched.' }),
    score: z.number().int().optional().openapi({ description: 'Search results only: sum of the matched tokens\' field weights (title 4, summary 2, tags 1).' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('TechnicalRequest');

const tags = ['Technical requests'];
const RequestIdParam = idParam('request');
const ok = { 200: jsonResponse(RequestSchema, 'The request after the change'), ...errorResponses };

export function requestRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/', tags, security: bearer, summary: 'Verified enterprise: post a technical request (DRAFT)',
        request: { body: jsonBody(CreateRequestSchema) },
        responses: { 201: jsonResponse(RequestSchema, 'Created as DRAFT'), ...errorResponses },
      }),
      async (c) => {
        const principal = c.get('principal');
        // A new request has no bids yet.
        return c.json(viewOfRequest(principal, await createRequest(deps, principal, c.req.valid('json')), 0), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/', tags, security: bearer,
        summary: 'List requests by status (default OPEN), cluster and tag, newest first; mine=true for your own; q= searches OPEN requests, ranked',
        request: { query: RequestListQuerySchema },
        responses: { 200: jsonResponse(pageOf(RequestSchema, 'RequestPage'), 'A page of requests'), ...errorResponses },
      }),
      async (c) => {
        const { cursor, limit, mine, ...filter } = c.req.valid('query');
        return c.json(await listRequests(deps, c.get('principal'), { ...filter, mine: mine === 'true' }, { cursor, limit }), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}', tags, security: bearer, summary: 'Read a request (details only for verified studios, the owner and associations)',
        request: { params: RequestIdParam },
        responses: { 200: jsonResponse(RequestSchema, 'The request'), ...errorResponses },
      }),
      async (c) => {
        return c.json(await readRequest(deps, c.get('principal'), c.req.valid('param').id), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'patch', path: '/{id}', tags, security: bearer, summary: 'Owner: edit a DRAFT or REJECTED request',
        request: { params: RequestIdParam, body: jsonBody(UpdateRequestSchema) },
        responses: ok,
      }),
      async (c) => {
        const principal = c.get('principal');
        return c.json(viewOfRequest(principal, await updateRequest(deps, principal, c.req.valid('param').id, c.req.valid('json'))), 200);
      },
    )
    .openapi(
      createRoute({ method: 'post', path: '/{id}/submit', tags, security: bearer, summary: 'Owner: submit for review', request: { params: RequestIdParam }, responses: ok }),
      async (c) => {
        const principal = c.get('principal');
        return c.json(viewOfRequest(principal, await submitRequest(deps, principal, c.req.valid('param').id)), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/review', tags, security: bearer, summary: 'Association: approve (→ OPEN) or reject with a reason',
        request: { params: RequestIdParam, body: jsonBody(ReviewSchema) }, responses: ok,
      }),
      async (c) => {
        const principal = c.get('principal');
        return c.json(viewOfRequest(principal, await reviewRequest(deps, principal, c.req.valid('param').id, c.req.valid('json'))), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/cancel', tags, security: bearer, summary: 'Owner: cancel',
        request: { params: RequestIdParam, body: { ...jsonBody(ReasonSchema), required: false } }, responses: ok,
      }),
      async (c) => {
        const principal = c.get('principal');
        return c.json(viewOfRequest(principal, await cancelRequest(deps, principal, c.req.valid('param').id, c.req.valid('json')?.reason)), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/close', tags, security: bearer, summary: 'Owner: close an OPEN request without award',
        request: { params: RequestIdParam, body: { ...jsonBody(ReasonSchema), required: false } }, responses: ok,
      }),
      async (c) => {
        const principal = c.get('principal');
        return c.json(viewOfRequest(principal, await closeRequest(deps, principal, c.req.valid('param').id, c.req.valid('json')?.reason)), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/suspend', tags, security: bearer, summary: 'Association: take an OPEN request down',
        request: { params: RequestIdParam, body: jsonBody(RequiredReasonSchema) }, responses: ok,
      }),
      async (c) => {
        const principal = c.get('principal');
        return c.json(viewOfRequest(principal, await suspendRequest(deps, principal, c.req.valid('param').id, c.req.valid('json')?.reason)), 200);
      },
    );
}
