import { ClusterSchema, idSchema } from './common.js';
import { z } from './zod.js';

export const StatsQuerySchema = z.object({ cluster: ClusterSchema }).strict();

export const MatchQuerySchema = z.object({
  requestId: idSchema('request').optional().openapi({ description: 'Rank studios for this request (owner, associations). Without it: open requests for my studio.' }),
  limit: z.coerce.number().int().min(1).max(50).optional(),
}).strict();

/** `GET /v1/stats/funded`: a government reads its own; an association names the government. */
export const FundedStatsQuerySchema = z
  .object({ orgId: idSchema('org').optional().openapi({ description: 'Associations: the government organisation (a government reads its own).' }) })
  .strict();
