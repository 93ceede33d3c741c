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
