import { ConflictError, DomainError, ServiceUnavailableError } from '@sharedtech/core';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'ThrottlingError',
]);
const TRANSIENT = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
  'InternalServerError',
  'ServiceUnavailable',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  CancellationReasons?: { Code?: string; Message?: string }[];
}

/** A conflict to report when a transaction item's condition fails, by position. */
export type ConflictFor = (index: number, reasonCode: string) => DomainError | undefined;

/**
 * Translates DynamoDB SDK failures into domain errors. By the time an error
 * reaches here the SDK has already retried throttling and transient faults
 * (`maxAttempts`), so they become a 503 with Retry-After; failed conditions and
 * cancelled transactions are state conflicts (409) that retrying will not fix.
 */
export function toDomainError(error: unknown, conflictFor?: ConflictFor): Error {
  if (error instanceof DomainError) return error;
  const aws = (error ?? {}) as AwsLikeError;
  const name = aws.name ?? aws.code ?? '';
  if (THROTTLING.has(name)) {
    return new ServiceUnavailableError('The database is throttling requests; retry shortly.', 1, 'THROTTLED');
  }
  if (TRANSIENT.has(name) || TRANSIENT.has(aws.code ?? '')) {
    return new ServiceUnavailableError('The database did not answer in time; retry shortly.', 1, 'DATABASE_UNAVAILABLE');
  }
  if (name === 'TransactionCanceledException') {
    const reasons = aws.CancellationReasons ?? [];
    // Cancellation reason codes drop the "Exception" suffix (ProvisionedThroughputExceeded, ThrottlingError).
    if (reasons.some((reason) => THROTTLING.has(reason.Code ?? '') || THROTTLING.has(`${reason.Code}Exception`))) {
      return new ServiceUnavailableError('The database is throttling requests; retry shortly.', 1, 'THROTTLED');
    }
    if (reasons.some((reason) => reason.Code === 'TransactionConflict')) {
      return new ConflictError('CONCURRENT_UPDATE', 'Another change to the same records was in progress; reload and try again.');
    }
    // Only a failed condition is the item's own conflict; any other reason is reported as it is.
    for (const [index, reason] of reasons.entries()) {
      if (reason.Code === 'ConditionalCheckFailed') {
        const specific = conflictFor?.(index, reason.Code);
        if (specific) return specific;
      }
    }
    return new ConflictError('CONFLICT', 'The change conflicts with the current state; reload and try again.', {
      reasons: reasons.map((reason) => reason.Code ?? 'None'),
    });
  }
  if (name === 'TransactionConflictException') {
    return new ConflictError('CONCURRENT_UPDATE', 'Another change to the same records was in progress; reload and try again.');
  }
  if (name === 'ConditionalCheckFailedException') {
    return conflictFor?.(0, 'ConditionalCheckFailed') ??
      new ConflictError('CONFLICT', 'The change conflicts with the current state; reload and try again.');
  }
  return error instanceof Error ? error : new Error(String(error));
}
