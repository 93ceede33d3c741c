import { Hono, type Context } from 'hono';
import type { ApiDeps } from './deps.js';
import { mountApiReference } from './docs.js';
import { healthOf } from './health.js';
import { lazyApp, servedLazily } from './lazy.js';
import { bearerToken, callersReadEarly } from './middleware/bearer.js';
import { errorBody, handleError } from './middleware/errors.js';
import { mountRouteModules, routerKeyOfPath, routerKeysOf, ROUTE_MODULES, type RouteModule } from './route-table.js';

/** The JSON answer for a path no route serves (the composition uses it as its not-found handler). */
export const jsonNotFound = (c: Context) => c.json(errorBody('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`), 404);

/** A router answering on its own (it is handed whole requests): its errors and unknown paths answer JSON. */
function answeringJson<R extends Hono<any, any, any>>(router: R): R {
  router.notFound(jsonNotFound);
  router.onError((error, c) => handleError(error, c));
  return router;
}

/**
 * The routes of one `/v1` resource behind bearer authentication, as a router of
 * their own: built, with the authentication and the route modules imported,
 * when the resource is first asked for.
 */
async function resourceRouter(deps: ApiDeps, modules: readonly RouteModule[]) {
  const { authenticate } = await import('./middleware/auth.js');
  // A plain router: each route module validates on routers of its own, so one that takes no input loads no zod.
  const router = new Hono();
  router.use('/v1/*', authenticate({ verifyToken: deps.verifyToken, db: deps.db }));
  await mountRouteModules(router, modules, deps);
  return answeringJson(router);
}

/**
 * `/v1/*`: each request to the router of its resource (a path of no resource
 * is authenticated, then 404). While a resource's router is still to be
 * built, the caller's token is checked and the caller read meanwhile (see
 * callersReadEarly): on a cold start the database round trip overlaps the
 * loading of the routes instead of following it.
 */
function resourceRoutes(deps: ApiDeps) {
  const routers = new Map<string, ReturnType<typeof lazyApp>>();
  for (const key of new Set(ROUTE_MODULES.flatMap(routerKeysOf))) {
    const modules = ROUTE_MODULES.filter((module) => routerKeysOf(module).includes(key));
    routers.set(key, lazyApp(() => resourceRouter(deps, modules)));
  }
  const none = lazyApp(() => resourceRouter(deps, []));
  return (c: Context) => {
    const router = routers.get(routerKeyOfPath(c.req.path) ?? '') ?? none;
    const token = router.built() ? undefined : bearerToken(c.req.header('Authorization'));
    if (token) {
      const reading = import('./middleware/auth.js').then(({ readCaller }) => readCaller(deps, token));
      // Its outcome is authentication's to report; here it only starts early.
      reading.catch(() => undefined);
      callersReadEarly.set(c.req.raw, reading);
    }
    return router.handler(c, async () => {});
  };
}

/**
 * The JSON API: `/health`, `/v1/*` behind bearer authentication, `/dev/token`
 * in local mode, and its own description at `/openapi.json` and `/docs`.
 * Cross-cutting middleware (request ids, security headers, body limit) is the
 * composition's (`@sharedtech/app`); errors here always answer JSON.
 *
 * Nothing here imports a schema, a route module or a use case: each is loaded
 * with the first request that needs it, so a cold start answering `/health`
 * evaluates none of them and one answering `/v1/me` only its own.
 */
export function createApiApp(deps: ApiDeps) {
  const api = new Hono();
  const { issueDevToken } = deps;
  if (issueDevToken) api.all('/dev/*', servedLazily(async () => answeringJson(new Hono().route('/dev', (await import('./routes/dev.js')).devRoutes(issueDevToken)))));
  api.all('/v1/*', resourceRoutes(deps));
  api.get('/health', (c) => c.json(healthOf(deps), 200));
  api.get('/openapi.json', servedLazily(async () => (await import('./reference.js')).referenceDocumentApp(deps)));
  mountApiReference(api);
  api.onError((error, c) => handleError(error, c));
  return api;
}

export type ApiApp = ReturnType<typeof createApiApp>;
