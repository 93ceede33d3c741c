import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { AuditQuerySchema, parseEntityRef, readAuditTrail } from '@sharedtech/services';
import { EntityRefSchema, errorResponses, jsonResponse } from '../openapi.js';
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

const AuditChainSchema = z
  .object({
    entity: z.string(),
    chained: z.number().int(),
    preChain: z.number().int().openapi({ description: 'Records written before the hash chain existed: counted, not verifiable.' }),
    head: z.string(),
    ok: z.boolean(),
    broken: z.object({ seq: z.number().int(), id: z.string().optional(), sk: z.string(), reason: z.string() }).optional(),
  })
  .openapi('AuditChainVerification', { description: 'Associations only: whether each record’s SHA-256 links to the one before it.' });

const AuditPageSchema = z
  .object({ items: z.array(AuditRecordSchema), nextCursor: z.string().nullable(), chain: AuditChainSchema.optional() })
  .openapi('AuditPage');

/** `/v1/audit`: the append-only trail of one entity, for associations and the entity's parties. */
export function auditRoutes(deps: ApiDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'get', path: '/', tags: ['Audit'], security: bearer, summary: 'Audit trail of an entity (associations and parties)',
      request: { query: AuditQuerySchema },
      responses: { 200: jsonResponse(AuditPageSchema, 'Oldest first'), ...errorResponses },
    }),
    async (c) => {
      const { entity, cursor, limit } = c.req.valid('query');
      return c.json(await readAuditTrail(deps, c.get('principal'), parseEntityRef(entity), { cursor, limit }), 200);
    },
  );
}
