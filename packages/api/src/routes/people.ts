import { createRoute, z } from '@hono/zod-openapi';
import { SIGN_OFF_SIDES, participationSchema, personSchema, studentRecordSchema } from '@sharedtech/core';
import {
  CreatePersonSchema, LogParticipationSchema, PageQuerySchema, PeopleQuerySchema, SignOffParticipationSchema, UpdatePersonSchema, addPerson, getRosterPerson,
  idSchema, listCollegeStudentRecords, listParticipation, listPeople, listRecordsOfStudent, logParticipation, readCollegeEducationStatistics, readStudentRecord,
  removePerson, signOffParticipation, updatePerson,
} from '@sharedtech/services';
import type { ApiDeps } from '../deps.js';
import { component, errorResponses, idParam, jsonBody, jsonResponse, MilestoneParams, pageOf } from '../openapi.js';
import { bearer, createRouter } from './router.js';

// ── Schemas of this resource ─────────────────────────────────────────────

export const PersonSchema = personSchema.omit({ version: true }).openapi('Person');


export const ParticipationSchema = participationSchema
  .omit({ version: true })
  .extend({ signedOff: z.boolean().openapi({ description: 'Signed off by both the teacher and the enterprise mentor: fixed from then on.' }) })
  .openapi('Participation');

export const StudentRecordSchema = component(studentRecordSchema, 'StudentRecord');

const tags = ['People and education outcomes'];

const PersonParams = z.object({
  id: idSchema('org').openapi({ param: { name: 'id', in: 'path' } }),
  personId: idSchema('person').openapi({ param: { name: 'personId', in: 'path' } }),
});

/** `/v1/orgs/{id}/people`: an organisation's roster (its members keep it; its college or studios read it). */
export function orgPeopleRoutes(deps: ApiDeps) {
  const OrgIdParam = idParam('org');
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/people', tags, security: bearer, summary: 'Member: add a teacher, student or engineer to the roster',
        request: { params: OrgIdParam, body: jsonBody(CreatePersonSchema) },
        responses: { 201: jsonResponse(PersonSchema, 'The person'), ...errorResponses },
      }),
      async (c) => c.json(await addPerson(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/people', tags, security: bearer,
        summary: 'The roster, newest first (members; a studio’s college; a college’s studios)',
        request: { params: OrgIdParam, query: PeopleQuerySchema },
        responses: { 200: jsonResponse(pageOf(PersonSchema, 'PersonPage'), 'A page of people'), ...errorResponses },
      }),
      async (c) => c.json(await listPeople(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/people/{personId}', tags, security: bearer, summary: 'One person of the roster',
        request: { params: PersonParams },
        responses: { 200: jsonResponse(PersonSchema, 'The person'), ...errorResponses },
      }),
      async (c) => c.json(await getRosterPerson(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('param').personId), 200),
    )
    .openapi(
      createRoute({
        method: 'patch', path: '/{id}/people/{personId}', tags, security: bearer, summary: 'Member: change a person (memberSub null unlinks the member)',
        request: { params: PersonParams, body: jsonBody(UpdatePersonSchema) },
        responses: { 200: jsonResponse(PersonSchema, 'The person'), ...errorResponses },
      }),
      async (c) => c.json(await updatePerson(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('param').personId, c.req.valid('json')), 200),
    )
    .openapi(
      createRoute({
        method: 'delete', path: '/{id}/people/{personId}', tags, security: bearer, summary: 'Member: remove a person (teams and records keep their copy)',
        request: { params: PersonParams },
        responses: { 204: { description: 'Removed' }, ...errorResponses },
      }),
      async (c) => {
        await removePerson(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('param').personId);
        return c.body(null, 204);
      },
    );
}

const ParticipationPageSchema = z
  .object({
    items: z.array(ParticipationSchema),
    nextCursor: z.string().nullable(),
    signAs: z.enum(SIGN_OFF_SIDES).nullable().openapi({ description: 'The side the caller signs off for on this contract, if any.' }),
  })
  .openapi('ParticipationPage');

