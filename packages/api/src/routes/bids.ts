import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import {
  BidSchema, CreateBidSchema, PageQuerySchema, SealedBidPageSchema, UpdateBidSchema, errorResponses, idParam, jsonBody, jsonResponse, pageOf,
} from '../schemas.js';
import { getVisibleBid, listBidsForRequest, listMyBids, submitBid, updateBid, viewOfBid, withdrawBid } from '../services/bids.js';
import { bearer, createRouter } from './router.js';

const tags = ['Bids'];

/** Bids under a request: `/v1/requests/{id}/bids`. */
export function requestBidRoutes(deps: AppDeps) {
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
export function bidRoutes(deps: AppDeps) {
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
