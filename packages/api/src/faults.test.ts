import {
  ProvisionedThroughputExceededException, TransactionCanceledException, type CancellationReason,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIdGenerator, type Organisation, type TechnicalRequest } from '@sharedtech/core';
import { createDb, keys } from '@sharedtech/data';
import { createApiApp } from './app.js';
import { localTokens } from '@sharedtech/identity';

/**
 * DynamoDB faults through the real app: createApp with a Db whose document
 * client is mocked, called with app.request(). The SDK's own retries happen
 * below `send`, so what the mock rejects with is what is left after them.
 */
const NOW = new Date('2026-05-01T08:00:00.000Z');
const db = createDb({ tableName: 'FaultTest', cursorSecret: 'unit-cursor-secret', endpoint: 'http://127.0.0.1:9', region: 'local' });
const tokens = localTokens('unit-token-secret');
const app = createApiApp({ db, clock: () => NOW, ids: createIdGenerator(() => NOW.getTime()), verifyToken: tokens.verifyToken });
const ddb = mockClient(db.doc);

const ENTERPRISE = 'org_01JD00000000000000000000E1';
const ASSOCIATION = 'org_01JD00000000000000000000A1';
const COLLEGE = 'org_01JD00000000000000000000C1';
const REQUEST = 'req_01JD00000000000000000000R1';
const AT = '2026-04-01T00:00:00.000Z';

const org = (id: string, type: Organisation['type']): Organisation => ({
  id, type, name: `${type} 测试`, status: 'VERIFIED', capabilities: [], createdAt: AT, updatedAt: AT, version: 3,
});
const request = (status: TechnicalRequest['status']): TechnicalRequest => ({
  id: REQUEST,
  ownerOrgId: ENTERPRISE,
  status,
  title: '焊缝缺陷视觉检测',
  summary: '需要对焊缝的气孔与裂纹进行在线视觉检测。',
  details: '节拍 3 秒/件；需提供光源、相机选型与检测算法。',
  cluster: 'smart-manufacturing',
  tags: ['机器视觉', '质量检测'],
  budget: { min: { amount: 5_000_000, currency: 'CNY' }, max: { amount: 10_000_000, currency: 'CNY' } },
  biddingDeadline: '2026-06-01T00:00:00.000Z',
  createdBy: 'boss',
  createdAt: AT,
  updatedAt: AT,
  version: 4,
});

/** The stored items the auth middleware and services read: a member of `orgItem` called `sub`. */
function given(sub: string, orgItem: Organisation) {
  ddb.on(GetCommand, { Key: keys.membership(sub) }).resolves({
    Item: { ...keys.membership(sub), sub, orgId: orgItem.id, role: 'OWNER', joinedAt: AT },
  });
  ddb.on(GetCommand, { Key: keys.org(orgItem.id) }).resolves({ Item: { ...keys.org(orgItem.id), ...orgItem } });
}

async function call(method: string, path: string, sub: string, body?: unknown) {
  const response = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${await tokens.issueDevToken(sub)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { error: { code: string; message: string; details?: unknown } } & Record<string, unknown> };
}

const cancelled = (reasons: CancellationReason[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled, please refer cancellation reasons for specific reasons', $metadata: {}, CancellationReasons: reasons });
const timeout = () => Object.assign(new Error('Connection timed out after 3000 ms'), { name: 'TimeoutError' });
const throttled = () => new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded.', $metadata: {} });

const transactWrites = () => ddb.commandCalls(TransactWriteCommand);
/** Writes outside TransactWriteItems: a state change must never make any. */
const otherWrites = () => [
  ...ddb.commandCalls(PutCommand),
  ...ddb.commandCalls(UpdateCommand),
  ...ddb.commandCalls(DeleteCommand),
  ...ddb.commandCalls(BatchWriteCommand),
];

beforeEach(() => {
  ddb.reset();
  given('boss', org(ENTERPRISE, 'ENTERPRISE'));
  given('moderator', org(ASSOCIATION, 'ASSOCIATION'));
  ddb.on(GetCommand, { Key: keys.membership('newcomer') }).resolves({});
  ddb.on(GetCommand, { Key: keys.request(REQUEST) }).resolves({ Item: { ...keys.request(REQUEST), ...request('DRAFT') } });
});
afterEach(() => ddb.reset());

describe('the Db the app is built with', () => {
  it('lets the SDK retry throttling and timeouts before an error reaches the app (maxAttempts > 1)', async () => {
    expect(await db.doc.config.maxAttempts()).toBeGreaterThan(1);
  });
});

describe('throttling and timeouts answer 503 with Retry-After', () => {
  it('when reading who the caller is is throttled', async () => {
    // Prepare
    ddb.on(GetCommand, { Key: keys.membership('boss') }).rejects(throttled());

    // Act
    const response = await call('GET', '/v1/me', 'boss');

    // Assess
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.body).toEqual({ error: { code: 'THROTTLED', message: expect.any(String), details: null } });
  });

  it('when a list query times out', async () => {
    ddb.on(QueryCommand).rejects(timeout());
    const response = await call('GET', '/v1/requests?cluster=smart-manufacturing', 'boss');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.body.error.code).toBe('DATABASE_UNAVAILABLE');
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts|stack/i);
  });

  it.each([
    ['throttled', throttled, 'THROTTLED'],
    ['cancelled by throttling', () => cancelled([{ Code: 'ThrottlingError' }, { Code: 'None' }]), 'THROTTLED'],
    ['cancelled by provisioned throughput', () => cancelled([{ Code: 'ProvisionedThroughputExceeded' }, { Code: 'None' }]), 'THROTTLED'],
    ['timed out', timeout, 'DATABASE_UNAVAILABLE'],
  ])('when the state change transaction is %s, leaving nothing half-written', async (_label, fault, code) => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(fault());

    // Act
    const response = await call('POST', `/v1/requests/${REQUEST}/submit`, 'boss');

    // Assess
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.body.error.code).toBe(code);
    expect(transactWrites()).toHaveLength(1);
    expect(otherWrites()).toHaveLength(0);
  });
});

