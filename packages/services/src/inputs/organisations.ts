import { MEMBER_ROLES, ORG_STATUSES, ORG_TYPES, SELF_SERVICE_ORG_TYPES, VERIFICATION_DECISIONS } from '@sharedtech/core';
import { ClusterSchema, PageQuerySchema, TagSchema, idSchema } from './common.js';
import { z } from './zod.js';

const CapabilitySchema = TagSchema;

export const RegisterOrganisationSchema = z
  .object({
    type: z.enum(SELF_SERVICE_ORG_TYPES),
    name: z.string().trim().min(2).max(100),
    cluster: ClusterSchema.optional(),
    collegeId: idSchema('org').optional(),
    capabilities: z.array(CapabilitySchema).max(20).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.type === 'STUDIO' && !value.collegeId) {
      ctx.addIssue({ code: 'custom', path: ['collegeId'], message: 'A studio must name the college it belongs to.' });
    }
    if (value.type !== 'STUDIO' && value.collegeId) {
      ctx.addIssue({ code: 'custom', path: ['collegeId'], message: 'Only a studio belongs to a college.' });
    }
  })
  .openapi('RegisterOrganisation');

export const VerificationSchema = z
  .object({ decision: z.enum(VERIFICATION_DECISIONS), reason: z.string().trim().min(1).max(500).optional() })
  .strict()
  .openapi('VerificationDecision');

export const AddMemberSchema = z
  .object({
    sub: z.string().trim().min(1).max(128),
    role: z.enum(MEMBER_ROLES).default('MEMBER'),
    displayName: z.string().trim().min(1).max(60).optional(),
  })
  .strict()
  .openapi('AddMember');

export const ChangeMemberRoleSchema = z.object({ role: z.enum(MEMBER_ROLES) }).strict().openapi('ChangeMemberRole');

export const OrgListQuerySchema = PageQuerySchema.extend({
  status: z.enum(ORG_STATUSES).optional(),
  type: z.enum(ORG_TYPES).optional(),
});
