import { createRoute, z } from '@hono/zod-openapi';
import { programmeApplicationSchema } from '@sharedtech/core';
import {
  ApplyToProgrammeSchema, DecideApplicationSchema, MoneySchema, PageQuerySchema, PublishProgrammeSchema, SetOverheadSchema,
  applyToProgramme, decideApplication, listAllProgrammes, listProgrammeApplications, publishProgramme, readOverheadRate, readProgramme, setOverheadRate,
} from '@sharedtech/services';
import type { ApiDeps } from '../deps.js';
import { errorResponses, idParam, jsonBody, jsonResponse, moneyErrorResponses, pageOf } from '../openapi.js';
import { idempotent, RequiredIdempotencyHeaders } from './idempotency.js';
import { bearer, createRouter } from './router.js';

const fen = (description: string) => z.number().int().openapi({ description });

export const ProgrammeSchema = z
  .object({
    id: z.string(),
    governmentOrgId: z.string(),
    name: z.string(),
    description: z.string().optional(),
    budget: MoneySchema,
    maxBps: z.number().int(),
    clusters: z.array(z.string()),
    opensOn: z.string(),
    closesOn: z.string(),
    committed: fen('Approved reservations less what was returned (fen).'),
    paid: fen('Net subsidy posted in the ledger (fen).'),
    createdBy: z.string(),
    createdAt: z.string(),
    open: z.boolean().openapi({ description: 'Whether applications are taken today (Asia/Shanghai).' }),
    figures: z.object({
      budget: fen('Budget (fen).'),
      reserved: fen('Reserved for approved contracts and not yet paid (fen).'),
      paid: fen('Paid into escrow net of refunds (fen).'),
      remaining: fen('Budget not reserved or paid (fen).'),
    }),
  })
  .openapi('Programme');

export const ProgrammeApplicationSchema = programmeApplicationSchema
  .omit({ version: true })
  .extend({ reserved: fen('Fen reserved at approval.').optional() })
  .openapi('ProgrammeApplication');

const OverheadRateSchema = z
  .object({ collegeOrgId: z.string(), bps: z.number().int(), version: z.number().int(), setBy: z.string(), at: z.string() })
  .openapi('OverheadRate');

const OverheadSchema = z
  .object({ collegeOrgId: z.string(), current: OverheadRateSchema.nullable(), history: pageOf(OverheadRateSchema, 'OverheadRatePage') })
  .openapi('Overhead');

const tags = ['Subsidy programmes'];
const ProgrammeIdParam = idParam('programme');
const ApplicationIdParam = idParam('application');
const OrgIdParam = idParam('org', 'orgId');

/** `/v1/programmes`: government bodies publish; enterprises apply on their contracts. */
export function programmeRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/', tags, security: bearer, summary: 'Verified government body: publish a subsidy programme',
        request: { body: jsonBody(PublishProgrammeSchema) },
        responses: { 201: jsonResponse(ProgrammeSchema, 'The programme'), ...errorResponses },
      }),
      async (c) => c.json(await publishProgramme(deps, c.get('principal'), c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/', tags, security: bearer, summary: 'Subsidy programmes, newest first',
        request: { query: PageQuerySchema },
        responses: { 200: jsonResponse(pageOf(ProgrammeSchema, 'ProgrammePage'), 'A page of programmes'), ...errorResponses },
      }),
      async (c) => c.json(await listAllProgrammes(deps, c.get('principal'), c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}', tags, security: bearer, summary: 'A programme with its budget, reserved, paid and remaining',
        request: { params: ProgrammeIdParam },
        responses: { 200: jsonResponse(ProgrammeSchema, 'The programme'), ...errorResponses },
      }),
      async (c) => c.json(await readProgramme(deps, c.get('principal'), c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/applications', tags, security: bearer,
        summary: 'Verified enterprise: apply for a share of one of its awarded or ACTIVE contracts',
        request: { params: ProgrammeIdParam, body: jsonBody(ApplyToProgrammeSchema) },
        responses: { 201: jsonResponse(ProgrammeApplicationSchema, 'The application, PENDING'), ...errorResponses },
      }),
      async (c) => c.json(await applyToProgramme(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/applications', tags, security: bearer,
        summary: "A programme's applications, newest first: all for its government body, your own for an applicant",
        request: { params: ProgrammeIdParam, query: PageQuerySchema },
        responses: { 200: jsonResponse(pageOf(ProgrammeApplicationSchema, 'ProgrammeApplicationPage'), 'A page of applications'), ...errorResponses },
      }),
      async (c) => c.json(await listProgrammeApplications(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query')), 200),
    );
}

/** `/v1/applications/{id}/decision`: the programme's government approves (reserving the subsidy) or rejects. */
export function applicationRoutes(deps: ApiDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'post', path: '/{id}/decision', tags, security: bearer,
      summary: "Programme's government body: approve (reserves the subsidy against the budget) or reject an application",
      request: { params: ApplicationIdParam, headers: RequiredIdempotencyHeaders, body: jsonBody(DecideApplicationSchema) },
      responses: { 200: jsonResponse(ProgrammeApplicationSchema, 'The application, APPROVED or REJECTED'), ...moneyErrorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const decided = await idempotent(c, c.req.valid('header')['idempotency-key'], body, (idempotency) =>
        decideApplication(deps, c.get('principal'), c.req.valid('param').id, body, idempotency));
      return c.json(decided, 200);
    },
  );
}

/** `/v1/orgs/{id}/overhead`: a college's overhead rate on its studios' earnings, versioned. */
export function overheadRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'put', path: '/{orgId}/overhead', tags: ['Organisations'], security: bearer, summary: 'Owner of a verified college: set its overhead rate (bps, 0–10000)',
        request: { params: OrgIdParam, body: jsonBody(SetOverheadSchema) },
        responses: { 200: jsonResponse(OverheadRateSchema, 'The new rate, at its version'), ...errorResponses },
      }),
      async (c) => c.json(await setOverheadRate(deps, c.get('principal'), c.req.valid('param').orgId, c.req.valid('json').bps), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{orgId}/overhead', tags: ['Organisations'], security: bearer, summary: "A college's overhead rate in force and its history, newest first",
        request: { params: OrgIdParam, query: PageQuerySchema },
        responses: { 200: jsonResponse(OverheadSchema, 'Current rate and history'), ...errorResponses },
      }),
      async (c) => c.json(await readOverheadRate(deps, c.get('principal'), c.req.valid('param').orgId, c.req.valid('query')), 200),
    );
}
