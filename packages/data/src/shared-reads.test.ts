import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '@sharedtech/core';
import { createDb, sharingReads } from './client.js';
import { getItem } from './query.js';

const db = createDb({ tableName: 'SharedReadsTest', cursorSecret: 'unit', endpoint: 'http://127.0.0.1:9', region: 'local', maxAttempts: 1 });
const ddb = mockClient(db.doc);
afterEach(() => ddb.reset());

const KEY = { pk: 'REQ#req_1', sk: '#REQ' };
const anything = { parse: (item: unknown) => item };
const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

describe('reads shared by one page (a fault the SDK gave up on)', () => {
  it('forgets a failed read, so the next use case of the page reads again instead of failing the same way', async () => {
    // Prepare: the first read is throttled past the retries, the next one answers
    ddb.on(GetCommand).rejectsOnce(throttled).resolves({ Item: { ...KEY, id: 'req_1' } });
    const onePage = sharingReads(db);

    // Act
    const failed = getItem(onePage, KEY, anything);
    await expect(failed).rejects.toBeInstanceOf(ServiceUnavailableError);
    const [again, shared] = await Promise.all([getItem(onePage, KEY, anything), getItem(onePage, KEY, anything)]);

    // Assess: one failed read, then one read for both
    expect(again).toEqual({ id: 'req_1' });
    expect(shared).toEqual(again);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(2);
  });
});
