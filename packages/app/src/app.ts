import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { createApiApp, handleError, jsonNotFound, PayloadTooLargeError, type ApiDeps } from '@sharedtech/api';
import { createWebApp, type WebDeps } from '@sharedtech/web';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** Everything the marketplace needs from the outside world, injected so tests and both runtimes build the same app. */
export type AppDeps = ApiDeps & WebDeps;

/**
 * The composition point: the JSON API and the web pages behind the
 * cross-cutting middleware, as one Hono app. `npm start`, the Lambda entry and
 * the tests all build it here.
 */
export function createApp(deps: AppDeps) {
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const app = new Hono();

  app.use('*', requestId());
  app.use('*', secureHeaders({ contentSecurityPolicy: undefined, crossOriginResourcePolicy: false }));
  app.use(
    '*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new PayloadTooLargeError(maxBodyBytes);
      },
    }),
  );

  app.route('/', createApiApp(deps));
  app.route('/', createWebApp(deps));

  app.notFound(jsonNotFound);
  app.onError((error, c) => handleError(error, c));
  return app;
}

export type App = ReturnType<typeof createApp>;
