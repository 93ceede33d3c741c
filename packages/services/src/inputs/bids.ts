import { MAX_MILESTONES, MAX_TEAM_PEOPLE } from '@sharedtech/core';
import { PositiveMoneySchema, idSchema } from './common.js';
import { ShareAgreementSchema } from './contracts.js';
import { z } from './zod.js';

/**
 * A bid's team: people of the studio's or its college's roster, at least one
 * teacher. The free-text name lists of older bids are no longer accepted (the
 * stored team keeps them, derived from the roster).
 */
export const TeamSchema = z
  .object({
    personIds: z
      .array(idSchema('person'))
      .min(1)
      .max(MAX_TEAM_PEOPLE)
      .openapi({ description: 'People of the studio’s or its college’s roster (`/v1/orgs/{id}/people`), each once, at least one teacher.' }),
  })
  .strict()
  .openapi('Team', { description: 'The team by roster people. Free-text name lists (`teachers`, `students`, `mentors`) are refused.' });

export const PlannedMilestoneSchema = z
  .object({
    title: z.string().trim().min(2).max(120),
    amount: PositiveMoneySchema,
    dueInDays: z.number().int().min(1).max(1000),
  })
  .strict()
  .openapi('PlannedMilestone');

const bidContentShape = {
  price: PositiveMoneySchema,
  durationDays: z.number().int().min(1).max(1000),
  approach: z.string().trim().min(10).max(5000),
  milestones: z.array(PlannedMilestoneSchema).min(1).max(MAX_MILESTONES),
  team: TeamSchema,
  proposedShares: ShareAgreementSchema.partial().optional(),
};

export const CreateBidSchema = z.object(bidContentShape).strict().openapi('CreateBid');

export const UpdateBidSchema = z
  .object(bidContentShape)
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, { message: 'Change at least one field.' })
  .openapi('UpdateBid');
