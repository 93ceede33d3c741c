import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { AuditQuerySchema, AuditRecordSchema, NotificationSchema, PageQuerySchema, errorResponses, jsonResponse, pageOf } from '../schemas.js';
import { parseEntityRef, readAuditTrail, readNotifications } from '../services/audit.js';
import { bearer, createRouter } from './router.js';

export function auditRoutes(deps: AppDeps) {
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

export function notificationRoutes(deps: AppDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'get', path: '/', tags: ['Notifications'], security: bearer, summary: 'My organisation’s inbox, newest first',
      request: { query: PageQuerySchema },
      responses: { 200: jsonResponse(pageOf(NotificationSchema, 'NotificationPage'), 'Newest first'), ...errorResponses },
    }),
    async (c) => c.json(await readNotifications(deps, c.get('principal'), c.req.valid('query')), 200),
  );
}
