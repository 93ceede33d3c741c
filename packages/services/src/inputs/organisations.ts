import {
  AFFILIATION_DECISIONS, MEMBER_ROLES, ORG_STATUSES, ORG_TYPES, SELF_SERVICE_ORG_TYPES, VERIFICATION_DECISIONS, creditCodeProblem, needsCreditCode,
  normaliseCreditCode,
} from '@sharedtech/core';
import { ClusterSchema, PageQuerySchema, TagSchema, idSchema } from './common.js';
import { z } from './zod.js';

const CapabilitySchema = TagSchema;

const CREDIT_CODE_MESSAGES = {
  LENGTH: 'A unified social credit code has 18 characters.',
  CHARACTERS: 'A unified social credit code uses digits and capital letters other than I, O, Z, S and V.',
  DIVISION: 'Characters 3 to 8 of a unified social credit code are the administrative division code (digits).',
  CHECKSUM: 'The last character does not match the code (GB 32100-2015 check character); check for a typing mistake.',
} as const;

/** 统一社会信用代码: spaces, hyphens and lower case are forgiven; the GB 32100-2015 check character is not. */
export const CreditCodeSchema = z
  .string()
  .max(40)
  .transform(normaliseCreditCode)
  .superRefine((code, ctx) => {
    const problem = creditCodeProblem(code);
    if (problem) ctx.addIssue({ code: 'custom', message: CREDIT_CODE_MESSAGES[problem], params: { reason: `CREDIT_CODE_${problem}` } });
  })
  .openapi({ example: '91350100M000100Y43', description: 'Unified social credit code (统一社会信用代码), 18 characters, GB 32100-2015.' });

const ProfileText = (max: number) => z.string().trim().max(max);
export const ContactSchema = z
  .object({
    person: ProfileText(60).optional(),
    phone: z.string().trim().max(30).regex(/^[0-9+\-() ]*$/, 'Use digits, spaces, "+", "-" or brackets.').optional(),
    email: z.union([z.literal(''), z.string().trim().max(254).pipe(z.email())]).optional(),
  })
  .strict()
  .openapi('OrganisationContact');

/** What registration and the profile share: description, contact and address (empty text clears a field). */
const profileFields = {
  description: ProfileText(2000).optional(),
  contact: ContactSchema.optional(),
  address: ProfileText(200).optional(),
};

export const RegisterOrganisationSchema = z
  .object({
    type: z.enum(SELF_SERVICE_ORG_TYPES),
    name: z.string().trim().min(2).max(100),
    cluster: ClusterSchema.optional(),
    collegeId: idSchema('org').optional(),
    capabilities: z.array(CapabilitySchema).max(20).optional(),
    creditCode: CreditCodeSchema.optional(),
    ...profileFields,
  })
  .strict()
  .superRefine((value, ctx) => {
    if (needsCreditCode(value.type) && !value.creditCode) {
      ctx.addIssue({ code: 'custom', path: ['creditCode'], message: 'An enterprise, college or government body registers with its unified social credit code.' });
    }
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

export const ChangeMemberRoleSchema = z.object({ role: z.enum(MEMBER_ROLES) }).strict().openapi('ChangeMemberRole');

export const OrgListQuerySchema = PageQuerySchema.extend({
  status: z.enum(ORG_STATUSES).optional(),
  type: z.enum(ORG_TYPES).optional(),
});

/** An owner's edit of the profile: only the fields given change; `expectedUpdatedAt` (the profile as read) refuses an edit over someone else's. */
export const UpdateOrganisationSchema = z
  .object({
    ...profileFields,
    cluster: z.union([z.literal(''), ClusterSchema]).optional(),
    capabilities: z.array(CapabilitySchema).max(20).optional(),
    expectedUpdatedAt: z.string().max(40).optional().openapi({ description: 'The `updatedAt` of the profile the edit started from; a 409 if it changed since.' }),
  })
  .strict()
  .refine((value) => Object.keys(value).some((field) => field !== 'expectedUpdatedAt'), {
    message: 'Change at least one field.',
    // Said only of an otherwise valid body: an unknown field is its own issue.
    when: (payload) => payload.issues.length === 0,
  })
  .openapi('UpdateOrganisation');

export const AffiliationDecisionSchema = z
  .object({ decision: z.enum(AFFILIATION_DECISIONS), reason: z.string().trim().min(1).max(500).optional() })
  .strict()
  .openapi('AffiliationDecision');

export const CreateMemberInvitationSchema = z
  .object({ role: z.enum(MEMBER_ROLES).default('MEMBER'), displayName: z.string().trim().min(1).max(60) })
  .strict()
  .openapi('CreateMemberInvitation');

export const AcceptMemberInvitationSchema = z
  .object({ code: z.string().trim().min(1).max(200) })
  .strict()
  .openapi('AcceptMemberInvitation');
