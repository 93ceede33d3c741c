import { createRoute } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { listCollegeBids, listCollegeContracts, PageQuerySchema } from '@sharedtech/services';
import { errorResponses, idParam, jsonResponse, pageOf } from '../openapi.js';
import { BidSchema } from './bids.js';
import { ContractSummarySchema } from './contracts.js';
import { bearer, createRouter } from './router.js';

const tags = ['Colleges'];

/** `/v1/colleges/{id}/…`: what a college sees of its studios, read only (its members and associations). */
export function collegeRoutes(deps: ApiDeps) {
  const CollegeIdParam = idParam('org');
  return createRouter()
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/bids', tags, security: bearer,
        summary: 'College (and associations): bids of its studios, newest first, read only',
        request: { params: CollegeIdParam, query: PageQuerySchema },
        responses: { 200: jsonResponse(pageOf(BidSchema, 'CollegeBidPage'), 'A page of bids'), ...errorResponses },
      }),
      async (c) => c.json(await listCollegeBids(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/contracts', tags, security: bearer,
        summary: 'College (and associations): contracts of its studios, newest first, read only',
        request: { params: CollegeIdParam, query: PageQuerySchema },
        responses: { 200: jsonResponse(pageOf(ContractSummarySchema, 'CollegeContractPage'), 'A page of contracts'), ...errorResponses },
      }),
      async (c) => c.json(await listCollegeContracts(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query')), 200),
    );
}
