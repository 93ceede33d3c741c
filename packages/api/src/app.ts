import { Scalar } from '@scalar/hono-api-reference';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { PayloadTooLargeError } from './middleware/payload.js';
import type { AppDeps } from './deps.js';
import { authenticate } from './middleware/auth.js';
import { errorBody, handleError } from './middleware/errors.js';
import { devRoutes } from './routes/dev.js';
import { auditRoutes, notificationRoutes } from './routes/inbox.js';
import { meRoutes, organisationRoutes } from './routes/organisations.js';
import { requestRoutes } from './routes/requests.js';
import { bidRoutes, requestBidRoutes } from './routes/bids.js';
import { awardRoutes, contractRoutes } from './routes/contracts.js';
import { matchRoutes, statsRoutes } from './routes/insight.js';
import { milestoneRoutes } from './routes/milestones.js';
import { disputeRoutes } from './routes/disputes.js';
import { accountRoutes, contractLedgerRoutes } from './routes/ledger.js';
import { createRouter } from './routes/router.js';
import { webRoutes } from './web/index.js';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const API_VERSION = '1.0.0';

/** Builds the whole HTTP app from its dependencies; the Lambda entry, the local server and tests all call this. */
export function createApp(deps: AppDeps) {
  const app = createRouter();

  app.use('*', requestId());
  app.use('*', secureHeaders({ contentSecurityPolicy: undefined, crossOriginResourcePolicy: false }));
  app.use(
    '*',
    bodyLimit({
      maxSize: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      onError: () => {
        throw new PayloadTooLargeError(deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
      },
    }),
  );

  app.get('/health', (c) => c.json({ status: 'ok', version: API_VERSION, time: deps.clock().toISOString() }));

  if (deps.issueDevToken) app.route('/dev', devRoutes(deps.issueDevToken));

  app.use('/v1/*', authenticate({ verifyToken: deps.verifyToken, db: deps.db }));
  app.route('/v1/me', meRoutes());
  app.route('/v1/orgs', organisationRoutes(deps));
  app.route('/v1/requests', requestRoutes(deps));
  app.route('/v1/requests', requestBidRoutes(deps));
  app.route('/v1/requests', awardRoutes(deps));
  app.route('/v1/bids', bidRoutes(deps));
  app.route('/v1/contracts', contractRoutes(deps));
  app.route('/v1/contracts', milestoneRoutes(deps));
  app.route('/v1/contracts', contractLedgerRoutes(deps));
  app.route('/v1/disputes', disputeRoutes(deps));
  app.route('/v1/accounts', accountRoutes(deps));
  app.route('/v1/stats', statsRoutes(deps));
  app.route('/v1/matches', matchRoutes(deps));
  app.route('/v1/audit', auditRoutes(deps));
  app.route('/v1/notifications', notificationRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'SharedTech Marketplace API',
      version: API_VERSION,
      description: 'Shared-technology service marketplace of a city-level industry–education consortium (市域产教联合体共性技术服务平台).',
    },
  });
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'SharedTech Marketplace API' }));

  app.route('/', webRoutes(deps));

  app.notFound((c) => c.json(errorBody('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`), 404));
  app.onError((error, c) => handleError(error, c));
  return app;
}

export type App = ReturnType<typeof createApp>;
