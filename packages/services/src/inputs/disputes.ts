import { DISPUTE_OUTCOMES, DISPUTE_STATUSES } from '@sharedtech/core';
import { Note, PageQuerySchema } from './common.js';
import { z } from './zod.js';

export const ResolveDisputeSchema = z
  .object({
    outcome: z.enum(DISPUTE_OUTCOMES),
    studioBps: z.number().int().min(1).max(9_999).optional().openapi({ description: 'SPLIT only: the studio’s basis points; the rest is refunded to the funders in proportion to what each paid.' }),
    note: Note.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.outcome === 'SPLIT' && value.studioBps === undefined) {
      ctx.addIssue({ code: 'custom', path: ['studioBps'], message: 'A SPLIT says how many basis points go to the studio.' });
    }
    if (value.outcome !== 'SPLIT' && value.studioBps !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['studioBps'], message: 'Only a SPLIT takes studioBps.' });
    }
  })
  .openapi('ResolveDispute');

export const DisputeListQuerySchema = PageQuerySchema.extend({ status: z.enum(DISPUTE_STATUSES).optional() });
