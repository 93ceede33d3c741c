import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { markNotificationsRead, MarkNotificationsReadSchema, PageQuerySchema, readNotifications } from '@sharedtech/services';
import { EntityRefSchema, errorResponses, jsonBody, jsonResponse } from '../openapi.js';
import { bearer, createRouter } from './router.js';

export const NotificationSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    entity: EntityRefSchema,
    params: z.record(z.string(), z.union([z.string(), z.number()])),
    at: z.string(),
    read: z.boolean().openapi({ description: 'Whether the caller has read it (each member of an organisation has their own read state).' }),
  })
  .openapi('Notification');

const unreadShape = {
  readUpTo: z.string().nullable().openapi({ description: 'The newest notification the caller has read; null when none yet.' }),
  unreadCount: z.number().int().min(0).openapi({ description: 'Notifications newer than `readUpTo`, counted up to 99.' }),
  unreadCountCapped: z.boolean().openapi({ description: 'True when there are more unread notifications than `unreadCount` ("99+").' }),
};

export const NotificationPageSchema = z
  .object({ items: z.array(NotificationSchema), nextCursor: z.string().nullable(), ...unreadShape })
  .openapi('NotificationPage');

export const NotificationReadStateSchema = z.object(unreadShape).openapi('NotificationReadState');

/** `/v1/notifications`: the caller organisation's inbox with the caller's own read state. */
export function notificationRoutes(deps: ApiDeps) {
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
