import { z } from '@hono/zod-openapi';
import type { IdKind } from '@sharedtech/core';
import { idSchema } from '@sharedtech/services';

/*
 * What every route module shares to describe itself: path ids, pages of
 * items, the error body and the error responses, JSON bodies and responses.
 */

/** Path parameters `{ [name]: <id of kind> }`, rejecting malformed ids with 400 before any read. */
export const idParam = <N extends string = 'id'>(kind: IdKind, name: N = 'id' as N) =>
  z.object({ [name]: idSchema(kind).openapi({ param: { name, in: 'path' } }) } as Record<N, z.ZodString>);

/** `{id}` of a contract and `{n}` of its milestone: the path of every milestone route (milestone steps, participation). */
export const MilestoneParams = z.object({
  id: idSchema('contract').openapi({ param: { name: 'id', in: 'path' } }),
  n: z.coerce.number().int().min(1).max(1000).openapi({ param: { name: 'n', in: 'path' }, example: 1, description: 'Milestone number, 1 = first in plan order.' }),
});

/**
 * A core schema as a named OpenAPI component. Core builds its schemas before
 * zod is extended with `.openapi`, so the component is a copy made now.
 */
export const component = <T extends z.ZodObject>(schema: T, name: string) => schema.extend({}).openapi(name);

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      details: z.unknown().openapi({ description: 'More about the error (for 400: `issues`, each with a field `path`); null when none.' }),
    }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

/** The error responses every authenticated route can give. */
export const errorResponses = {
  400: errorResponse('Invalid input; `details.issues` lists field paths.'),
  401: errorResponse('Missing or invalid bearer token.'),
  403: errorResponse('Not allowed for this caller.'),
  404: errorResponse('Not found.'),
  409: errorResponse('Conflicts with the current state.'),
  503: errorResponse('The database is busy; retry after `Retry-After` seconds.'),
} as const;

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** The authenticated error responses plus 422 for an Idempotency-Key reused with another request. */
export const moneyErrorResponses = {
  ...errorResponses,
  422: { description: 'The Idempotency-Key was used before for a different request.', content: { 'application/json': { schema: ErrorSchema } } },
} as const;

export const EntityRefSchema = z.object({ type: z.string(), id: z.string() });

export const PartyRefSchema = z.object({ sub: z.string(), orgId: z.string() });

const RateLimitedSchema = z
  .object({ message: z.string().openapi({ example: 'Too Many Requests' }) })
  .openapi('RateLimited', { description: 'API Gateway’s own body when the stage’s rate limit is exceeded (deployed only).' });

/** Responses that follow from how a route is built, not from what it does; added to every route that can give them. */
const commonResponses = {
  400: errorResponse('Invalid input; `details.issues` lists field paths.'),
  401: errorResponse('Missing or invalid bearer token.'),
  413: errorResponse('The request body is larger than the limit (64 KiB unless configured otherwise); nothing was read or written.'),
  415: errorResponse('The body is not `application/json` (or a body came without a content type).'),
  422: errorResponse('The Idempotency-Key was used before for a different request.'),
  429: {
    description: 'Deployed only: the stage’s request rate limit (API Gateway throttling) was exceeded; retry later.',
    content: { 'application/json': { schema: RateLimitedSchema } },
  },
  503: errorResponse('The database is busy; retry after `Retry-After` seconds.'),
} as const;

type RouteDefinition = { type: 'route'; route: { method: string; path: string; security?: unknown[]; responses: Record<string, unknown>; request?: { body?: unknown; params?: unknown; query?: unknown; headers?: unknown } } };

/**
 * Documents, on every route of the registry, the statuses its shape implies —
 * whatever its module declared: 413 on every method that can carry a body (the
 * composition's body limit), 415 and 400 where a JSON body is read, 400 where
 * parameters are validated, 422 where an `Idempotency-Key` is honoured, and
 * 401, 429 and 503 on authenticated routes. A route added later gets them too.
 */
export function documentCommonResponses(registry: { definitions: readonly { type: string }[] }) {
  for (const definition of registry.definitions) {
    if (definition.type !== 'route') continue;
    const { route } = definition as RouteDefinition;
    const add = (status: keyof typeof commonResponses) => {
      if (!(String(status) in route.responses)) route.responses[status] = commonResponses[status];
    };
    const request = route.request ?? {};
    const headers = request.headers as { shape?: Record<string, unknown> } | undefined;
    if (['post', 'put', 'patch', 'delete'].includes(route.method.toLowerCase())) add(413);
    if (request.body) add(415);
    if (request.body || request.params || request.query || headers) add(400);
    if (headers?.shape && 'idempotency-key' in headers.shape) add(422);
    if (route.security?.length) {
      add(401);
      add(429);
      add(503);
    }
  }
}