/** `/v1/contracts/{id}/milestones/{n}/participation`: students' participation and its sign-off. */
export function participationRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/participation', tags, security: bearer,
        summary: 'Studio: log (or correct, until signed) a team student’s hours and tasks on a milestone',
        request: { params: MilestoneParams, body: jsonBody(LogParticipationSchema) },
        responses: { 200: jsonResponse(ParticipationSchema, 'The entry'), ...errorResponses },
      }),
      async (c) => {
        const { id, n } = c.req.valid('param');
        return c.json(await logParticipation(deps, c.get('principal'), id, n, c.req.valid('json')), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/milestones/{n}/participation', tags, security: bearer, summary: 'Parties: a milestone’s participation entries (at most one per student)',
        request: { params: MilestoneParams },
        responses: { 200: jsonResponse(ParticipationPageSchema, 'The entries'), ...errorResponses },
      }),
      async (c) => {
        const { id, n } = c.req.valid('param');
        return c.json(await listParticipation(deps, c.get('principal'), id, n), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/participation/sign-off', tags, security: bearer,
        summary: 'Teacher or enterprise mentor: sign off entries (both signatures make them fixed and counted)',
        request: { params: MilestoneParams, body: jsonBody(SignOffParticipationSchema) },
        responses: {
          200: jsonResponse(
            z.object({ side: z.enum(SIGN_OFF_SIDES), items: z.array(ParticipationSchema), signedOff: z.number().int() }).openapi('SignOffResult'),
            'The entries signed and how many are now fully signed off',
          ),
          ...errorResponses,
        },
      }),
      async (c) => {
        const { id, n } = c.req.valid('param');
        return c.json(await signOffParticipation(deps, c.get('principal'), id, n, c.req.valid('json')), 200);
      },
    );
}

/** `/v1/students/{personId}/records` and `/v1/student-records/{id}`. */
export function studentRoutes(deps: ApiDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'get', path: '/{personId}/records', tags, security: bearer, summary: 'A student’s project records (their roster organisation, its college, the student)',
      request: { params: z.object({ personId: idSchema('person').openapi({ param: { name: 'personId', in: 'path' } }) }), query: PageQuerySchema },
      responses: { 200: jsonResponse(pageOf(StudentRecordSchema, 'StudentRecordPage'), 'A page of records'), ...errorResponses },
    }),
    async (c) => c.json(await listRecordsOfStudent(deps, c.get('principal'), c.req.valid('param').personId, c.req.valid('query')), 200),
  );
}

export function studentRecordRoutes(deps: ApiDeps) {
  const RecordIdParam = idParam('studentRecord');
  return createRouter().openapi(
    createRoute({
      method: 'get', path: '/{id}', tags, security: bearer, summary: 'One student project record (the contract’s parties, the college, the student)',
      request: { params: RecordIdParam },
      responses: { 200: jsonResponse(StudentRecordSchema, 'The record'), ...errorResponses },
    }),
    async (c) => c.json(await readStudentRecord(deps, c.get('principal'), c.req.valid('param').id), 200),
  );
}

const ProgrammeStatsSchema = z
  .object({
    collegeId: z.string(),
    programmes: z.array(z.object({ programme: z.string(), students: z.number().int(), hours: z.number().int(), projects: z.number().int() })),
    total: z.object({ students: z.number().int(), hours: z.number().int(), projects: z.number().int() }),
  })
  .openapi('CollegeEducationStatistics');

/** `/v1/colleges/{id}/student-records` and `/education-stats`: the college's own students. */
export function collegeEducationRoutes(deps: ApiDeps) {
  const CollegeIdParam = idParam('org');
  return createRouter()
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/student-records', tags, security: bearer, summary: 'College: its students’ project records, newest first',
        request: { params: CollegeIdParam, query: PageQuerySchema },
        responses: { 200: jsonResponse(pageOf(StudentRecordSchema, 'CollegeStudentRecordPage'), 'A page of records'), ...errorResponses },
      }),
      async (c) => c.json(await listCollegeStudentRecords(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/education-stats', tags, security: bearer, summary: 'College: students, signed-off hours and projects per programme (专业)',
        request: { params: CollegeIdParam },
        responses: { 200: jsonResponse(ProgrammeStatsSchema, 'Per programme'), ...errorResponses },
      }),
      async (c) => c.json(await readCollegeEducationStatistics(deps, c.get('principal'), c.req.valid('param').id), 200),
    );
}
