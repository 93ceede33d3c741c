import { createRoute, z } from '@hono/zod-openapi';
import { appointmentSchema } from '@sharedtech/core';
import {
  AppointmentListQuerySchema, AppointmentStatsQuerySchema, ProposeAppointmentSchema, ReasonSchema, actOnAppointment, appointmentStatistics,
  listAppointments, proposeAppointment, readAppointment,
} from '@sharedtech/services';
import type { ApiDeps } from '../deps.js';
import { errorResponses, idParam, jsonBody, jsonResponse, pageOf } from '../openapi.js';
import { bearer, createRouter } from './router.js';

export const AppointmentSchema = appointmentSchema
  .omit({ version: true })
  .extend({
    awaitingOrgId: z.string().optional().openapi({ description: 'While PROPOSED: the organisation whose confirmation is awaited.' }),
    startDate: z.string().openapi({ description: 'Asia/Shanghai calendar date, inclusive.' }),
    canConfirm: z.boolean().openapi({ description: 'Whether the caller may confirm or decline it now.' }),
    canEnd: z.boolean(),
  })
  .openapi('Appointment');

const AppointmentStatsSchema = z
  .object({
    cluster: z.string().optional(),
    orgId: z.string().optional(),
    active: z.number().int().openapi({ description: 'Appointments now ACTIVE.' }),
    hoursPerMonth: z.number().int().openapi({ description: 'Hours per month of the ACTIVE appointments.' }),
  })
  .openapi('AppointmentStatistics');

const tags = ['Appointments'];
const AppointmentIdParam = idParam('appointment');

/** `/v1/appointments`: talent mutual employment (人才互聘) between enterprises and colleges. */
export function appointmentRoutes(deps: ApiDeps) {
  const step = (action: 'confirm' | 'decline' | 'end', summary: string) =>
    createRoute({
      method: 'post', path: `/{id}/${action}`, tags, security: bearer, summary,
      request: { params: AppointmentIdParam, body: { ...jsonBody(ReasonSchema), required: false } },
      responses: { 200: jsonResponse(AppointmentSchema, 'The appointment in its new state'), ...errorResponses },
    });
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/', tags, security: bearer,
        summary: 'Owner of a verified enterprise, college or studio: propose an appointment to an organisation of the other side',
        request: { body: jsonBody(ProposeAppointmentSchema) },
        responses: { 201: jsonResponse(AppointmentSchema, 'The appointment, PROPOSED until the other organisation confirms'), ...errorResponses },
      }),
      async (c) => c.json(await proposeAppointment(deps, c.get('principal'), c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/', tags, security: bearer,
        summary: 'Appointments, newest first: your organisation’s; a cluster’s for its associations and government bodies',
        request: { query: AppointmentListQuerySchema },
        responses: { 200: jsonResponse(pageOf(AppointmentSchema, 'AppointmentPage'), 'A page of appointments'), ...errorResponses },
      }),
      async (c) => c.json(await listAppointments(deps, c.get('principal'), c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/stats', tags, security: bearer,
        summary: 'Active appointments and their hours per month: your organisation’s, or a cluster’s',
        request: { query: AppointmentStatsQuerySchema },
        responses: { 200: jsonResponse(AppointmentStatsSchema, 'The figures'), ...errorResponses },
      }),
      async (c) => c.json(await appointmentStatistics(deps, c.get('principal'), c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}', tags, security: bearer, summary: 'Read an appointment (its two organisations, associations, the cluster’s government bodies)',
        request: { params: AppointmentIdParam },
        responses: { 200: jsonResponse(AppointmentSchema, 'The appointment'), ...errorResponses },
      }),
      async (c) => c.json(await readAppointment(deps, c.get('principal'), c.req.valid('param').id), 200),
    )
    .openapi(step('confirm', 'Owner of the organisation asked: confirm a proposed appointment (it becomes ACTIVE)'), async (c) =>
      c.json(await actOnAppointment(deps, c.get('principal'), c.req.valid('param').id, 'confirm', { reason: c.req.valid('json')?.reason }), 200))
    .openapi(step('decline', 'Owner of the organisation asked: decline a proposed appointment'), async (c) =>
      c.json(await actOnAppointment(deps, c.get('principal'), c.req.valid('param').id, 'decline', { reason: c.req.valid('json')?.reason }), 200))
    .openapi(step('end', 'Owner of either organisation: end an ACTIVE appointment early'), async (c) =>
      c.json(await actOnAppointment(deps, c.get('principal'), c.req.valid('param').id, 'end', { reason: c.req.valid('json')?.reason }), 200));
}
