import { MAX_MILESTONES, MAX_TEAM_PEOPLE } from '@sharedtech/core';
import { PositiveMoneySchema, idSchema } from './common.js';
import { ShareAgreementSchema } from './contracts.js';
import { z } from './zod.js';

const PersonNameSchema = z.string().trim().min(1).max(60);

export const TeamSchema = z
  .object({
    teachers: z.array(PersonNameSchema).max(20).default([]),
    students: z.array(PersonNameSchema).max(50).default([]),
    mentors: z.array(PersonNameSchema).max(20).default([]),
    personIds: z
      .array(idSchema('person'))
      .min(1)
      .max(MAX_TEAM_PEOPLE)
      .optional()
      .openapi({ description: 'People of the studio’s or its college’s roster (at least one teacher). The name lists then come from the roster and must be left out.' }),
  })
  .strict()
  .openapi('Team');

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
  team: TeamSchema.optional(),
  proposedShares: ShareAgreementSchema.partial().optional(),
};

export const CreateBidSchema = z.object(bidContentShape).strict().openapi('CreateBid');

export const UpdateBidSchema = z
  .object(bidContentShape)
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, { message: 'Change at least one field.' })
  .openapi('UpdateBid');
