import { AFFILIATION_STATUSES, MEMBER_ROLES, ORG_STATUSES, ORG_TYPES } from '@sharedtech/core';
import { z } from '@hono/zod-openapi';

// In a module of their own (no use cases): the reference of `/v1/me` describes its answer with them.

export const OrganisationSchema = z
  .object({
    id: z.string(),
    type: z.enum(ORG_TYPES),
    name: z.string(),
    status: z.enum(ORG_STATUSES),
    cluster: z.string().optional(),
    collegeId: z.string().optional(),
    capabilities: z.array(z.string()),
    statusReason: z.string().optional(),
    creditCode: z.string().optional().openapi({ description: 'Unified social credit code (统一社会信用代码) of an enterprise, college or government body.' }),
    description: z.string().optional(),
    contact: z.object({ person: z.string().optional(), phone: z.string().optional(), email: z.string().optional() }).optional(),
    address: z.string().optional(),
    affiliation: z.enum(AFFILIATION_STATUSES).optional().openapi({ description: 'A studio’s link to the college it names: its college is a party to its contracts only once ACCEPTED.' }),
    affiliationReason: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Organisation');

export const MembershipSchema = z
  .object({ sub: z.string(), orgId: z.string(), role: z.enum(MEMBER_ROLES), displayName: z.string().optional(), joinedAt: z.string() })
  .openapi('Membership');
