import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import {
  AuditQuerySchema, AuditRecordSchema, MarkNotificationsReadSchema, NotificationPageSchema, NotificationReadStateSchema, PageQuerySchema,
  errorResponses, jsonBody, jsonResponse, pageOf,
} from '../schemas.js';
import { parseEntityRef, readAuditTrail } from '../services/audit.js';
import { markNotificationsRead, readNotifications } from '../services/notifications.js';
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
  return createRouter()
    .openapi(
      createRoute({
        method: 'get', path: '/', tags: ['Notifications'], security: bearer,
        summary: 'My organisation’s inbox, newest first, each with my read state, and how many I have not read',
        request: { query: PageQuerySchema },
        responses: { 200: jsonResponse(NotificationPageSchema, 'Newest first'), ...errorResponses },
      }),
      async (c) => c.json(await readNotifications(deps, c.get('principal'), c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'post', path: '/read', tags: ['Notifications'], security: bearer,
        summary: 'Mark my inbox as read up to a notification (default: the newest); never moves backwards',
        request: { body: { ...jsonBody(MarkNotificationsReadSchema), required: false } },
        responses: { 200: jsonResponse(NotificationReadStateSchema, 'My read state afterwards'), ...errorResponses },
      }),
      async (c) => c.json(await markNotificationsRead(deps, c.get('principal'), (c.req.valid('json') ?? {}).upTo), 200),
    );
}
