import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, jsonResponse } from '../openapi.js';
import { answerMe } from './me.js';
import { MembershipSchema, OrganisationSchema } from './organisation-schemas.js';
import { bearer, createRouter } from './router.js';

export const MeSchema = z
  .object({
    sub: z.string(),
    membership: MembershipSchema.nullable(),
    organisation: OrganisationSchema.nullable(),
  })
  .openapi('Me');

/** `GET /v1/me` as the reference describes it; requests are served by ./me.ts, which answers the same. */
export function meReference() {
  return createRouter().openapi(
    createRoute({
      method: 'get', path: '/', tags: ['Identity'], security: bearer, summary: 'Who am I: identity, membership and organisation',
      responses: { 200: jsonResponse(MeSchema, 'The caller'), ...errorResponses },
    }),
    answerMe,
  );
}
