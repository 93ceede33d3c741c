import { createRoute, z } from '@hono/zod-openapi';
import { publicOrganisation } from '@sharedtech/core';
import { errorResponses, jsonResponse } from '../openapi.js';
import { MembershipSchema, OrganisationSchema } from './organisation-schemas.js';
import { bearer, createRouter } from './router.js';

export const MeSchema = z
  .object({
    sub: z.string(),
    membership: MembershipSchema.nullable(),
    organisation: OrganisationSchema.nullable(),
  })
  .openapi('Me');

/** `GET /v1/me`: who the caller is, from what authentication already read (no further read). */
export function meRoutes() {
  return createRouter().openapi(
    createRoute({
      method: 'get', path: '/', tags: ['Identity'], security: bearer, summary: 'Who am I: identity, membership and organisation',
      responses: { 200: jsonResponse(MeSchema, 'The caller'), ...errorResponses },
    }),
    (c) => {
      const { sub, membership, org } = c.get('principal');
      return c.json({ sub, membership: membership ?? null, organisation: org ? publicOrganisation(org) : null }, 200);
    },
  );
}
