import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, type AuditRecord, type Notification } from '@sharedtech/core';
import { createDb } from './client.js';
import { AUDIT_GENESIS, hashAuditItem } from './audit-chain.js';
import { MAX_TRANSACTION_ITEMS, commitChange, putIfVersion, putNew, type Change } from './commit.js';

const db = createDb({ tableName: 'CommitTest', cursorSecret: 'unit', endpoint: 'http://127.0.0.1:9', region: 'local' });
const ddb = mockClient(db.doc);
afterEach(() => ddb.reset());

const AT = '2026-01-01T00:00:00.000Z';
const audit: AuditRecord = { id: 'aud_1', entity: { type: 'request', id: 'req_1' }, action: 'submit', actor: { sub: 'u1' }, before: 'DRAFT', after: 'SUBMITTED', at: AT };
const notification: Notification = { id: 'ntf_1', recipient: { associations: true }, type: 'REQUEST_SUBMITTED', entity: audit.entity, params: {}, at: AT };

const change = (): Change => ({
  writes: [
    putIfVersion(db, { pk: 'REQ#req_1', sk: '#REQ', status: 'SUBMITTED', version: 2 }, () => new ConflictError('CHANGED', 'changed meanwhile')),
    putNew(db, { pk: 'LOCK#x', sk: '#LOCK' }, () => new ConflictError('LOCKED', 'already locked')),
  ],
  audit: [audit],
  notifications: [notification],
});

/** Every write command the mock saw other than TransactWriteItems. */
const otherWrites = () => [
  ...ddb.commandCalls(PutCommand),
  ...ddb.commandCalls(UpdateCommand),
  ...ddb.commandCalls(DeleteCommand),
  ...ddb.commandCalls(BatchWriteCommand),
];

describe('commitChange', () => {
  it('writes the entities, the audit record and the notification in one TransactWriteItems call', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});

    // Act
    await commitChange(db, change());

    // Assess
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    expect(otherWrites()).toHaveLength(0);
    const items = calls[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(4);
    expect(items[0]!.Put).toMatchObject({ TableName: 'CommitTest', ConditionExpression: '#version = :expectedVersion', ExpressionAttributeValues: { ':expectedVersion': 1 } });
    expect(items[1]!.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)' });
    // The audit record is append-only: a Put that may never overwrite, at the next position of its entity's hash chain.
    expect(items[2]!.Put).toMatchObject({
      Item: { pk: 'AUDIT#request:req_1', sk: 'aud_seq#0000000001', id: 'aud_1', action: 'submit', seq: 1, prevHash: AUDIT_GENESIS, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(hashAuditItem(items[2]!.Put!.Item!)).toBe(items[2]!.Put!.Item!.hash);
    expect(items[3]!.Put).toMatchObject({ Item: { pk: 'INBOX#ASSOCIATIONS', sk: 'ntf_1', type: 'REQUEST_SUBMITTED' } });
  });

  it.each([
    [0, 'CHANGED'],
    [1, 'LOCKED'],
  ])('reports the conflict of item %i when its condition fails, after one attempt and no other write', async (index, code) => {
    // Prepare
    const reasons = [{ Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }];
    reasons[index] = { Code: 'ConditionalCheckFailed' };
    ddb.on(TransactWriteCommand).rejects(new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: reasons }));

    // Act
    const error = await commitChange(db, change()).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, code });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(otherWrites()).toHaveLength(0);
  });

  it('links the record after the chain tail it reads, and rebuilds the link when another change took that position first', async () => {
    // Prepare: the chain has 4 links; a concurrent change takes position 5 between our read and our write.
    ddb.on(QueryCommand).resolvesOnce({ Items: [{ seq: 4, hash: 'a'.repeat(64) }] }).resolves({ Items: [{ seq: 5, hash: 'b'.repeat(64) }] });
    const taken = new TransactionCanceledException({
      message: 'cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
    });
    ddb.on(TransactWriteCommand).rejectsOnce(taken).resolves({});

    // Act
    await commitChange(db, change());

    // Assess
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.args[0].input.TransactItems![2]!.Put!.Item).toMatchObject({ sk: 'aud_seq#0000000005', seq: 5, prevHash: 'a'.repeat(64) });
    expect(calls[1]!.args[0].input.TransactItems![2]!.Put!.Item).toMatchObject({ sk: 'aud_seq#0000000006', seq: 6, prevHash: 'b'.repeat(64) });
    expect(otherWrites()).toHaveLength(0);
  });

  it('links the records of an entity the change creates from GENESIS without reading its tail, and still reads it when that position was taken', async () => {
    // Prepare: first as it always is (a fresh id, no chain), then a chain that exists after all.
    ddb.on(TransactWriteCommand).resolves({});

    // Act
    await commitChange(db, { ...change(), created: new Set(['request:req_1']) });

    // Assess: one transaction, no read of the tail, the link at position 1.
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![2]!.Put).toMatchObject({
      Item: { sk: 'aud_seq#0000000001', seq: 1, prevHash: AUDIT_GENESIS },
      ConditionExpression: 'attribute_not_exists(pk)',
    });

    // Prepare: the chain had 2 links (the id was not new): position 1 is taken, so the link alone fails.
    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [{ seq: 2, hash: 'c'.repeat(64) }] });
    const taken = new TransactionCanceledException({
      message: 'cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
    });
    ddb.on(TransactWriteCommand).rejectsOnce(taken).resolves({});

    // Act
    await commitChange(db, { ...change(), created: new Set(['request:req_1']) });

    // Assess: rebuilt on the tail it then read; the chain never forks.
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(2);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    expect(calls[1]!.args[0].input.TransactItems![2]!.Put!.Item).toMatchObject({ sk: 'aud_seq#0000000003', seq: 3, prevHash: 'c'.repeat(64) });
  });

  it('does not retry when an entity item failed too: that is the change\'s own conflict', async () => {
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    await expect(commitChange(db, change())).rejects.toMatchObject({ status: 409, code: 'CHANGED' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('answers 503 when the transaction is throttled', async () => {
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ThrottlingError' }, { Code: 'None' }] }),
    );
    await expect(commitChange(db, change())).rejects.toMatchObject({ status: 503, code: 'THROTTLED' });
    expect(otherWrites()).toHaveLength(0);
  });

  it('refuses a change larger than one transaction before sending anything', async () => {
    const huge = change();
    huge.writes = Array.from({ length: MAX_TRANSACTION_ITEMS }, (_, index) => putNew(db, { pk: `X#${index}`, sk: '#X' }));
    await expect(commitChange(db, huge)).rejects.toThrow(/at most 100 items/);
    expect(ddb.calls()).toHaveLength(0);
  });
});
