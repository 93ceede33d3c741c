import { Note, PositiveMoneySchema, idSchema } from './common.js';
import { z } from './zod.js';

export const StatementPeriodSchema = z
  .object({
    year: z.number().int().min(2000).max(2100),
    quarter: z.number().int().min(1).max(4).optional(),
  })
  .strict()
  .openapi('StatementPeriod', { description: 'The year (and optionally quarter, 1–4) the benefit or loss belongs to; not in the future. Default: this year.' });

export const StatementInputSchema = z.object({ amount: PositiveMoneySchema, note: Note.optional(), period: StatementPeriodSchema.optional() }).strict().openapi('ReportShareEvent');

/** `GET /v1/contracts/{id}/statements/distribution(.csv)`: one party's distribution statement of one year. */
export const DistributionQuerySchema = z
  .object({
    year: z.coerce.number().int().min(2000).max(2100),
    orgId: idSchema('org').optional().openapi({ description: 'The party (default: the caller’s organisation).' }),
  })
  .strict();
