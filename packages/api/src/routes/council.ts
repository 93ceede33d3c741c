import { createRoute, z } from '@hono/zod-openapi';
import { COUNCIL_FIGURES } from '@sharedtech/core';
import { CouncilDashboardQuerySchema, councilCsvFileName, councilDashboard, councilDashboardCsv } from '@sharedtech/services';
import { csvFile, csvResponse } from '../csv.js';
import type { ApiDeps } from '../deps.js';
import { errorResponses, jsonResponse } from '../openapi.js';
import { bearer, createRouter } from './router.js';

const FigureSeriesSchema = z
  .object({
    id: z.enum(COUNCIL_FIGURES.map((f) => f.id) as [string, ...string[]]),
    group: z.enum(['market', 'money', 'subsidy', 'education', 'talent', 'resources', 'pools']),
    unit: z.enum(['count', 'fen', 'hours']).openapi({ description: '`fen`: integer minor units of CNY.' }),
    values: z.array(z.number().int()).openapi({ description: 'One value per month, aligned with `months`.' }),
    total: z.number().int().openapi({ description: 'Flows: the sum over the months; stocks (escrowHeld): the last month’s value.' }),
  })
  .openapi('CouncilFigureSeries');

const CouncilDashboardSchema = z
  .object({
    cluster: z.string(),
    clusters: z.array(z.string()).openapi({ description: 'The clusters the caller sees (associations and city-wide government bodies may also name any other).' }),
    timeZone: z.literal('UTC').openapi({ description: 'Months are UTC calendar months, as the counters are bucketed.' }),
    months: z.array(z.string()).openapi({ description: '`yyyy-mm`, oldest first, ending with the current month.' }),
    figures: z.array(FigureSeriesSchema),
    programmes: z.array(z.object({ id: z.string(), name: z.string(), figures: z.array(FigureSeriesSchema) })),
  })
  .openapi('CouncilDashboard');

const tags = ['Insight'];

/** `/v1/council`: the council's dashboard (理事会) for associations, government bodies and colleges. */
export function councilRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get', path: '/dashboard', tags, security: bearer,
        summary: 'Council members: every figure of a cluster per month (requests, bids, awards, money, subsidies, education, talent, resources, pools)',
        request: { query: CouncilDashboardQuerySchema },
        responses: { 200: jsonResponse(CouncilDashboardSchema, 'Series per figure, from counter items only (the same reads at any size)'), ...errorResponses },
      }),
      async (c) => c.json(await councilDashboard(deps, c.get('principal'), c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/dashboard.csv', tags, security: bearer,
        summary: 'Council members: every figure per month per cluster as CSV (UTF-8 with BOM, Chinese headers, money in yuan)',
        request: { query: CouncilDashboardQuerySchema },
        responses: {
          200: csvResponse('One row per cluster and month, a column per figure'),
          ...errorResponses,
        },
      }),
      async (c) => {
        const query = c.req.valid('query');
        return csvFile(c, { filename: councilCsvFileName(query, deps.clock()), body: await councilDashboardCsv(deps, c.get('principal'), query) });
      },
    );
}
