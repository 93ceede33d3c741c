import { DevSubjectSchema } from '@sharedtech/identity';
import { errorResponses, jsonBody, jsonResponse } from '../openapi.js';
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from './router.js';

// The subject rule is identity's (the sign-in form uses it too); the example is this document's.
const DevTokenRequestBody = z.object({ sub: DevSubjectSchema }).strict().openapi('DevTokenRequest', { example: { sub: 'demo-enterprise' } });

const DevTokenSchema = z.object({ token: z.string(), sub: z.string(), tokenType: z.literal('Bearer') }).openapi('DevToken');

/** Local mode only: mint a token for any identity so people and tests can act as anyone. */
export function devRoutes(issueDevToken: (sub: string) => Promise<string>) {
  return createRouter().openapi(
    createRoute({
      method: 'post', path: '/token', tags: ['Local development'], summary: 'Mint a signed JWT for an identity (local mode only)',
      request: { body: jsonBody(DevTokenRequestBody) },
      responses: { 200: jsonResponse(DevTokenSchema, 'A bearer token valid for 12 hours'), 400: errorResponses[400] },
    }),
    async (c) => {
      const { sub } = c.req.valid('json');
      return c.json({ token: await issueDevToken(sub), sub, tokenType: 'Bearer' as const }, 200);
    },
  );
}
