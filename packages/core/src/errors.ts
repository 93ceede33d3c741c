/**
 * Domain errors. Each carries a stable machine-readable `code` and the HTTP
 * status it maps to, so the HTTP adapter can translate any of them in one place
 * (`app.onError`) without knowing where it was thrown.
 */
export abstract class DomainError extends Error {
  abstract readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldIssue {
  path: string;
  message: string;
  code?: string;
}

/** Input that is well-formed JSON but breaks a rule (400). */
export class ValidationError extends DomainError {
  readonly status = 400;
  constructor(message: string, issues: FieldIssue[] = [], code = 'VALIDATION_FAILED') {
    super(code, message, { issues });
  }
  static field(path: string, message: string, code?: string): ValidationError {
    return new ValidationError(message, [{ path, message, code }], code);
  }
}

/** No or invalid credentials (401). */
export class UnauthenticatedError extends DomainError {
  readonly status = 401;
  constructor(message = 'A valid bearer token is required.', code = 'UNAUTHENTICATED') {
    super(code, message);
  }
}

/** Authenticated, but not allowed to do this (403). */
export class ForbiddenError extends DomainError {
  readonly status = 403;
  constructor(code: string, message: string) {
    super(code, message);
  }
}

/** The resource does not exist, or the caller may not know that it does (404). */
export class NotFoundError extends DomainError {
  readonly status = 404;
  constructor(entity: string, id: string) {
    super('NOT_FOUND', `${entity} ${id} was not found.`, { entity, id });
  }
}

/** The request conflicts with the current state (409). */
export class ConflictError extends DomainError {
  readonly status = 409;
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, details);
  }
}

/** Same idempotency key, different request (422). */
export class UnprocessableError extends DomainError {
  readonly status = 422;
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, details);
  }
}

/** The data store is throttling or unreachable; the client should retry (503). */
export class ServiceUnavailableError extends DomainError {
  readonly status = 503;
  constructor(
    message = 'The service is busy; retry shortly.',
    readonly retryAfterSeconds = 1,
    code = 'SERVICE_UNAVAILABLE',
  ) {
    super(code, message);
  }
}
