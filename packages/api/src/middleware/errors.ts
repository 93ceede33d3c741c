import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError, ServiceUnavailableError, type FieldIssue } from '@sharedtech/core';
import type { ZodError } from 'zod';

export interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

/** The one error shape of PRODUCT.md §5: `details` is always there, null when there is nothing more to say. */
export const errorBody = (code: string, message: string, details?: unknown): ErrorBody => ({
  error: { code, message, details: details ?? null },
});

/** Zod issues as field paths a client can put next to its form fields. */
export function zodIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
    code: issue.code,
  }));
}

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * The one place errors become responses. Domain errors carry their status and
 * code; Hono's own (malformed JSON, body too large) keep theirs; anything else is
 * a bug, logged with its stack and answered 500 without one.
 */
export function handleError(error: Error, c: Context, log: (message: string, error: unknown) => void = console.error) {
  if (error instanceof DomainError) {
    if (error instanceof ServiceUnavailableError) c.header('Retry-After', String(error.retryAfterSeconds));
    return c.json(errorBody(error.code, error.message, error.details), error.status);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const malformed = status === 400 && /json/i.test(error.message);
    const code = malformed ? 'MALFORMED_JSON' : (HTTP_CODES[status] ?? 'HTTP_ERROR');
    const message = malformed ? 'The request body is not valid JSON.' : error.message || code;
    return c.json(errorBody(code, message), status);
  }
  log('Unhandled error', error);
  return c.json(errorBody('INTERNAL', 'Something went wrong on our side; it has been logged.'), 500);
}
