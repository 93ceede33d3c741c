import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { AuditQuerySchema, parseEntityRef, readAuditTrail } from '@sharedtech/services';
import { EntityRefSchema, errorResponses, jsonResponse, pageOf } from '../openapi.js';
import { bearer, createRouter } from './router.js';

export const AuditRecordSchema = z
  .object({
    id: z.string(),
    entity: EntityRefSchema,
    action: z.string(),
    actor: z.object({ sub: z.string(), orgId: z.string().optional() }),
    before: z.string().optional(),
    after: z.string().optional(),
    at: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('AuditRecord');

/** `/v1/audit`: the append-only trail of one entity, for associations and the entity's parties. */
export function auditRoutes(deps: ApiDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'get', path: '/', tags: ['Audit'], security: bearer, summary: 'Audit trail of an entity (associations and parties)',
      request: { query: AuditQuerySchema },
      responses: { 200: jsonResponse(pageOf(AuditRecordSchema, 'AuditPage'), 'Oldest first'), ...errorResponses },
    }),
    async (c) => {
      const { entity, cursor, limit } = c.req.valid('query');
      return c.json(await readAuditTrail(deps, c.get('principal'), parseEntityRef(entity), { cursor, limit }), 200);
    },
  );
}
