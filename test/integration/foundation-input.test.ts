import { sign } from 'hono/utils/jwt/jwt';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCursorCodec } from '@sharedtech/data';
import { startTestApi, type ApiResponse } from '../support/harness.js';
import { expectError, issuePaths, tableItemCount } from '../support/assertions.js';
import { cny, consortium, openRequest, requestBody } from '../support/fixtures.js';

/**
 * Hostile and careless input: every answer is a 4xx with the one error body,
 * validation errors name the field paths, nothing is written, and no route
 * ever answers 500 to what a client sends.
 */
const api = await startTestApi();
const { moderator, enterprise, studio } = await consortium(api);
/** The secret startTestApi signs local tokens with (test/support/harness.ts). */
const TOKEN_SECRET = 'test-secret-not-for-production';
const DAY = 86_400_000;

let draftId: string;
let openIds: string[];
beforeAll(async () => {
  draftId = (await enterprise.caller.post('/v1/requests', requestBody(api))).body.id;
  openIds = [
    await openRequest(api, enterprise.caller, moderator, { cluster: 'cursor-a', tags: ['游标'] }),
    await openRequest(api, enterprise.caller, moderator, { cluster: 'cursor-a', tags: ['游标'] }),
    await openRequest(api, enterprise.caller, moderator, { cluster: 'cursor-b' }),
    await openRequest(api, enterprise.caller, moderator, { cluster: 'cursor-b' }),
  ];
});

/** Sends `act`, asserts a 400 listing exactly `paths` (in any order), and that the table did not change. */
async function refusedWith(paths: string[], act: () => Promise<ApiResponse>, code = 'VALIDATION_FAILED') {
  const before = await tableItemCount(api);
  const response = await act();
  expectError(response, 400, code);
  expect(new Set(issuePaths(response))).toEqual(new Set(paths));
  expect(await tableItemCount(api)).toBe(before);
  return response;
}

const post = (path: string, body: unknown) => api.call<any>('POST', path, enterprise.caller.token, body);
const rawPost = (path: string, text: string, token = enterprise.caller.token) => api.call<any>('POST', path, token, text, { 'content-type': 'application/json' });

