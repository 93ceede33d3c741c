import { CONTRACT_STATUSES, IP_OWNERSHIP } from '@sharedtech/core';
import { ClusterSchema, PageQuerySchema, idSchema } from './common.js';
import { RegistrationInputSchema } from './registrations.js';
import { z } from './zod.js';

export const OrgShareSchema = z.object({ orgId: idSchema('org'), bps: z.number().int().min(0).max(10_000) }).strict().openapi('OrgShare');

export const ShareAgreementSchema = z
  .object({
    benefitShares: z.array(OrgShareSchema).min(1).max(12),
    riskShares: z.array(OrgShareSchema).min(1).max(12),
    ipOwnership: z.enum(IP_OWNERSHIP),
    subsidy: z.object({ orgId: idSchema('org'), bps: z.number().int().min(1).max(9_999) }).strict().optional(),
    termYears: z.number().int().min(1).max(20).optional().openapi({ description: 'Years after the contract ends during which benefits are still reported (default 3).' }),
  })
  .strict()
  .openapi('ShareAgreement');

export const AwardSchema = z
  .object({
    bidId: idSchema('bid'),
    shares: ShareAgreementSchema,
    reviewWindowDays: z.number().int().min(1).max(90).optional().openapi({ description: 'Days the enterprise has to accept or dispute a submitted milestone (default 14).' }),
    registration: RegistrationInputSchema.optional().openapi({ description: '技术合同认定登记: the contract type and the technology transaction amount (at most the price).' }),
    mentorPersonId: idSchema('person').optional().openapi({ description: 'The enterprise mentor (企业导师): an engineer of your organisation’s roster.' }),
  })
  .strict()
  .openapi('Award');

/** `GET /v1/contracts` filters: associations list every contract; others their own, filtered the same way. */
export const ContractListQuerySchema = PageQuerySchema.extend({
  status: z.enum(CONTRACT_STATUSES).optional(),
  cluster: ClusterSchema.optional(),
  overdue: z.enum(['true', 'false']).optional().openapi({ description: 'Only ACTIVE contracts with a milestone past its due date, earliest due first.' }),
});
