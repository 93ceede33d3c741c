import { MAX_CHANGE_OPERATIONS } from '@sharedtech/core';
import { PositiveMoneySchema } from './common.js';
import { z } from './zod.js';

const MilestoneN = z.number().int().min(1).max(9999).openapi({ description: 'The milestone’s number on the contract.', example: 2 });
const MilestoneTitle = z.string().trim().min(1).max(200);

/** One operation of a change order, told apart by `op`. */
export const ChangeOperationSchema = z
  .discriminatedUnion('op', [
    z.object({ op: z.literal('add'), title: MilestoneTitle, amount: PositiveMoneySchema, dueInDays: z.number().int().min(0).max(3650).openapi({ description: 'Days after the contract’s start (Asia/Shanghai calendar days).' }) }).strict(),
    z.object({ op: z.literal('remove'), n: MilestoneN }).strict(),
    z.object({ op: z.literal('retitle'), n: MilestoneN, title: MilestoneTitle }).strict(),
    z.object({ op: z.literal('reprice'), n: MilestoneN, amount: PositiveMoneySchema }).strict(),
    z.object({ op: z.literal('moveDue'), n: MilestoneN, dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date yyyy-mm-dd.').openapi({ description: 'The new due date, an Asia/Shanghai calendar day (due at its end).', example: '2026-06-30' }) }).strict(),
    z.object({ op: z.literal('reviewWindow'), days: z.number().int().min(1).max(90) }).strict(),
  ])
  .openapi('ChangeOperation');

export const ProposeChangeSchema = z
  .object({
    operations: z.array(ChangeOperationSchema).min(1).max(MAX_CHANGE_OPERATIONS),
    reason: z.string().trim().min(1).max(2000).openapi({ example: '客户需求调整，第二阶段拆分为两个里程碑。' }),
  })
  .strict()
  .openapi('ProposeChange');