describe('a new request with bad content', () => {
  const at = (days: number) => new Date(api.clock().getTime() + days * DAY).toISOString();
  const with_ = (overrides: Record<string, unknown>) => requestBody(api, overrides);

  it.each<[string, () => Record<string, unknown>, string[]]>([
    ['a title that is a number', () => with_({ title: 42 }), ['title']],
    ['tags that are a string', () => with_({ tags: 'PLC' }), ['tags']],
    ['an amount that is a string', () => with_({ budget: { min: { amount: '100', currency: 'CNY' }, max: cny(1000) } }), ['budget.min.amount']],
    ['a deadline that is a number', () => with_({ biddingDeadline: 1_900_000_000 }), ['biddingDeadline']],
    ['a title of 121 characters', () => with_({ title: '题'.repeat(121) }), ['title']],
    ['a summary of 1001 characters', () => with_({ summary: '述'.repeat(1001) }), ['summary']],
    ['details of 10 001 characters', () => with_({ details: 'd'.repeat(10_001) }), ['details']],
    ['11 tags', () => with_({ tags: Array.from({ length: 11 }, (_, i) => `标签${i}`) }), ['tags']],
    ['a tag of 33 characters', () => with_({ tags: ['t'.repeat(33)] }), ['tags.0']],
    ['a tag with a key separator', () => with_({ tags: ['a#b'] }), ['tags.0']],
    ['no tags', () => with_({ tags: [] }), ['tags']],
    ['repeated tags', () => with_({ tags: ['PLC', 'PLC'] }), ['tags']],
    ['a cluster that is not a slug', () => with_({ cluster: 'Smart Manufacturing' }), ['cluster']],
    ['a negative amount', () => with_({ budget: { min: { amount: -1, currency: 'CNY' }, max: cny(1000) } }), ['budget.min.amount']],
    ['a fractional amount', () => with_({ budget: { min: { amount: 10.5, currency: 'CNY' }, max: cny(1000) } }), ['budget.min.amount']],
    ['an amount beyond the largest accepted', () => with_({ budget: { min: cny(1), max: { amount: 1e15, currency: 'CNY' } } }), ['budget.max.amount']],
    ['a zero maximum budget', () => with_({ budget: { min: cny(0), max: cny(0) } }), ['budget.max.amount']],
    ['a minimum budget above the maximum', () => with_({ budget: { min: cny(2000), max: cny(1000) } }), ['budget.min.amount']],
    ['an unknown currency', () => with_({ budget: { min: { amount: 1, currency: 'USD' }, max: cny(1000) } }), ['budget.min.currency']],
    ['a bidding deadline in the past', () => with_({ biddingDeadline: at(-1), wantedBy: at(30) }), ['biddingDeadline']],
    ['a bidding deadline that is not a date', () => with_({ biddingDeadline: 'next Friday' }), ['biddingDeadline']],
    ['a bidding deadline without a time zone', () => with_({ biddingDeadline: '2099-12-31T18:00:00' }), ['biddingDeadline']],
    ['a wanted date before the deadline', () => with_({ biddingDeadline: at(20), wantedBy: at(10) }), ['wantedBy']],
    ['an unknown IP preference', () => with_({ ipPreference: 'NOBODY' }), ['ipPreference']],
    ['a status chosen by the client', () => with_({ status: 'OPEN' }), ['(root)']],
    ['an owner chosen by the client', () => with_({ ownerOrgId: studio.orgId }), ['(root)']],
  ])('is refused for %s (400 with the field path), writing nothing', async (_label, body, paths) => {
    await refusedWith(paths, () => post('/v1/requests', body()));
  });

  it('lists every missing field', async () => {
    await refusedWith(['title', 'summary', 'details', 'cluster', 'tags', 'budget', 'biddingDeadline'], () => post('/v1/requests', {}));
  });

  it.each([
    ['malformed JSON', '{"title": "焊缝",'],
    ['a truncated document', '{'],
    ['an empty body', ''],
    ['not JSON at all', 'title=焊缝'],
  ])('refuses %s with 400 MALFORMED_JSON, writing nothing', async (_label, text) => {
    const before = await tableItemCount(api);
    expectError(await rawPost('/v1/requests', text), 400, 'MALFORMED_JSON');
    expect(await tableItemCount(api)).toBe(before);
  });

  it.each(['[]', 'null', '"焊缝"', '42', 'true'])('refuses the JSON document %s, which is not an object', async (text) => {
    await refusedWith(['(root)'], () => rawPost('/v1/requests', text));
  });

  it('refuses deeply nested JSON without falling over', async () => {
    const before = await tableItemCount(api);
    const response = await rawPost('/v1/requests', `{"title":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expectError(response, 400);
    expect(await tableItemCount(api)).toBe(before);
  });

  it('refuses a body that is not JSON by its content type (415)', async () => {
    const before = await tableItemCount(api);
    const response = await api.call<any>('POST', '/v1/requests', enterprise.caller.token, JSON.stringify(requestBody(api)), { 'content-type': 'text/plain' });
    expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await tableItemCount(api)).toBe(before);
  });

  it('refuses a body over the size limit with 413, writing nothing', async () => {
    const before = await tableItemCount(api);
    const huge = JSON.stringify(requestBody(api, { details: '细'.repeat(30_000) }));
    expect(Buffer.byteLength(huge)).toBeGreaterThan(64 * 1024);
    const response = await post('/v1/requests', JSON.parse(huge));
    expectError(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(response.body.error.details).toEqual({ limitBytes: 64 * 1024 });
    expectError(await api.call<any>('POST', '/dev/token', undefined, { sub: 'x'.repeat(70_000) }), 413, 'PAYLOAD_TOO_LARGE');
    expect(await tableItemCount(api)).toBe(before);
  });

  it('refuses an oversized body sent in chunks without a Content-Length (413)', async () => {
    const before = await tableItemCount(api);
    const chunk = new TextEncoder().encode(`"${'x'.repeat(10_000)}`);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await fetch(`${api.baseUrl}/v1/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${enterprise.caller.token}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expectError({ status: response.status, body: await response.json(), headers: response.headers }, 413, 'PAYLOAD_TOO_LARGE');
    expect(await tableItemCount(api)).toBe(before);
  });

  it('has created none of them: the enterprise still has only its one draft and the OPEN requests', async () => {
    const mine = await enterprise.caller.get('/v1/requests?mine=true&limit=100');
    expect(mine.body.items.map((request: { id: string }) => request.id).sort()).toEqual([draftId, ...openIds].sort());
  });
});

describe('bad edits and decisions', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a wrong type', { tags: [1, 2] }, ['tags.0', 'tags.1']],
    ['a deadline in the past', { biddingDeadline: '2000-01-01T00:00:00Z' }, ['biddingDeadline']],
    ['a maximum below the stored minimum', { budget: { min: cny(90_000), max: cny(10) } }, ['budget.min.amount']],
    ['a field that cannot be edited', { status: 'OPEN' }, ['(root)']],
    ['nothing to change', {}, ['(root)']],
  ])('refuses an edit with %s and leaves the draft as it was', async (_label, patch, paths) => {
    const before = (await enterprise.caller.get(`/v1/requests/${draftId}`)).body;
    await refusedWith(paths, () => api.call<any>('PATCH', `/v1/requests/${draftId}`, enterprise.caller.token, patch));
    expect((await enterprise.caller.get(`/v1/requests/${draftId}`)).body).toEqual(before);
  });

  it.each<[string, string, unknown, string[]]>([
    ['an unknown review decision', 'review', { decision: 'MAYBE' }, ['decision']],
    ['a review reason of 1001 characters', 'review', { decision: 'REJECT', reason: 'r'.repeat(1001) }, ['reason']],
    ['a suspension reason that is not text', 'suspend', { reason: 42 }, ['reason']],
  ])('refuses %s', async (_label, action, body, paths) => {
    await refusedWith(paths, () => moderator.post(`/v1/requests/${openIds[0]}/${action}`, body));
    expect((await moderator.get(`/v1/requests/${openIds[0]}`)).body.status).toBe('OPEN');
  });

  it.each<[string, string, unknown, string[]]>([
    ['a lower-case verification decision', 'verification', { decision: 'verify' }, ['decision']],
    ['an unknown member role', 'member-invitations', { role: 'ADMIN', displayName: '新成员' }, ['role']],
    ['a member display name of 61 characters', 'member-invitations', { displayName: '名'.repeat(61) }, ['displayName']],
  ])('refuses %s on an organisation', async (_label, action, body, paths) => {
    const caller = action === 'verification' ? moderator : studio.caller;
    await refusedWith(paths, () => caller.post(`/v1/orgs/${studio.orgId}/${action}`, body));
  });
});

