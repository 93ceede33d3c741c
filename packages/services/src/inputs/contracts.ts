import { idSchema } from './common.js';
import { z } from './zod.js';

export const OrgShareSchema = z.object({ orgId: idSchema('org'), bps: z.number().int().min(0).max(10_000) }).strict().openapi('OrgShare');

export const ShareAgreementSchema = z
  .object({
    benefitShares: z.array(OrgShareSchema).min(1).max(4),
    riskShares: z.array(OrgShareSchema).min(1).max(4),
    ipOwnership: z.enum(['ENTERPRISE', 'COLLEGE', 'JOINT']),
    subsidy: z.object({ orgId: idSchema('org'), bps: z.number().int().min(1).max(9_999) }).strict().optional(),
  })
  .strict()
  .openapi('ShareAgreement');

export const AwardSchema = z
  .object({
    bidId: idSchema('bid'),
    shares: ShareAgreementSchema,
    reviewWindowDays: z.number().int().min(1).max(90).optional().openapi({ description: 'Days the enterprise has to accept or dispute a submitted milestone (default 14).' }),
  })
  .strict()
  .openapi('Award');
