import { Hono, type Handler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { createApiApp, handleError, jsonNotFound, PayloadTooLargeError, servedLazily, type ApiDeps } from '@sharedtech/api';
import { UPLOAD_MAX_BODY_BYTES, WEB_UPLOAD_PATH } from '@sharedtech/core';
import type { WebDeps } from '@sharedtech/web';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export { UPLOAD_MAX_BODY_BYTES, WEB_UPLOAD_PATH };

/** Everything the marketplace needs from the outside world, injected so tests and both runtimes build the same app. */
export type AppDeps = ApiDeps &
  WebDeps & {
    /** Local mode: the stand-in storage's signed upload and download URLs, served on this origin. */
    fileRoutes?: { path: string; routes: Hono };
  };

/** The largest body accepted on a path: file uploads may be large, everything else stays small. */
export function maxBodyBytesFor(path: string, deps: Pick<AppDeps, 'maxBodyBytes' | 'fileRoutes'>): number {
  const base = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const upload = path === WEB_UPLOAD_PATH || (deps.fileRoutes !== undefined && path.startsWith(`${deps.fileRoutes.path}/`));
  return upload ? Math.max(base, UPLOAD_MAX_BODY_BYTES) : base;
}

/**
 * The web pages, loaded with the first request no API route answers: the pages, their
 * dictionaries and components are about a fifth of the deployed bundle, which a cold start
 * answering `/health` or `/v1/...` then neither loads nor evaluates (the deployed bundle is
 * code-split, see infra's bundling). Which paths are pages is the web app's own routing:
 * everything the API did not answer is handed to it, as when it was mounted directly, and
 * what it does not serve either gets the same JSON (or, for a browser, HTML) 404.
 */
function webPages(deps: AppDeps): Handler {
  return servedLazily(async () => {
    const { createWebApp } = await import('@sharedtech/web');
    const web = createWebApp(deps);
    web.notFound(jsonNotFound);
    return web;
  });
}

/**
 * The composition point: the JSON API and the web pages behind the
 * cross-cutting middleware, as one Hono app. `npm start`, the Lambda entry and
 * the tests all build it here.
 */
export function createApp(deps: AppDeps) {
  const app = new Hono();

  app.use('*', requestId());
  app.use('*', secureHeaders({ contentSecurityPolicy: undefined, crossOriginResourcePolicy: false }));
  const limits = new Map<number, ReturnType<typeof bodyLimit>>();
  const limitOf = (maxSize: number) =>
    limits.get(maxSize) ??
    limits.set(maxSize, bodyLimit({ maxSize, onError: () => { throw new PayloadTooLargeError(maxSize); } })).get(maxSize)!;
  app.use('*', (c, next) => limitOf(maxBodyBytesFor(c.req.path, deps))(c, next));

  if (deps.fileRoutes) app.route(deps.fileRoutes.path, deps.fileRoutes.routes);
  app.route('/', createApiApp(deps));
  app.all('*', webPages(deps));

  app.notFound(jsonNotFound);
  app.onError((error, c) => handleError(error, c));
  return app;
}

export type App = ReturnType<typeof createApp>;
