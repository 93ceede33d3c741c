import {
  ConditionalCheckFailedException, InternalServerError, ProvisionedThroughputExceededException, RequestLimitExceeded,
  TransactionCanceledException, TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '@sharedtech/core';
import { toDomainError } from './errors.js';

const $metadata = {};
const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata, CancellationReasons: codes.map((Code) => ({ Code })) });

describe('toDomainError', () => {
  it.each([
    ['ProvisionedThroughputExceededException', new ProvisionedThroughputExceededException({ message: 'slow down', $metadata })],
    ['RequestLimitExceeded', new RequestLimitExceeded({ message: 'account limit', $metadata })],
    ['ThrottlingException', named('ThrottlingException')],
    ['a transaction cancelled by ThrottlingError', cancelled('None', 'ThrottlingError')],
    ['a transaction cancelled by ProvisionedThroughputExceeded', cancelled('ProvisionedThroughputExceeded', 'None')],
  ])('turns %s into 503 THROTTLED with a retry delay', (_label, error) => {
    // Act
    const mapped = toDomainError(error);

    // Assess
    expect(mapped).toBeInstanceOf(ServiceUnavailableError);
    expect(mapped).toMatchObject({ status: 503, code: 'THROTTLED', retryAfterSeconds: 1 });
  });

  it.each([
    ['an SDK timeout', named('TimeoutError')],
    ['an aborted request', named('AbortError')],
    ['a DynamoDB internal error', new InternalServerError({ message: 'oops', $metadata })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' })],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('turns %s into 503 DATABASE_UNAVAILABLE', (_label, error) => {
    expect(toDomainError(error)).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', retryAfterSeconds: 1 });
  });

  it('turns a transaction conflict into 409 CONCURRENT_UPDATE', () => {
    expect(toDomainError(cancelled('None', 'TransactionConflict'))).toMatchObject({ status: 409, code: 'CONCURRENT_UPDATE' });
    expect(toDomainError(new TransactionConflictException({ message: 'busy', $metadata }))).toMatchObject({ status: 409, code: 'CONCURRENT_UPDATE' });
  });

  it('reports the conflict of the item whose condition failed, by its position', () => {
    // Prepare
    const asked: [number, string][] = [];
    const conflictFor = (index: number, reason: string) => {
      asked.push([index, reason]);
      return index === 2 ? new ConflictError('ALREADY_THERE', 'The third item exists already.') : undefined;
    };

    // Act
    const mapped = toDomainError(cancelled('None', 'None', 'ConditionalCheckFailed'), conflictFor);

    // Assess
    expect(mapped).toMatchObject({ status: 409, code: 'ALREADY_THERE' });
    expect(asked).toEqual([[2, 'ConditionalCheckFailed']]);
  });

  it('falls back to 409 CONFLICT listing every reason when no item claims it', () => {
    const mapped = toDomainError(cancelled('None', 'ConditionalCheckFailed'), () => undefined);
    expect(mapped).toBeInstanceOf(ConflictError);
    expect(mapped).toMatchObject({ status: 409, code: 'CONFLICT', details: { reasons: ['None', 'ConditionalCheckFailed'] } });
  });

  it('does not blame an item for a reason that is not a failed condition', () => {
    const mapped = toDomainError(cancelled('ValidationError', 'None'), () => new ConflictError('ITEM', 'item conflict'));
    expect(mapped).toMatchObject({ status: 409, code: 'CONFLICT', details: { reasons: ['ValidationError', 'None'] } });
  });

  it('turns a failed single-item condition into the first item’s conflict, or CONFLICT', () => {
    const failed = new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata });
    expect(toDomainError(failed, (index) => (index === 0 ? new ConflictError('FIRST', 'first') : undefined))).toMatchObject({ code: 'FIRST' });
    expect(toDomainError(failed)).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  it('passes domain errors through and leaves unknown failures as they are (a bug, not input)', () => {
    const domain = new NotFoundError('Request', 'req_1');
    expect(toDomainError(domain)).toBe(domain);
    const bug = new TypeError('x is undefined');
    expect(toDomainError(bug)).toBe(bug);
    expect(toDomainError('a string')).toEqual(new Error('a string'));
  });
});
