import { Note, PositiveMoneySchema } from './common.js';
import { z } from './zod.js';

export const FundMilestoneSchema = z
  .object({
    amount: PositiveMoneySchema.optional().openapi({ description: 'The amount you expect to fund; a 409 if the milestone is for another amount.' }),
    reference: z.string().trim().min(1).max(120).optional().openapi({ description: 'Your payment reference, kept in the audit trail.' }),
  })
  .strict()
  .openapi('FundMilestone');

export const SubmitMilestoneSchema = z
  .object({ note: Note, link: z.url({ protocol: /^https?$/ }).max(500).optional() })
  .strict()
  .openapi('SubmitMilestone');

export const AcceptMilestoneSchema = z.object({ note: Note.optional() }).strict().openapi('AcceptMilestone');

export const RevisionSchema = z.object({ reason: Note.optional() }).strict().openapi('RequestRevision');

export const DisputeMilestoneSchema = z.object({ reason: Note }).strict().openapi('DisputeMilestone');
