import { createRoute, z } from '@hono/zod-openapi';
import { bookingSchema, resourceSchema } from '@sharedtech/core';
import {
  BookResourceSchema, PageQuerySchema, ReasonSchema, RegisterResourceSchema, ResourceListQuerySchema,
  ResourceStatsQuerySchema, actOnBooking, bookResource, listBookings, listResources, readBooking, readResource, registerResource, resourceStatistics,
} from '@sharedtech/services';
import type { ApiDeps } from '../deps.js';
import { errorResponses, idParam, jsonBody, jsonResponse, pageOf } from '../openapi.js';
import { bearer, createRouter } from './router.js';

export const ResourceSchema = resourceSchema.omit({ version: true }).openapi('SharedResource');

const ResourceDetailSchema = ResourceSchema.extend({
  usage: z.object({ approvedBookings: z.number().int(), bookedHours: z.number().int() }),
  takenSlots: z.array(z.string()).openapi({ description: 'Hours booked (pending or approved) in the next seven days, as Asia/Shanghai wall hours `yyyy-mm-ddTHH`.' }),
}).openapi('SharedResourceDetail');

export const BookingSchema = bookingSchema
  .omit({ version: true })
  .extend({ slots: z.array(z.string()).openapi({ description: 'The booked hours as Asia/Shanghai wall hours `yyyy-mm-ddTHH`.' }) })
  .openapi('Booking');

const UsageStatsSchema = z
  .object({
    cluster: z.string().optional(),
    orgId: z.string().optional(),
    resources: z.number().int().openapi({ description: 'Resources registered.' }),
    approvedBookings: z.number().int().openapi({ description: 'Bookings now APPROVED.' }),
    bookedHours: z.number().int().openapi({ description: 'Hours of the APPROVED bookings.' }),
  })
  .openapi('ResourceUsageStatistics');

const tags = ['Shared resources'];
const ResourceIdParam = idParam('resource');
const BookingParams = z.object({ ...idParam('resource').shape, ...idParam('booking', 'bookingId').shape });

/** `/v1/resources`: labs, equipment, sites and data sets shared in the consortium, and their bookings. */
export function resourceRoutes(deps: ApiDeps) {
  const step = (action: 'approve' | 'decline' | 'cancel', summary: string) =>
    createRoute({
      method: 'post', path: `/{id}/bookings/{bookingId}/${action}`, tags, security: bearer, summary,
      request: { params: BookingParams, body: { ...jsonBody(ReasonSchema), required: false } },
      responses: { 200: jsonResponse(BookingSchema, 'The booking in its new state'), ...errorResponses },
    });
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/', tags, security: bearer, summary: 'Member of a verified organisation: register a shared resource',
        request: { body: jsonBody(RegisterResourceSchema) },
        responses: { 201: jsonResponse(ResourceSchema, 'The resource'), ...errorResponses },
      }),
      async (c) => c.json(await registerResource(deps, c.get('principal'), c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/', tags, security: bearer, summary: 'Shared resources, newest first; by type, cluster, or your own',
        request: { query: ResourceListQuerySchema },
        responses: { 200: jsonResponse(pageOf(ResourceSchema, 'SharedResourcePage'), 'A page of resources'), ...errorResponses },
      }),
      async (c) => c.json(await listResources(deps, c.get('principal'), c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/stats', tags, security: bearer, summary: 'Resources, approved bookings and booked hours: your organisation’s, or a cluster’s',
        request: { query: ResourceStatsQuerySchema },
        responses: { 200: jsonResponse(UsageStatsSchema, 'The figures'), ...errorResponses },
      }),
      async (c) => c.json(await resourceStatistics(deps, c.get('principal'), c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}', tags, security: bearer, summary: 'A resource with its usage and the hours taken in the next seven days',
        request: { params: ResourceIdParam },
        responses: { 200: jsonResponse(ResourceDetailSchema, 'The resource'), ...errorResponses },
      }),
      async (c) => c.json(await readResource(deps, c.get('principal'), c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/bookings', tags, security: bearer,
        summary: 'Member of a verified organisation: book whole hours (at most 72); taken hours are a 409 SLOT_TAKEN',
        request: { params: ResourceIdParam, body: jsonBody(BookResourceSchema) },
        responses: { 201: jsonResponse(BookingSchema, 'The booking, PENDING until the owner decides'), ...errorResponses },
      }),
      async (c) => c.json(await bookResource(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/bookings', tags, security: bearer, summary: 'Bookings of a resource, newest first: all for its owner and associations, your own otherwise',
        request: { params: ResourceIdParam, query: PageQuerySchema },
        responses: { 200: jsonResponse(pageOf(BookingSchema, 'BookingPage'), 'A page of bookings'), ...errorResponses },
      }),
      async (c) => c.json(await listBookings(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/bookings/{bookingId}', tags, security: bearer, summary: 'A booking (its booker, the resource’s owner, associations)',
        request: { params: BookingParams },
        responses: { 200: jsonResponse(BookingSchema, 'The booking'), ...errorResponses },
      }),
      async (c) => c.json(await readBooking(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('param').bookingId), 200),
    )
    .openapi(step('approve', 'Resource owner: approve a pending booking'), async (c) =>
      c.json(await actOnBooking(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('param').bookingId, 'approve', { reason: c.req.valid('json')?.reason }), 200))
    .openapi(step('decline', 'Resource owner: decline a pending booking (its hours are freed)'), async (c) =>
      c.json(await actOnBooking(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('param').bookingId, 'decline', { reason: c.req.valid('json')?.reason }), 200))
    .openapi(step('cancel', 'Booker or owner: cancel a pending or approved booking (its hours are freed)'), async (c) =>
      c.json(await actOnBooking(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('param').bookingId, 'cancel', { reason: c.req.valid('json')?.reason }), 200));
}

