import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { ClusterStatsSchema, MatchQuerySchema, MatchesSchema, StatsQuerySchema, errorResponses, jsonResponse } from '../schemas.js';
import { clusterStatistics, matchRequestsForStudio, matchStudiosForRequest } from '../services/insight.js';
import { bearer, createRouter } from './router.js';

/** `/v1/stats`: consortium statistics per industry cluster (associations). */
export function statsRoutes(deps: AppDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'get', path: '/', tags: ['Insight'], security: bearer, summary: 'Association: consortium statistics of one industry cluster',
      request: { query: StatsQuerySchema },
      responses: { 200: jsonResponse(ClusterStatsSchema, 'Statistics'), ...errorResponses },
    }),
    async (c) => c.json(await clusterStatistics(deps, c.get('principal'), c.req.valid('query').cluster), 200),
  );
}

/** `/v1/matches`: studios for a request, or requests for my studio. */
export function matchRoutes(deps: AppDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'get', path: '/', tags: ['Insight'], security: bearer,
      summary: 'Matching: studios ranked for a request (requestId=…), or open requests that fit my studio',
      request: { query: MatchQuerySchema },
      responses: { 200: jsonResponse(MatchesSchema, 'Ranked matches, best first'), ...errorResponses },
    }),
    async (c) => {
      const { requestId, limit } = c.req.valid('query');
      const principal = c.get('principal');
      return c.json(
        requestId ? await matchStudiosForRequest(deps, principal, requestId, limit) : await matchRequestsForStudio(deps, principal, limit),
        200,
      );
    },
  );
}
