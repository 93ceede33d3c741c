import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError, ValidationError } from '@sharedtech/core';
import { createCursorCodec, cursorsWithSecret } from './cursor.js';

const QUERY = 'gsi2|REQS#CLUSTER#smart-manufacturing#OPEN||{}';
const LAST_KEY = { pk: 'REQ#req_01', sk: '#REQ', gsi2pk: 'REQS#CLUSTER#smart-manufacturing#OPEN', gsi2sk: 'req_01' };

function refusal(act: () => unknown): ValidationError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const validation = error as ValidationError;
    expect(validation.status).toBe(400);
    expect(validation.code).toBe('INVALID_CURSOR');
    expect(validation.details).toEqual({ issues: [expect.objectContaining({ path: 'cursor', code: 'INVALID_CURSOR' })] });
    return validation;
  }
  throw new Error('expected the cursor to be refused');
}

const toBase64Url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursor codec', () => {
  const codec = createCursorCodec('secret-one');

  it('round-trips the start key for the query it was made for', () => {
    // Act
    const cursor = codec.encode(QUERY, LAST_KEY);

    // Assess
    expect(codec.decode(QUERY, cursor)).toEqual(LAST_KEY);
    expect(cursor).not.toContain('REQ#');
  });

  it('refuses a cursor of another query (another partition, index or filter)', () => {
    const cursor = codec.encode(QUERY, LAST_KEY);
    refusal(() => codec.decode('gsi2|REQS#CLUSTER#new-energy#OPEN||{}', cursor));
    refusal(() => codec.decode('gsi1|REQS#STATUS#OPEN||{}', cursor));
    refusal(() => codec.decode(`${QUERY}x`, cursor));
  });

  it('refuses a cursor whose key was altered, even by one character', () => {
    // Prepare
    const [, signature] = codec.encode(QUERY, LAST_KEY).split('.');
    const altered = toBase64Url({ q: QUERY, k: { ...LAST_KEY, pk: 'REQ#req_02' } });

    // Act / Assess
    refusal(() => codec.decode(QUERY, `${altered}.${signature}`));
  });

  it('refuses a cursor whose signature was altered or dropped', () => {
    const cursor = codec.encode(QUERY, LAST_KEY);
    const [body, signature] = cursor.split('.') as [string, string];
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    refusal(() => codec.decode(QUERY, `${body}.${flipped}`));
    refusal(() => codec.decode(QUERY, `${body}.`));
    refusal(() => codec.decode(QUERY, body));
    refusal(() => codec.decode(QUERY, `${body}.${signature}.extra`));
  });

  it('refuses a cursor forged without the secret, or signed with another one', () => {
    const forgedBody = toBase64Url({ q: QUERY, k: LAST_KEY });
    refusal(() => codec.decode(QUERY, `${forgedBody}.${'A'.repeat(43)}`));
    refusal(() => codec.decode(QUERY, createCursorCodec('secret-two').encode(QUERY, LAST_KEY)));
  });

  it.each(['', '.', 'garbage', '%%%.%%%', 'eyJxIjoieCJ9.forged', '😀.😀', 'a'.repeat(2048)])('refuses the garbage cursor %j', (garbage) => {
    refusal(() => codec.decode(QUERY, garbage));
  });

  it('refuses a correctly signed body that is not a cursor', () => {
    // A signature is only half the check: the payload must still have the cursor's shape.
    const sign = (body: string) => createHmac('sha256', 'secret-one').update(body).digest('base64url');
    for (const payload of [Buffer.from('not json').toString('base64url'), toBase64Url({ q: QUERY }), toBase64Url({ q: QUERY, k: { pk: { nested: true } } }), toBase64Url({ q: QUERY, k: ['pk'] }), toBase64Url({ q: 7, k: {} }), toBase64Url(null), toBase64Url([QUERY])]) {
      refusal(() => codec.decode(QUERY, `${payload}.${sign(payload)}`));
    }
  });
});

describe('cursors with a key read on first use', () => {
  it('reads the key once, on the first cursor, and signs as the codec with that key does', async () => {
    // Prepare
    let reads = 0;
    const cursors = cursorsWithSecret(async () => {
      reads += 1;
      return 'secret-one';
    });

    // Act
    const before = reads;
    const [first, second] = await Promise.all([cursors.encode(QUERY, LAST_KEY), cursors.encode(QUERY, { ...LAST_KEY, pk: 'REQ#req_02' })]);
    const decoded = await cursors.decode(QUERY, first);

    // Assess
    expect(before).toBe(0);
    expect(reads).toBe(1);
    expect(first).toBe(createCursorCodec('secret-one').encode(QUERY, LAST_KEY));
    expect(second).not.toBe(first);
    expect(decoded).toEqual(LAST_KEY);
    await expect(cursors.decode(QUERY, createCursorCodec('secret-two').encode(QUERY, LAST_KEY))).rejects.toBeInstanceOf(ValidationError);
  });

  it('answers 503 while the key cannot be read, and reads it again on the next cursor', async () => {
    // Prepare
    let reads = 0;
    const cursors = cursorsWithSecret(async () => {
      reads += 1;
      if (reads === 1) throw new Error('Secrets Manager is unreachable');
      return 'secret-one';
    });

    // Act
    const failed = await cursors.encode(QUERY, LAST_KEY).catch((error: unknown) => error);
    const cursor = await cursors.encode(QUERY, LAST_KEY);

    // Assess
    expect(failed).toBeInstanceOf(ServiceUnavailableError);
    expect((failed as ServiceUnavailableError).status).toBe(503);
    expect(reads).toBe(2);
    expect(await cursors.decode(QUERY, cursor)).toEqual(LAST_KEY);
  });
});
