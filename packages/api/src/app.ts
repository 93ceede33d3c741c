import type { ApiDeps } from './deps.js';
import { mountApiReference } from './docs.js';
import { authenticate } from './middleware/auth.js';
import { errorBody, handleError } from './middleware/errors.js';
import { createRoute, z } from '@hono/zod-openapi';
import { documentCommonResponses, jsonResponse } from './openapi.js';
import { accountRoutes, contractLedgerRoutes } from './routes/ledger.js';
import { registrationRoutes } from './routes/registrations.js';
import { attachmentRoutes } from './routes/attachments.js';
import { auditRoutes } from './routes/audit.js';
import { awardRoutes, contractRoutes } from './routes/contracts.js';
import { bidRoutes, requestBidRoutes } from './routes/bids.js';
import { devRoutes } from './routes/dev.js';
import { disputeRoutes } from './routes/disputes.js';
import { matchRoutes, statsRoutes } from './routes/insight.js';
import { contractMessageRoutes } from './routes/messages.js';
import { contractChangeRoutes } from './routes/changes.js';
import { milestoneRoutes } from './routes/milestones.js';
import { notificationRoutes } from './routes/notifications.js';
import { collegeRoutes } from './routes/colleges.js';
import { meRoutes, organisationRoutes } from './routes/organisations.js';
import { memberInvitationRoutes, orgMemberInvitationRoutes } from './routes/member-invitations.js';
import { questionRoutes, requestQuestionRoutes } from './routes/questions.js';
import { requestPoolRoutes } from './routes/pools.js';
import { applicationRoutes, overheadRoutes, programmeRoutes } from './routes/programmes.js';
import { requestRoutes } from './routes/requests.js';
import { contractReviewRoutes, organisationReviewRoutes, reviewRoutes } from './routes/reviews.js';
import { invitationRoutes, requestInvitationRoutes } from './routes/invitations.js';
import { appointmentRoutes } from './routes/appointments.js';
import { resourceRoutes } from './routes/resources.js';
import { createRouter } from './routes/router.js';
import { councilRoutes } from './routes/council.js';
import { collegeEducationRoutes, orgPeopleRoutes, participationRoutes, studentRecordRoutes, studentRoutes } from './routes/people.js';

export const API_VERSION = '1.0.0';

const HealthSchema = z.object({ status: z.literal('ok'), version: z.string(), time: z.string() }).openapi('Health');

/**
 * The JSON API: `/health`, `/v1/*` behind bearer authentication, `/dev/token`
 * in local mode, and its own description at `/openapi.json` and `/docs`.
 * Cross-cutting middleware (request ids, security headers, body limit) is the
 * composition's (`@sharedtech/app`); errors here always answer JSON.
 */
export function createApiApp(deps: ApiDeps) {
  const api = createRouter();

  if (deps.issueDevToken) api.route('/dev', devRoutes(deps.issueDevToken));

  api.use('/v1/*', authenticate({ verifyToken: deps.verifyToken, db: deps.db }));
  api.route('/v1/me', meRoutes(deps));
  api.route('/v1/orgs', organisationRoutes(deps));
  api.route('/v1/requests', requestRoutes(deps));
  api.route('/v1/requests', requestBidRoutes(deps));
  api.route('/v1/requests', awardRoutes(deps));
  api.route('/v1/requests', requestQuestionRoutes(deps));
  api.route('/v1/questions', questionRoutes(deps));
  api.route('/v1/requests', requestPoolRoutes(deps));
  api.route('/v1/bids', bidRoutes(deps));
  api.route('/v1/contracts', contractRoutes(deps));
  api.route('/v1/contracts', milestoneRoutes(deps));
  api.route('/v1/contracts', contractLedgerRoutes(deps));
  api.route('/v1/contracts', contractMessageRoutes(deps));
  api.route('/v1/contracts', contractChangeRoutes(deps));
  api.route('/v1/disputes', disputeRoutes(deps));
  api.route('/v1/accounts', accountRoutes(deps));
  api.route('/v1/stats', statsRoutes(deps));
  api.route('/v1/matches', matchRoutes(deps));
  api.route('/v1/audit', auditRoutes(deps));
  api.route('/v1/notifications', notificationRoutes(deps));
  api.route('/v1/orgs', orgMemberInvitationRoutes(deps));
  api.route('/v1/member-invitations', memberInvitationRoutes(deps));
  api.route('/v1/colleges', collegeRoutes(deps));
  api.route('/v1/contracts', contractReviewRoutes(deps));
  api.route('/v1/orgs', organisationReviewRoutes(deps));
  api.route('/v1/reviews', reviewRoutes(deps));
  api.route('/v1/requests', requestInvitationRoutes(deps));
  api.route('/v1/invitations', invitationRoutes(deps));
  api.route('/v1/appointments', appointmentRoutes(deps));
  api.route('/v1/resources', resourceRoutes(deps));
  api.route('/v1/attachments', attachmentRoutes(deps));
  api.route('/v1/council', councilRoutes(deps));
  api.route('/v1', registrationRoutes(deps));
  api.route('/v1/orgs', orgPeopleRoutes(deps));
  api.route('/v1/contracts', participationRoutes(deps));
  api.route('/v1/students', studentRoutes(deps));
  api.route('/v1/student-records', studentRecordRoutes(deps));
  api.route('/v1/colleges', collegeEducationRoutes(deps));
  api.route('/v1/programmes', programmeRoutes(deps));
  api.route('/v1/applications', applicationRoutes(deps));
  api.route('/v1/orgs', overheadRoutes(deps));

  // Listed last in the reference, after the marketplace's own operations.
  api.openapi(
    createRoute({
      method: 'get', path: '/health', tags: ['Service'], summary: 'Is the service up (no database read)',
      responses: { 200: jsonResponse(HealthSchema, 'Up') },
    }),
    (c) => c.json({ status: 'ok' as const, version: API_VERSION, time: deps.clock().toISOString() }, 200),
  );

  documentCommonResponses(api.openAPIRegistry);
  api.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  api.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'SharedTech Marketplace API',
      version: API_VERSION,
      description: 'Shared-technology service marketplace of a city-level industry–education consortium (市域产教联合体共性技术服务平台).',
    },
  });
  mountApiReference(api);

  api.onError((error, c) => handleError(error, c));
  return api;
}

/** The JSON answer for a path no route serves (the composition uses it as its not-found handler). */
export const jsonNotFound = (c: import('hono').Context) => c.json(errorBody('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`), 404);

export type ApiApp = ReturnType<typeof createApiApp>;
