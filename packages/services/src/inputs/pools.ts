import { PositiveMoneySchema } from './common.js';
import { z } from './zod.js';

/** A pledge to a pool: basis points of the cost, or money converted to bps of the request's maximum budget. Exactly one. */
export const JoinPoolSchema = z
  .object({
    pledgeBps: z.number().int().min(1).max(9_999).optional().openapi({ example: 2_500, description: 'Your share of the cost in basis points (2 500 = 25 %).' }),
    pledge: PositiveMoneySchema.optional().openapi({ description: 'Or your share in money: converted to bps of the request’s maximum budget (rounded down).' }),
  })
  .strict()
  .refine((value) => (value.pledgeBps === undefined) !== (value.pledge === undefined), {
    message: 'Give exactly one of pledgeBps and pledge.',
    path: ['pledgeBps'],
  })
  .openapi('JoinPool');
