import { DASHBOARD_MONTHS } from '@sharedtech/core';
import { ClusterSchema } from './common.js';
import { z } from './zod.js';

/** `GET /v1/council/dashboard` and its CSV: a cluster of the caller's (default: its first) and how many months back. */
export const CouncilDashboardQuerySchema = z
  .object({
    cluster: ClusterSchema.optional().openapi({ description: 'A cluster the caller sees (default: its first; the CSV without it: every one).' }),
    months: z.coerce.number().int().min(1).max(DASHBOARD_MONTHS.max).optional().openapi({ description: `UTC calendar months up to the current one (default ${DASHBOARD_MONTHS.default}).` }),
  })
  .strict();
