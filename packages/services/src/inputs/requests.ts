import { IP_PREFERENCES, REQUEST_STATUSES } from '@sharedtech/core';
import { ClusterSchema, IsoDateTimeSchema, MoneySchema, PageQuerySchema, PositiveMoneySchema, TagSchema } from './common.js';
import { z } from './zod.js';

const requestContentShape = {
  title: z.string().trim().min(4).max(120),
  summary: z.string().trim().min(10).max(1000),
  details: z.string().trim().min(10).max(10_000),
  cluster: ClusterSchema,
  tags: z.array(TagSchema).min(1).max(10),
  budget: z.object({ min: MoneySchema, max: PositiveMoneySchema }).strict(),
  biddingDeadline: IsoDateTimeSchema,
  wantedBy: IsoDateTimeSchema.optional(),
  ipPreference: z.enum(IP_PREFERENCES).optional(),
};

export const CreateRequestSchema = z.object(requestContentShape).strict().openapi('CreateRequest');

export const UpdateRequestSchema = z
  .object(requestContentShape)
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, { message: 'Change at least one field.' })
  .openapi('UpdateRequest');

export const RequestListQuerySchema = PageQuerySchema.extend({
  status: z.enum(REQUEST_STATUSES).optional(),
  cluster: ClusterSchema.optional(),
  tag: TagSchema.optional(),
  mine: z.enum(['true', 'false']).optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({
      description:
        'Search OPEN requests by words in title, summary and tags (Chinese or English), ranked; combinable with cluster and tag, not with mine or another status.',
      example: '焊缝检测',
    }),
});

export const ReviewSchema = z
  .object({ decision: z.enum(['APPROVE', 'REJECT']), reason: z.string().trim().min(1).max(1000).optional() })
  .strict()
  .refine((value) => value.decision !== 'REJECT' || value.reason, { message: 'Say why the request is rejected.', path: ['reason'] })
  .openapi('ReviewDecision');