describe('bad queries and forged cursors', () => {
  it.each([
    ['/v1/requests?status=FOO', ['status']],
    ['/v1/requests?limit=0', ['limit']],
    ['/v1/requests?limit=101', ['limit']],
    ['/v1/requests?limit=abc', ['limit']],
    ['/v1/requests?cluster=UPPER%20CASE', ['cluster']],
    ['/v1/requests?tag=a%23b', ['tag']],
    ['/v1/requests?mine=yes', ['mine']],
    ['/v1/requests?status=OPEN&status=DRAFT', ['status']],
    ['/v1/orgs?type=ALIEN', ['type']],
    ['/v1/audit', ['entity']],
    ['/v1/audit?entity=request', ['entity']],
    [`/v1/requests?cursor=${'c'.repeat(2049)}`, ['cursor']],
  ])('refuses %s with 400 and the parameter', async (path, paths) => {
    await refusedWith(paths, () => studio.caller.get(path));
  });

  it('refuses cursors that are garbage, altered, forged or from another list', async () => {
    // Prepare: a genuine cursor of cluster-a's first page.
    const page = await studio.caller.get('/v1/requests?cluster=cursor-a&limit=1');
    const genuine: string = page.body.nextCursor;
    expect(genuine).toEqual(expect.any(String));
    expect((await studio.caller.get(`/v1/requests?cluster=cursor-a&limit=1&cursor=${encodeURIComponent(genuine)}`)).status).toBe(200);
    const [body, signature] = genuine.split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(body, 'base64url').toString());
    const altered = Buffer.from(JSON.stringify({ ...decoded, k: { ...decoded.k, gsi2sk: 'req_00000000000000000000000000' } })).toString('base64url');
    const otherSecret = createCursorCodec('not-the-server-secret').encode(decoded.q, decoded.k);

    // Act / Assess
    for (const [cursor, path] of [
      ['garbage', 'cluster=cursor-a'],
      ['eyJxIjoieCJ9.forged', 'cluster=cursor-a'],
      [`${altered}.${signature}`, 'cluster=cursor-a'],
      [`${body}.${signature.slice(1)}`, 'cluster=cursor-a'],
      [otherSecret, 'cluster=cursor-a'],
      [genuine, 'cluster=cursor-b'],
      [genuine, `tag=${encodeURIComponent('游标')}`],
      [genuine, 'status=CLOSED'],
    ] as const) {
      const response = await studio.caller.get(`/v1/requests?${path}&limit=1&cursor=${encodeURIComponent(cursor)}`);
      expectError(response, 400, 'INVALID_CURSOR');
      expect(issuePaths(response)).toEqual(['cursor']);
    }
    expectError(await moderator.get(`/v1/orgs?cursor=${encodeURIComponent(genuine)}`), 400, 'INVALID_CURSOR');
    expectError(await moderator.get(`/v1/notifications?cursor=${encodeURIComponent(genuine)}`), 400, 'INVALID_CURSOR');
  });
});

