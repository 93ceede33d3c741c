import { MEMBER_ROLES, ORG_STATUSES, ORG_TYPES } from '@sharedtech/core';
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { addMember, AddMemberSchema, changeMemberRole, ChangeMemberRoleSchema, decideVerification, removeMember, getOrganisationOrThrow, listMembers, listOrganisations, OrgListQuerySchema, PageQuerySchema, publicOrganisation, registerOrganisation, RegisterOrganisationSchema, VerificationSchema } from '@sharedtech/services';
import { errorResponses, idParam, jsonBody, jsonResponse, pageOf } from '../openapi.js';
import { bearer, createRouter } from './router.js';

// ── Schemas of this resource ─────────────────────────────────────────────

export const OrganisationSchema = z
  .object({
    id: z.string(),
    type: z.enum(ORG_TYPES),
    name: z.string(),
    status: z.enum(ORG_STATUSES),
    cluster: z.string().optional(),
    collegeId: z.string().optional(),
    capabilities: z.array(z.string()),
    statusReason: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Organisation');

export const MembershipSchema = z
  .object({ sub: z.string(), orgId: z.string(), role: z.enum(MEMBER_ROLES), displayName: z.string().optional(), joinedAt: z.string() })
  .openapi('Membership');

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
        return c.json({ ...page, items: page.items.map(publicOrganisation) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{orgId}', tags, security: bearer, summary: 'Read an organisation’s profile',
        request: { params: OrgIdParam },
        responses: { 200: jsonResponse(OrganisationSchema, 'The organisation'), ...errorResponses },
      }),
      async (c) => c.json(publicOrganisation(await getOrganisationOrThrow(deps, c.req.valid('param').orgId)), 200),
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
        method: 'post', path: '/{orgId}/members', tags, security: bearer, summary: 'Owner: add a user to the organisation',
        request: { params: OrgIdParam, body: jsonBody(AddMemberSchema) },
        responses: { 201: jsonResponse(MembershipSchema, 'The new membership'), ...errorResponses },
      }),
      async (c) => c.json(await addMember(deps, c.get('principal'), c.req.valid('param').orgId, c.req.valid('json')), 201),
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

export const MeSchema = z
  .object({
    sub: z.string(),
    membership: MembershipSchema.nullable(),
    organisation: OrganisationSchema.nullable(),
  })
  .openapi('Me');

export function meRoutes() {
  return createRouter().openapi(
    createRoute({
      method: 'get', path: '/', tags: ['Identity'], security: bearer, summary: 'Who am I: identity, membership and organisation',
      responses: { 200: jsonResponse(MeSchema, 'The caller'), ...errorResponses },
    }),
    (c) => {
      const { sub, membership, org } = c.get('principal');
      return c.json({ sub, membership: membership ?? null, organisation: org ? publicOrganisation(org) : null }, 200);
    },
  );
}
