import { createRoute, z } from '@hono/zod-openapi';
import { MEMBER_INVITATION_VIEWS, memberInvitationSchema } from '@sharedtech/core';
import {
  AcceptMemberInvitationSchema, CreateMemberInvitationSchema, PageQuerySchema, acceptMemberInvitation, createMemberInvitation, listMemberInvitations,
  revokeMemberInvitation,
} from '@sharedtech/services';
import type { ApiDeps } from '../deps.js';
import { errorResponses, idParam, jsonBody, jsonResponse, pageOf } from '../openapi.js';
import { MembershipSchema } from './organisation-schemas.js';
import { bearer, createRouter } from './router.js';

export const MemberInvitationSchema = memberInvitationSchema
  .omit({ codeHash: true, version: true })
  .extend({ status: z.enum(MEMBER_INVITATION_VIEWS) })
  .openapi('MemberInvitation');

export const NewMemberInvitationSchema = MemberInvitationSchema.extend({
  code: z.string().openapi({ description: 'The one-time code, shown this once (only its hash is stored).' }),
  link: z.string().openapi({ description: 'The page where the invited person, signed in, accepts the code.' }),
}).openapi('NewMemberInvitation');

const tags = ['Organisations'];
const OrgIdParam = idParam('org', 'orgId');
const InvitationParams = OrgIdParam.extend({ invitationId: idParam('memberInvitation', 'invitationId').shape.invitationId });

/** `/v1/orgs/{orgId}/member-invitations`: owners invite, list and revoke. */
export function orgMemberInvitationRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/{orgId}/member-invitations', tags, security: bearer, summary: 'Owner: invite someone to join (one-time code, valid 7 days)',
        request: { params: OrgIdParam, body: jsonBody(CreateMemberInvitationSchema) },
        responses: { 201: jsonResponse(NewMemberInvitationSchema, 'The invitation with its code, shown once'), ...errorResponses },
      }),
      async (c) => c.json(await createMemberInvitation(deps, c.get('principal'), c.req.valid('param').orgId, c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{orgId}/member-invitations', tags, security: bearer, summary: 'Owner: the organisation’s member invitations, newest first',
        request: { params: OrgIdParam, query: PageQuerySchema },
        responses: { 200: jsonResponse(pageOf(MemberInvitationSchema, 'MemberInvitationPage'), 'A page of invitations'), ...errorResponses },
      }),
      async (c) => c.json(await listMemberInvitations(deps, c.get('principal'), c.req.valid('param').orgId, c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'delete', path: '/{orgId}/member-invitations/{invitationId}', tags, security: bearer, summary: 'Owner: revoke an open invitation (its code stops working)',
        request: { params: InvitationParams },
        responses: { 200: jsonResponse(MemberInvitationSchema, 'The invitation, REVOKED'), ...errorResponses },
      }),
      async (c) => {
        const { orgId, invitationId } = c.req.valid('param');
        return c.json(await revokeMemberInvitation(deps, c.get('principal'), orgId, invitationId), 200);
      },
    );
}

/** `/v1/member-invitations/accept`: the invited person, signed in, joins with the code. */
export function memberInvitationRoutes(deps: ApiDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'post', path: '/accept', tags, security: bearer, summary: 'Accept a member invitation with its code (the caller becomes a member)',
      description: 'A used, revoked or expired code is a 409 (`INVITATION_USED`, `INVITATION_REVOKED`, `INVITATION_EXPIRED`); an unknown one a 404. Of concurrent accepts of one code exactly one succeeds.',
      request: { body: jsonBody(AcceptMemberInvitationSchema) },
      responses: { 201: jsonResponse(MembershipSchema, 'The new membership'), ...errorResponses },
    }),
    async (c) => c.json(await acceptMemberInvitation(deps, c.get('principal'), c.req.valid('json')), 201),
  );
}