describe('absurd ids', () => {
  const absurd = [
    'x'.repeat(1000),
    '..%2F..%2Fetc%2Fpasswd',
    'req_01jd0000000000000000000000',
    'req_01JD00000000000000000000000',
    "req_01JD0000000000000000000000'%20OR%20'1'%3D'1",
    '%F0%9F%98%80',
    'REQ%2301',
    'org_01JD0000000000000000000000',
  ];

  it.each(absurd)('refuses the request id %s before any read (400)', async (id) => {
    for (const [method, path, body] of [
      ['GET', `/v1/requests/${id}`, undefined],
      ['PATCH', `/v1/requests/${id}`, { title: '改个标题' }],
      ['POST', `/v1/requests/${id}/submit`, {}],
      ['POST', `/v1/requests/${id}/cancel`, {}],
    ] as const) {
      const response = await api.call<any>(method, path, enterprise.caller.token, body);
      expectError(response, 400, 'VALIDATION_FAILED');
      expect(issuePaths(response)).toContain('id');
    }
  });

  it('refuses an absurd organisation id (400)', async () => {
    for (const id of ['x'.repeat(500), 'req_01JD0000000000000000000000', '%00']) {
      const response = await moderator.post(`/v1/orgs/${id}/verification`, { decision: 'VERIFY' });
      expectError(response, 400, 'VALIDATION_FAILED');
      expect(new Set(issuePaths(response))).toEqual(new Set(['orgId']));
    }
  });
});

describe('bearer tokens', () => {
  const now = () => Math.floor(Date.now() / 1000);
  it.each<[string, () => Promise<Record<string, string>>, string]>([
    ['no Authorization header', async () => ({}), 'UNAUTHENTICATED'],
    ['an empty bearer', async () => ({ authorization: 'Bearer ' }), 'UNAUTHENTICATED'],
    ['another scheme', async () => ({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }), 'UNAUTHENTICATED'],
    ['garbage', async () => ({ authorization: 'Bearer not-a-jwt' }), 'INVALID_TOKEN'],
    ['three garbage parts', async () => ({ authorization: 'Bearer aaa.bbb.ccc' }), 'INVALID_TOKEN'],
    ['an unsigned token (alg none)', async () => ({ authorization: `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: enterprise.caller.sub })).toString('base64url')}.` }), 'INVALID_TOKEN'],
    ['a token signed with another secret', async () => ({ authorization: `Bearer ${await sign({ sub: enterprise.caller.sub, iss: 'sharedtech-local', exp: now() + 600 }, 'another-secret', 'HS256')}` }), 'INVALID_TOKEN'],
    ['an expired token', async () => ({ authorization: `Bearer ${await sign({ sub: enterprise.caller.sub, iss: 'sharedtech-local', iat: now() - 7200, exp: now() - 3600 }, TOKEN_SECRET, 'HS256')}` }), 'INVALID_TOKEN'],
    ['a token of another issuer', async () => ({ authorization: `Bearer ${await sign({ sub: enterprise.caller.sub, iss: 'someone-else', exp: now() + 600 }, TOKEN_SECRET, 'HS256')}` }), 'INVALID_TOKEN'],
    ['a token without a subject', async () => ({ authorization: `Bearer ${await sign({ iss: 'sharedtech-local', exp: now() + 600 }, TOKEN_SECRET, 'HS256')}` }), 'UNAUTHENTICATED'],
  ])('refuses %s with 401', async (_label, headers, code) => {
    const before = await tableItemCount(api);
    const auth = await headers();
    for (const [method, path, body] of [
      ['GET', '/v1/me', undefined],
      ['POST', '/v1/requests', requestBody(api)],
      ['POST', `/v1/requests/${draftId}/submit`, {}],
    ] as const) {
      const response = await api.call<any>(method, path, undefined, body, auth);
      expectError(response, 401, code);
    }
    expect(await tableItemCount(api)).toBe(before);
    expect((await enterprise.caller.get(`/v1/requests/${draftId}`)).body.status).toBe('DRAFT');
  });

  it('accepts the same identity with a genuine token (the control)', async () => {
    const token = await sign({ sub: enterprise.caller.sub, iss: 'sharedtech-local', iat: now(), exp: now() + 600 }, TOKEN_SECRET, 'HS256');
    const me = await api.call<any>('GET', '/v1/me', token);
    expect(me.status).toBe(200);
    expect(me.body.membership.orgId).toBe(enterprise.orgId);
  });
});

