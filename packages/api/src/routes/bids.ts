import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { teamPersonSchema } from '@sharedtech/core';
import { CreateBidSchema, getVisibleBid, listBidsForRequest, listMyBids, MoneySchema, PageQuerySchema, PlannedMilestoneSchema, submitBid, updateBid, UpdateBidSchema, viewOfBid, withdrawBid } from '@sharedtech/services';
import { component, errorResponses, idParam, jsonBody, jsonResponse, pageOf } from '../openapi.js';
import { bearer, createRouter } from './router.js';

// ── Schemas of this resource ─────────────────────────────────────────────

export const TeamPersonSchema = component(teamPersonSchema, 'TeamPerson');

export const TeamViewSchema = z
  .object({
    teachers: z.array(z.string()),
    students: z.array(z.string()),
    mentors: z.array(z.string()),
    people: z.array(TeamPersonSchema).optional().openapi({ description: 'The roster people named (absent on free-text teams and for callers who may not see personal data).' }),
    redacted: z.literal(true).optional().openapi({ description: 'Set when personal data was left out for this caller (names shown as "—").' }),
  })
  .openapi('TeamView');

export const BidSchema = z
  .object({
    id: z.string(),
    requestId: z.string(),
    requestOwnerOrgId: z.string(),
    studioOrgId: z.string(),
    collegeOrgId: z.string().optional().openapi({ description: 'The studio’s college when it bid: it reads the bid (read only).' }),
    status: z.enum(['SUBMITTED', 'WITHDRAWN', 'ACCEPTED', 'REJECTED', 'EXPIRED']),
    price: MoneySchema,
    durationDays: z.number().int(),
    approach: z.string(),
    milestones: z.array(PlannedMilestoneSchema),
    team: TeamViewSchema,
    proposedShares: z.unknown().optional(),
    invitationId: z.string().optional().openapi({ description: 'Set when the studio bid after the request’s owner invited it.' }),
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

const tags = ['Bids'];

/** Bids under a request: `/v1/requests/{id}/bids`. */
export function requestBidRoutes(deps: ApiDeps) {
  const RequestIdParam = idParam('request');
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/bids', tags, security: bearer, summary: 'Verified studio: bid on an OPEN request (one live bid per studio)',
        request: { params: RequestIdParam, body: jsonBody(CreateBidSchema) },
        responses: { 201: jsonResponse(BidSchema, 'The bid, SUBMITTED'), ...errorResponses },
      }),
      async (c) => c.json(viewOfBid(await submitBid(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json'))), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/bids', tags, security: bearer,
        summary: 'Sealed bids: the owner and associations see all, a studio its own, everyone the count',
        request: { params: RequestIdParam, query: PageQuerySchema },
        responses: { 200: jsonResponse(SealedBidPageSchema, 'Bids visible to the caller'), ...errorResponses },
      }),
      async (c) => c.json(await listBidsForRequest(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query')), 200),
    );
}

/** `/v1/bids`: a studio's own bids and single bids by id. */
export function bidRoutes(deps: ApiDeps) {
  const BidIdParam = idParam('bid');
  return createRouter()
    .openapi(
      createRoute({
        method: 'get', path: '/', tags, security: bearer, summary: 'Studio: my bids across requests, newest first',
        request: { query: PageQuerySchema },
        responses: { 200: jsonResponse(pageOf(BidSchema, 'BidPage'), 'A page of bids'), ...errorResponses },
      }),
      async (c) => c.json(await listMyBids(deps, c.get('principal'), c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}', tags, security: bearer, summary: 'Read a bid (its studio, the request owner, associations)',
        request: { params: BidIdParam },
        responses: { 200: jsonResponse(BidSchema, 'The bid'), ...errorResponses },
      }),
      async (c) => c.json(viewOfBid(await getVisibleBid(deps, c.get('principal'), c.req.valid('param').id)), 200),
    )
    .openapi(
      createRoute({
        method: 'patch', path: '/{id}', tags, security: bearer, summary: 'Studio: change a SUBMITTED bid while the request is open',
        request: { params: BidIdParam, body: jsonBody(UpdateBidSchema) },
        responses: { 200: jsonResponse(BidSchema, 'The bid after the change'), ...errorResponses },
      }),
      async (c) => c.json(viewOfBid(await updateBid(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json'))), 200),
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/withdraw', tags, security: bearer, summary: 'Studio: withdraw a SUBMITTED bid',
        request: { params: BidIdParam },
        responses: { 200: jsonResponse(BidSchema, 'The bid, WITHDRAWN'), ...errorResponses },
      }),
      async (c) => c.json(viewOfBid(await withdrawBid(deps, c.get('principal'), c.req.valid('param').id)), 200),
    );
}
