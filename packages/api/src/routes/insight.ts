import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { clusterStatistics, fundedStatistics, FundedStatsQuerySchema, MatchQuerySchema, matchRequestsForStudio, matchStudiosForRequest, MoneySchema, StatsQuerySchema } from '@sharedtech/services';
import { errorResponses, jsonResponse } from '../openapi.js';
import { RatingAveragesSchema } from './reviews.js';
import { bearer, createRouter } from './router.js';

// ── Schemas of this resource ─────────────────────────────────────────────

const CnyMoney = MoneySchema;

export const ClusterStatsSchema = z
  .object({
    cluster: z.string(),
    requests: z.object({ byStatus: z.record(z.string(), z.number().int()), total: z.number().int() }),
    bids: z.object({ total: z.number().int(), perRequest: z.number() }),
    award: z.object({
      awarded: z.number().int(),
      closedWithoutAward: z.number().int(),
      rateBps: z.number().int().openapi({ description: 'Awarded ÷ (awarded + closed without award), in basis points.' }),
      medianDaysToAward: z.number().nullable(),
    }),
    contracts: z.object({
      total: z.number().int(),
      byStatus: z.record(z.string(), z.number().int()),
      value: CnyMoney,
      escrowHeld: CnyMoney,
      released: CnyMoney,
      overdueMilestones: z.number().int().openapi({ description: 'Milestones of ACTIVE contracts past their due date and not settled (as the scheduled job flagged them).' }),
    }),
    education: z.object({ teachers: z.number().int(), students: z.number().int(), mentors: z.number().int() }),
  })
  .openapi('ClusterStatistics');

export const FundedStatsSchema = z
  .object({
    orgId: z.string(),
    contracts: z.object({ total: z.number().int(), byStatus: z.record(z.string(), z.number().int()) }),
    outcomes: z.object({ active: z.number().int(), completed: z.number().int(), terminated: z.number().int() }),
    value: CnyMoney,
    committed: CnyMoney.openapi({ description: 'The subsidy share of every milestone of the co-funded contracts, as agreed at award.' }),
    funded: CnyMoney.openapi({ description: 'Paid from the government’s account into escrow.' }),
    refunded: CnyMoney.openapi({ description: 'Paid back to the government’s account (refunds, its part of a split).' }),
    paid: CnyMoney.openapi({ description: 'Net subsidy paid: funded less refunded.' }),
  })
  .openapi('FundedStatistics');

export const MatchesSchema = z
  .object({
    items: z.array(
      z.object({
        score: z.number().openapi({
          description: 'Shared capability tags × 10, same cluster + 5, past contracts (up to 3), plus reputation (for studios).',
        }),
        sharedTags: z.array(z.string()),
        reputation: z.number().optional().openapi({
          description: 'Points from the studio’s published review averages: (overall − 3) × 2 × min(reviews, 5) / 5, so −4 … +4; 0 without reviews.',
        }),
        averages: RatingAveragesSchema.nullable().optional(),
        pastContracts: z.number().int().optional().openapi({
          description: 'The studio’s track record (for studios): its contracts that are ACTIVE or COMPLETED. Counts up to 3 in the score.',
        }),
        studio: z.object({ id: z.string(), name: z.string(), cluster: z.string().optional(), capabilities: z.array(z.string()) }).optional(),
        request: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  })
  .openapi('Matches');

/** `/v1/stats`: consortium statistics per industry cluster (associations). */
export function statsRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get', path: '/', tags: ['Insight'], security: bearer, summary: 'Association: consortium statistics of one industry cluster',
        request: { query: StatsQuerySchema },
        responses: { 200: jsonResponse(ClusterStatsSchema, 'Statistics'), ...errorResponses },
      }),
      async (c) => c.json(await clusterStatistics(deps, c.get('principal'), c.req.valid('query').cluster), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/funded', tags: ['Insight'], security: bearer,
        summary: 'Government (associations name one with orgId): statistics of the contracts it co-funds — committed, paid, outcomes',
        request: { query: FundedStatsQuerySchema },
        responses: { 200: jsonResponse(FundedStatsSchema, 'Statistics from counters kept by the same transactions'), ...errorResponses },
      }),
      async (c) => c.json(await fundedStatistics(deps, c.get('principal'), c.req.valid('query').orgId), 200),
    );
}

/** `/v1/matches`: studios for a request, or requests for my studio. */
export function matchRoutes(deps: ApiDeps) {
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
