import { createRoute } from '@hono/zod-openapi';
import { invitationSchema } from '@sharedtech/core';
import {
  DeclineInvitationSchema, InviteStudioSchema, PageQuerySchema, declineInvitation, inviteStudio, listMyInvitations, listRequestInvitations,
} from '@sharedtech/services';
import type { ApiDeps } from '../deps.js';
import { errorResponses, idParam, jsonBody, jsonResponse, pageOf } from '../openapi.js';
import { bearer, createRouter } from './router.js';

/** An invitation as stored (core's schema), without its version. */
export const InvitationSchema = invitationSchema.omit({ version: true }).openapi('Invitation');

const InvitationPageSchema = pageOf(InvitationSchema, 'InvitationPage');
const RequestIdParam = idParam('request');
const InvitationIdParam = idParam('invitation');
const tags = ['Invitations'];

/** `/v1/requests/{id}/invitations`: the owner of an OPEN request invites verified studios to bid. */
export function requestInvitationRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/invitations', tags, security: bearer, summary: 'Request owner: invite a verified studio to bid on an OPEN request (once per studio)',
        request: { params: RequestIdParam, body: jsonBody(InviteStudioSchema) },
        responses: { 201: jsonResponse(InvitationSchema, 'The invitation, PENDING'), ...errorResponses },
      }),
      async (c) => c.json(await inviteStudio(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/invitations', tags, security: bearer, summary: 'Request owner and associations: the studios invited to bid, newest first',
        request: { params: RequestIdParam, query: PageQuerySchema },
        responses: { 200: jsonResponse(InvitationPageSchema, 'A page of invitations'), ...errorResponses },
      }),
      async (c) => c.json(await listRequestInvitations(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query')), 200),
    );
}

/** `/v1/invitations`: a studio's invitations, and declining one. */
export function invitationRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get', path: '/', tags, security: bearer, summary: 'Verified studio: invitations to bid it received, newest first',
        request: { query: PageQuerySchema },
        responses: { 200: jsonResponse(InvitationPageSchema, 'A page of invitations'), ...errorResponses },
      }),
      async (c) => c.json(await listMyInvitations(deps, c.get('principal'), c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/decline', tags, security: bearer, summary: 'The invited studio: decline, with a reason the owner is told',
        request: { params: InvitationIdParam, body: jsonBody(DeclineInvitationSchema) },
        responses: { 200: jsonResponse(InvitationSchema, 'The invitation, DECLINED'), ...errorResponses },
      }),
      async (c) => c.json(await declineInvitation(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json').reason), 200),
    );
}
