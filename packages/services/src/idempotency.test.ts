import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConflictError, ServiceUnavailableError, UnprocessableError, createIdGenerator, type Principal } from '@sharedtech/core';
import { commitChange, createDb } from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { canonicalJson, fingerprintOf, runIdempotent } from './idempotency.js';

const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => ddb.reset());

const now = new Date('2026-05-01T00:00:00.000Z');
const deps: ServiceDeps = {
  db: createDb({ tableName: 'unit', cursorSecret: 'unit', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }),
  clock: () => now,
  ids: createIdGenerator(),
};
const principal: Principal = { sub: 'user-1' };
const request = { key: 'key-12345678', method: 'POST', path: '/v1/contracts/c/milestones/1/fund', body: { reference: 'A' } };

const storedRecord = (fingerprint: string) => ({
  Item: { scope: 'user-1', key: request.key, fingerprint, status: 200, body: '{"status":"FUNDED"}', createdAt: now.toISOString(), validUntil: '2026-05-02T00:00:00.000Z' },
});

const cancelled = (...codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });

/** A command that writes its idempotency record (plus one other item) through the real commit path. */
const fundCommand = vi.fn(async (recordFor: (status: 200 | 201, body: { status: string }) => import('@sharedtech/data').Write[]) => {
  await commitChange(deps.db, {
    writes: [{ op: { Put: { TableName: 'unit', Item: { pk: 'X', sk: 'Y' } } } }, ...recordFor(200, { status: 'FUNDED' })],
    audit: [],
    notifications: [],
  });
  return { status: 200 as const, body: { status: 'FUNDED' } };
});

describe('fingerprints', () => {
  it('ignore key order and undefined fields but not values, paths or methods', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    const base = { method: 'POST', path: '/p', body: { a: 1, b: 2 } };
    expect(fingerprintOf(base)).toBe(fingerprintOf({ ...base, body: { b: 2, a: 1 } }));
    expect(fingerprintOf(base)).not.toBe(fingerprintOf({ ...base, body: { a: 1, b: 3 } }));
    expect(fingerprintOf(base)).not.toBe(fingerprintOf({ ...base, path: '/q' }));
    expect(fingerprintOf(base)).not.toBe(fingerprintOf({ ...base, method: 'PUT' }));
  });
});

describe('runIdempotent', () => {
  it('puts the record in the same transaction as the change', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});
    ddb.on(TransactWriteCommand).resolves({});
    // Act
    const result = await runIdempotent(deps, principal, request, fundCommand);
    // Assess
    expect(result).toEqual({ status: 200, body: { status: 'FUNDED' }, replayed: false });
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(2);
    expect(items[1]!.Put).toMatchObject({
      Item: { pk: 'IDEM#user-1#key-12345678', fingerprint: fingerprintOf(request), body: '{"status":"FUNDED"}', expiresAt: now.getTime() / 1000 + 86_400 },
      ConditionExpression: 'attribute_not_exists(pk) OR #expiresAt <= :now',
    });
  });

  it('replays the winner’s record when a concurrent duplicate committed first', async () => {
    // Prepare: no record when we look, the transaction loses on the record's condition, then the record is there.
    ddb.on(GetCommand).resolvesOnce({}).resolves(storedRecord(fingerprintOf(request)));
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));
    fundCommand.mockClear();
    // Act
    const result = await runIdempotent(deps, principal, request, fundCommand);
    // Assess
    expect(result).toEqual({ status: 200, body: { status: 'FUNDED' }, replayed: true });
    expect(fundCommand).toHaveBeenCalledTimes(1);
  });

  it('answers 422 when the stored request under the key was a different one', async () => {
    ddb.on(GetCommand).resolves(storedRecord('another-fingerprint'));
    await expect(runIdempotent(deps, principal, request, fundCommand)).rejects.toBeInstanceOf(UnprocessableError);
  });

  it('retries a transaction conflict with fresh reads, then succeeds', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('TransactionConflict', 'None')).resolves({});
    fundCommand.mockClear();
    const result = await runIdempotent(deps, principal, request, fundCommand);
    expect(result.replayed).toBe(false);
    expect(fundCommand).toHaveBeenCalledTimes(2);
  });

  it('gives up after a few conflicts with a 409, and does not retry throttling (503)', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(TransactWriteCommand).rejects(cancelled('TransactionConflict'));
    await expect(runIdempotent(deps, principal, request, fundCommand)).rejects.toBeInstanceOf(ConflictError);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(5);

    ddb.reset();
    ddb.on(GetCommand).resolves({});
    ddb.on(TransactWriteCommand).rejects(cancelled('ThrottlingError'));
    await expect(runIdempotent(deps, principal, request, fundCommand)).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
