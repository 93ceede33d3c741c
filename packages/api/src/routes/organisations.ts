import { MEMBER_ROLES, publicOrganisation } from '@sharedtech/core';
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import {
  AffiliationDecisionSchema, changeMemberRole, decideAffiliation, listStudiosOfOwnCollege, updateOrganisationProfile,
  UpdateOrganisationSchema, ChangeMemberRoleSchema, decideVerification, leaveOrganisation,
  listMembers, listOrganisations, OrgListQuerySchema, PageQuerySchema, readOrganisation, registerOrganisation,
  RegisterOrganisationSchema, removeMember, VerificationSchema, viewOfOrganisation,
} from '@sharedtech/services';
import { errorResponses, idParam, jsonBody, jsonResponse, pageOf } from '../openapi.js';
import { bearer, createRouter } from './router.js';
import { MembershipSchema, OrganisationSchema } from './organisation-schemas.js';

// ── Schemas of this resource ─────────────────────────────────────────────

export const LeftSchema = z.object({ sub: z.string(), orgId: z.string(), left: z.literal(true) }).openapi('LeftOrganisation');

export const MemberRoleSchema = z.object({ sub: z.string(), orgId: z.string(), role: z.enum(MEMBER_ROLES) }).openapi('MemberRole');

const tags = ['Organisations'];
const OrgIdParam = idParam('org', 'orgId');
const MemberParams = OrgIdParam.extend({ sub: z.string().min(1).max(128).openapi({ param: { name: 'sub', in: 'path' } }) });

export function organisationRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/', tags, security: bearer, summary: 'Register an organisation (caller becomes OWNER)',
        request: { body: jsonBody(RegisterOrganisationSchema) },
        responses: { 201: jsonResponse(OrganisationSchema, 'Registered, PENDING verification'), ...errorResponses },
      }),
      async (c) => c.json(publicOrganisation(await registerOrganisation(deps, c.get('principal'), c.req.valid('json'))), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/', tags, security: bearer, summary: 'List organisations (verified directory; other states for associations)',
        request: { query: OrgListQuerySchema },
        responses: { 200: jsonResponse(pageOf(OrganisationSchema, 'OrganisationPage'), 'A page of organisations'), ...errorResponses },
      }),
      async (c) => {
        const { status, type, cursor, limit } = c.req.valid('query');
        const page = await listOrganisations(deps, c.get('principal'), { status, type }, { cursor, limit });
        const principal = c.get('principal');
        return c.json({ ...page, items: page.items.map((org) => viewOfOrganisation(principal, org)) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{orgId}', tags, security: bearer, summary: 'Read an organisation’s profile (verified ones: anyone; others: their members and associations)',
        description: 'PENDING, REJECTED and SUSPENDED organisations are a 404 to everyone but their own members and associations; `statusReason` is shown only to them.',
        request: { params: OrgIdParam },
        responses: { 200: jsonResponse(OrganisationSchema, 'The organisation'), ...errorResponses },
      }),
      async (c) => c.json(await readOrganisation(deps, c.get('principal'), c.req.valid('param').orgId), 200),
    )
    .openapi(
      createRoute({
        method: 'patch', path: '/{orgId}', tags, security: bearer, summary: 'Owner: edit the profile (description, contact, address, cluster, capabilities)',
        description: 'Only the fields given change; empty text clears one. A verified studio’s new capabilities are what matching sees from this moment. `expectedUpdatedAt` makes an edit over someone else’s a 409.',
        request: { params: OrgIdParam, body: jsonBody(UpdateOrganisationSchema) },
        responses: { 200: jsonResponse(OrganisationSchema, 'The organisation after the edit'), ...errorResponses },
      }),
      async (c) => {
        const principal = c.get('principal');
        return c.json(viewOfOrganisation(principal, await updateOrganisationProfile(deps, principal, c.req.valid('param').orgId, c.req.valid('json'))), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{orgId}/affiliation', tags, security: bearer, summary: 'College owner: accept or reject a studio that names the college',
        description: 'Until the college accepts, it is no party to the studio’s contracts. Decided once; a rejection needs a reason.',
        request: { params: OrgIdParam, body: jsonBody(AffiliationDecisionSchema) },
        responses: { 200: jsonResponse(OrganisationSchema, 'The studio after the decision'), ...errorResponses },
      }),
      async (c) => {
        const principal = c.get('principal');
        return c.json(viewOfOrganisation(principal, await decideAffiliation(deps, principal, c.req.valid('param').orgId, c.req.valid('json'))), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{orgId}/studios', tags, security: bearer, summary: 'A college’s studios, accepted and pending (its members and associations)',
        request: { params: OrgIdParam, query: PageQuerySchema },
        responses: { 200: jsonResponse(pageOf(OrganisationSchema, 'StudioPage'), 'A page of studios'), ...errorResponses },
      }),
      async (c) => {
        const principal = c.get('principal');
        const page = await listStudiosOfOwnCollege(deps, principal, c.req.valid('param').orgId, c.req.valid('query'));
        return c.json({ ...page, items: page.items.map((org) => viewOfOrganisation(principal, org)) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{orgId}/verification', tags, security: bearer, summary: 'Association: verify, reject or suspend',
        request: { params: OrgIdParam, body: jsonBody(VerificationSchema) },
        responses: { 200: jsonResponse(OrganisationSchema, 'The organisation after the decision'), ...errorResponses },
      }),
      async (c) =>
        c.json(publicOrganisation(await decideVerification(deps, c.get('principal'), c.req.valid('param').orgId, c.req.valid('json'))), 200),
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{orgId}/members/leave', tags, security: bearer, summary: 'Leave the organisation (the caller’s own membership)',
        description: 'Deletes the caller’s membership of this organisation. The last OWNER cannot leave (409 `LAST_OWNER`); another owner must exist and still be one when the membership goes.',
        request: { params: OrgIdParam },
        responses: { 200: jsonResponse(LeftSchema, 'The caller is no longer a member'), ...errorResponses },
      }),
      async (c) => c.json(await leaveOrganisation(deps, c.get('principal'), c.req.valid('param').orgId), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{orgId}/members', tags, security: bearer, summary: 'Members of an organisation',
        request: { params: OrgIdParam, query: PageQuerySchema },
        responses: { 200: jsonResponse(pageOf(MembershipSchema, 'MembershipPage'), 'A page of members'), ...errorResponses },
      }),
      async (c) => c.json(await listMembers(deps, c.get('principal'), c.req.valid('param').orgId, c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'patch', path: '/{orgId}/members/{sub}', tags, security: bearer, summary: 'Owner: change a member’s role (effective on their next request)',
        request: { params: MemberParams, body: jsonBody(ChangeMemberRoleSchema) },
        responses: { 200: jsonResponse(MemberRoleSchema, 'The member’s role now'), ...errorResponses },
      }),
      async (c) => {
        const { orgId, sub } = c.req.valid('param');
        return c.json(await changeMemberRole(deps, c.get('principal'), orgId, sub, c.req.valid('json')), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete', path: '/{orgId}/members/{sub}', tags, security: bearer, summary: 'Owner: remove a member (effective on their next request)',
        request: { params: MemberParams },
        responses: { 204: { description: 'Removed' }, ...errorResponses },
      }),
      async (c) => {
        const { orgId, sub } = c.req.valid('param');
        await removeMember(deps, c.get('principal'), orgId, sub);
        return c.body(null, 204);
      },
    );
}
