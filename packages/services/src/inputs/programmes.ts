import { DECISIONS } from '@sharedtech/core';
import { ClusterSchema, PositiveMoneySchema, idSchema } from './common.js';
import { z } from './zod.js';

const CalendarDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use yyyy-mm-dd.').openapi({ example: '2026-12-31' });

export const PublishProgrammeSchema = z
  .object({
    name: z.string().trim().min(2).max(120).openapi({ example: '2026 年度共性技术攻关资助计划' }),
    description: z.string().trim().max(2000).optional(),
    budget: PositiveMoneySchema,
    maxBps: z.number().int().min(1).max(9_999).openapi({ description: 'The largest share of a contract the programme co-funds, in basis points.', example: 3000 }),
    clusters: z.array(ClusterSchema).min(1).max(20),
    opensOn: CalendarDateSchema.openapi({ description: 'First day applications are taken (Asia/Shanghai).' }),
    closesOn: CalendarDateSchema.openapi({ description: 'Last day applications are taken (Asia/Shanghai).' }),
  })
  .strict()
  .openapi('PublishProgramme');

export const ApplyToProgrammeSchema = z
  .object({
    contractId: idSchema('contract'),
    bps: z.number().int().min(1).max(9_999).openapi({ description: 'The share of each milestone not yet funded the programme is asked to co-fund.', example: 2000 }),
  })
  .strict()
  .openapi('ApplyToProgramme');

export const DecideApplicationSchema = z
  .object({
    decision: z.enum(DECISIONS),
    reason: z.string().trim().max(1000).optional(),
  })
  .strict()
  .openapi('DecideApplication');

export const SetOverheadSchema = z
  .object({ bps: z.number().int().min(0).max(10_000).openapi({ description: 'The college’s share of its studios’ earnings, in basis points (0–10000).', example: 1500 }) })
  .strict()
  .openapi('SetOverhead');