describe('unknown routes', () => {
  it.each([
    ['GET', '/v1/nothing-here'],
    ['GET', '/v1/requests/req_01JD0000000000000000000000/history'],
    ['DELETE', '/v1/requests/req_01JD0000000000000000000000'],
    ['PUT', '/v1/orgs'],
    ['GET', '/dev/nothing'],
  ])('answer %s %s with 404 and the error body', async (method, path) => {
    const response = await api.call<any>(method, path, enterprise.caller.token);
    expectError(response, 404, 'NOT_FOUND');
  });
});

describe('every route of the OpenAPI document', () => {
  const PREFIX_BY_SEGMENT: Record<string, string> = { orgs: 'org', accounts: 'org', requests: 'req', bids: 'bid', contracts: 'ctr', disputes: 'dsp', appointments: 'apt', resources: 'res' };
  const wellFormed = (path: string, name: string) =>
    name === 'n' ? '1' : `${(name === 'orgId' ? 'org' : PREFIX_BY_SEGMENT[path.split('/')[2]!]) ?? 'req'}_01JD0000000000000000000000`;
  const fill = (path: string, value: (name: string) => string) => path.replace(/\{(\w+)\}/g, (_match, name: string) => value(name));
  const garbageQuery = '?limit=-1&cursor=forged.cursor&status=NOPE&cluster=%00&tag=%23&entity=x&requestId=zzz&mine=maybe&type=X';

  it('answers hostile input with a 4xx error body, never a 500, and writes nothing', { timeout: 120_000 }, async () => {
    // Prepare
    const doc = (await api.call<any>('GET', '/openapi.json')).body;
    const operations = Object.entries<Record<string, { requestBody?: unknown; parameters?: { in: string; name: string }[] }>>(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })));
    expect(operations.length).toBeGreaterThanOrEqual(20);
    const before = await tableItemCount(api);
    const failures: string[] = [];
    let tried = 0;

    // Act: only input that is wrong in itself (a well-formed unknown id on a GET is a fair question, not hostile).
    for (const { path, method, operation } of operations) {
      const hasPathParameters = path.includes('{');
      const hasQuery = (operation.parameters ?? []).some((parameter) => parameter.in === 'query');
      const sendsBody = method !== 'GET';
      const known = fill(path, (name) => wellFormed(path, name));
      const attempts: { url: string; body?: string; headers?: Record<string, string> }[] = [
        ...(hasPathParameters
          ? [
              { url: fill(path, () => encodeURIComponent('../'.repeat(40) + '\u0000')), body: '{"' },
              { url: fill(path, (name) => (name === 'n' ? '-1' : 'x'.repeat(200))), body: '[]', headers: { 'idempotency-key': '' } },
            ]
          : []),
        ...(hasQuery ? [{ url: known + garbageQuery }] : []),
        ...(sendsBody
          ? [
              { url: known, body: '{"title":', headers: { 'idempotency-key': 'sweep-key-0001' } },
              { url: known, body: '{"unexpected":[1,{"deep":null}],"amount":"NaN"}', headers: { 'idempotency-key': 'sweep-key-0002' } },
            ]
          : []),
      ];
      for (const caller of [enterprise.caller, moderator]) {
        for (const attempt of attempts) {
          const response = await api.call<any>(method, attempt.url, caller.token, sendsBody ? attempt.body : undefined, {
            ...(sendsBody ? { 'content-type': 'application/json' } : {}),
            ...attempt.headers,
          });
          const wellShaped = response.body?.error && typeof response.body.error.code === 'string' && typeof response.body.error.message === 'string';
          if (response.status < 400 || response.status >= 500 || !wellShaped) {
            failures.push(`${method} ${attempt.url.slice(0, 120)} as ${caller.sub}: ${response.status} ${JSON.stringify(response.body)?.slice(0, 200)}`);
          }
          tried += 1;
        }
      }
    }
    expect(tried).toBeGreaterThan(100);

    // Assess
    expect(failures).toEqual([]);
    expect(await tableItemCount(api)).toBe(before);
  });
});