describe('cancelled transactions and failed conditions answer 409 with the reason', () => {
  it('when the request changed since it was read (its version condition failed)', async () => {
    // Prepare: the request item is the first item of the transaction.
    ddb.on(GetCommand, { Key: keys.request(REQUEST) }).resolves({ Item: { ...keys.request(REQUEST), ...request('SUBMITTED') } });
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }]));

    // Act
    const response = await call('POST', `/v1/requests/${REQUEST}/review`, 'moderator', { decision: 'APPROVE' });

    // Assess
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'CONCURRENT_UPDATE', message: expect.stringMatching(/changed by someone else/) });
    expect(transactWrites()).toHaveLength(1);
    expect(otherWrites()).toHaveLength(0);
  });

  it('when another transaction on the same items was in progress', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'TransactionConflict' }, { Code: 'None' }]));
    const response = await call('POST', `/v1/requests/${REQUEST}/submit`, 'boss');
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('CONCURRENT_UPDATE');
    expect(transactWrites()).toHaveLength(1);
    expect(otherWrites()).toHaveLength(0);
  });

  it('naming every cancellation reason when no item claims the failure', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'ValidationError' }]));
    const response = await call('POST', `/v1/requests/${REQUEST}/submit`, 'boss');
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'CONFLICT', details: { reasons: ['None', 'None', 'None', 'ValidationError'] } });
  });

  it('when the user joined an organisation meanwhile (the membership item exists)', async () => {
    // Prepare: writes are [organisation, membership, college check, audit, notification].
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }]));

    // Act
    const response = await call('POST', '/v1/orgs', 'newcomer', { type: 'STUDIO', name: '视觉工作室', collegeId: COLLEGE });

    // Assess
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('ALREADY_MEMBER');
    expect(transactWrites()).toHaveLength(1);
    expect(otherWrites()).toHaveLength(0);
  });

  it('and a studio naming a college that does not exist is told so (400), with nothing written', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }]));
    const response = await call('POST', '/v1/orgs', 'newcomer', { type: 'STUDIO', name: '视觉工作室', collegeId: COLLEGE });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'UNKNOWN_COLLEGE', details: { issues: [{ path: 'collegeId' }] } });
    expect(transactWrites()).toHaveLength(1);
    expect(otherWrites()).toHaveLength(0);
  });
});

describe('a successful state change', () => {
  it('is one TransactWriteItems call: the versioned request, its tag copies, the statistics counters, the audit record and the notification', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});

    // Act
    const response = await call('POST', `/v1/requests/${REQUEST}/submit`, 'boss');

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: REQUEST, status: 'SUBMITTED' });
    expect(otherWrites()).toHaveLength(0);
    const calls = transactWrites();
    expect(calls).toHaveLength(1);
    const transactItems = calls[0]!.args[0].input.TransactItems!;
    const keyOf = (item: (typeof transactItems)[number]) =>
      item.Put ? `${item.Put.Item!.pk} ${item.Put.Item!.sk}` : `${item.Update!.Key!.pk} ${item.Update!.Key!.sk}`;
    expect(transactItems.map(keyOf)).toEqual([
      `REQ#${REQUEST} #REQ`,
      `REQ#${REQUEST} TAG#机器视觉`,
      `REQ#${REQUEST} TAG#质量检测`,
      expect.stringMatching(/^STATS#smart-manufacturing#\d #TOTAL$/),
      expect.stringMatching(new RegExp(`^AUDIT#request:${REQUEST} aud_`)),
      expect.stringMatching(/^INBOX#ASSOCIATIONS ntf_/),
    ]);
    expect(transactItems[3]!.Update).toMatchObject({
      UpdateExpression: 'ADD #c0 :c0, #c1 :c1',
      ExpressionAttributeNames: { '#c0': 'requests#DRAFT', '#c1': 'requests#SUBMITTED' },
      ExpressionAttributeValues: { ':c0': -1, ':c1': 1 },
    });
    const items = transactItems.filter((item) => item.Put).map((item) => item.Put!);
    expect(items[0]).toMatchObject({ Item: { status: 'SUBMITTED', version: 5 }, ExpressionAttributeValues: { ':expectedVersion': 4 } });
    expect(items[3]!.Item).toMatchObject({ action: 'submit', before: 'DRAFT', after: 'SUBMITTED', actor: { sub: 'boss', orgId: ENTERPRISE } });
  });
});
