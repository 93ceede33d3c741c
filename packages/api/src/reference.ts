import { createRoute, z } from '@hono/zod-openapi';
import { API_VERSION, healthOf } from './health.js';
import type { ApiDeps } from './deps.js';
import { documentCommonResponses, errorResponses, jsonResponse } from './openapi.js';
import { mountRouteModules, ROUTE_MODULES } from './route-table.js';
import { devRoutes } from './routes/dev.js';
import { MembershipSchema, OrganisationSchema } from './routes/organisation-schemas.js';
import { bearer, createRouter } from './routes/router.js';

const HealthSchema = z.object({ status: z.literal('ok'), version: z.string(), time: z.string() }).openapi('Health');

export const MeSchema = z
  .object({ sub: z.string(), membership: MembershipSchema.nullable(), organisation: OrganisationSchema.nullable() })
  .openapi('Me');

/**
 * `/openapi.json`: every route module mounted on one router, only to describe
 * them (the requests themselves are served per resource, see ./app.ts). Built
 * on the first request for the document, never at start-up.
 */
export async function referenceDocumentApp(deps: ApiDeps) {
  const reference = createRouter();
  if (deps.issueDevToken) reference.route('/dev', devRoutes(deps.issueDevToken));
  // `/v1/me` and `/health` take no input and are served without the validation layer (routes/me.ts, app.ts): described here.
  reference.openAPIRegistry.registerPath(
    createRoute({
      method: 'get', path: '/v1/me', tags: ['Identity'], security: bearer, summary: 'Who am I: identity, membership and organisation',
      responses: { 200: jsonResponse(MeSchema, 'The caller'), ...errorResponses },
    }),
  );
  await mountRouteModules(reference, ROUTE_MODULES, deps);
  // Listed last in the reference, after the marketplace's own operations.
  reference.openapi(
    createRoute({
      method: 'get', path: '/health', tags: ['Service'], summary: 'Is the service up (no database read)',
      responses: { 200: jsonResponse(HealthSchema, 'Up') },
    }),
    (c) => c.json(healthOf(deps), 200),
  );
  documentCommonResponses(reference.openAPIRegistry);
  reference.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  reference.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'SharedTech Marketplace API',
      version: API_VERSION,
      description: 'Shared-technology service marketplace of a city-level industry–education consortium (市域产教联合体共性技术服务平台).',
    },
  });
  return reference;
}
