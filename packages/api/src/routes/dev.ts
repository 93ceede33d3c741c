import { createRoute, z } from '@hono/zod-openapi';
import { jsonBody, jsonResponse, errorResponses } from '../schemas.js';
import { createRouter } from './router.js';

export const DevTokenRequestSchema = z
  .object({ sub: z.string().trim().min(1).max(128).regex(/^[\w.@:-]+$/, 'Use letters, digits and . _ @ : -').openapi({ example: 'demo-enterprise' }) })
  .strict()
  .openapi('DevTokenRequest');

const DevTokenSchema = z.object({ token: z.string(), sub: z.string(), tokenType: z.literal('Bearer') }).openapi('DevToken');

/** Local mode only: mint a token for any identity so people and tests can act as anyone. */
export function devRoutes(issueDevToken: (sub: string) => Promise<string>) {
  return createRouter().openapi(
    createRoute({
      method: 'post', path: '/token', tags: ['Local development'], summary: 'Mint a signed JWT for an identity (local mode only)',
      request: { body: jsonBody(DevTokenRequestSchema) },
      responses: { 200: jsonResponse(DevTokenSchema, 'A bearer token valid for 12 hours'), 400: errorResponses[400] },
    }),
    async (c) => {
      const { sub } = c.req.valid('json');
      return c.json({ token: await issueDevToken(sub), sub, tokenType: 'Bearer' as const }, 200);
    },
  );
}
