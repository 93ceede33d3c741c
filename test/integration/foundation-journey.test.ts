import { describe, expect, it } from 'vitest';
import { startTestApi, type ApiResponse } from '../support/harness.js';
import { expectError, itemIds } from '../support/assertions.js';
import { association, creditCode, requestBody } from '../support/fixtures.js';

/**
 * Issue #2 end to end, as a new user following PRODUCT.md would do it with curl:
 * every call is plain HTTP with a bearer token from POST /dev/token, and every
 * forbidden step on the way is answered 401, 403 or 409 as the spec says.
 * The steps run in order and build on each other.
 */
const api = await startTestApi();
// Associations come only from the operator command (PRODUCT.md §1); everything else goes over HTTP.
const moderator = await association(api);

const tokens: Record<string, string> = {};
const as = (who: string) => ({
  get: (path: string) => api.call<any>('GET', path, tokens[who]),
  post: (path: string, body: unknown = {}) => api.call<any>('POST', path, tokens[who], body),
  patch: (path: string, body: unknown) => api.call<any>('PATCH', path, tokens[who], body),
});
const ids: Record<string, string> = {};
const CLUSTER = 'precision-parts';
const TAG = '激光焊接';

describe('a new user following PRODUCT.md over plain HTTP', () => {
  it('gets tokens for several identities, each of them nobody yet', async () => {
    for (const who of ['acme', 'rival', 'college', 'studio', 'newStudio']) {
      const minted = await api.call<any>('POST', '/dev/token', undefined, { sub: `journey-${who}` });
      expect(minted.status).toBe(200);
      tokens[who] = minted.body.token;
      const me = await as(who).get('/v1/me');
      expect(me.body).toEqual({ sub: `journey-${who}`, membership: null, organisation: null });
    }
    tokens.moderator = moderator.token;
    expectError(await api.call<any>('GET', '/v1/me'), 401, 'UNAUTHENTICATED');
  });

  it('registers organisations and becomes their OWNER, PENDING verification', async () => {
    const register = async (who: string, body: Record<string, unknown>) => {
      const response = await as(who).post('/v1/orgs', body);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      expect(response.body).toMatchObject({ ...body, id: expect.stringMatching(/^org_/), status: 'PENDING' });
      ids[who] = response.body.id;
      const me = await as(who).get('/v1/me');
      expect(me.body.membership).toMatchObject({ sub: `journey-${who}`, orgId: response.body.id, role: 'OWNER' });
      expect(me.body.organisation).toMatchObject({ id: response.body.id, status: 'PENDING' });
    };
    await register('acme', { type: 'ENTERPRISE', name: '精密零件有限公司', cluster: CLUSTER, creditCode: creditCode() });
    await register('rival', { type: 'ENTERPRISE', name: '另一家制造企业', cluster: CLUSTER, creditCode: creditCode() });
    await register('college', { type: 'COLLEGE', name: '市职业技术学院', creditCode: creditCode() });
    await register('studio', { type: 'STUDIO', name: '激光加工教师工作室', collegeId: ids.college, capabilities: [TAG, '机器视觉'] });
    await register('newStudio', { type: 'STUDIO', name: '尚未认证的工作室', collegeId: ids.college });
  });

  it('cannot act before verification, and nobody but an association verifies', async () => {
    expectError(await as('acme').post('/v1/requests', requestBody(api, { cluster: CLUSTER })), 403, 'ORG_NOT_VERIFIED');
    expectError(await as('acme').post(`/v1/orgs/${ids.acme}/verification`, { decision: 'VERIFY' }), 403, 'WRONG_ORG_TYPE');
    expectError(await as('college').post(`/v1/orgs/${ids.studio}/verification`, { decision: 'VERIFY' }), 403, 'WRONG_ORG_TYPE');
    expectError(await api.call<any>('POST', `/v1/orgs/${ids.acme}/verification`, undefined, { decision: 'VERIFY' }), 401, 'UNAUTHENTICATED');
  });

  it('has the association verify them from its queue', async () => {
    // The verification queue is the associations' alone.
    expectError(await as('acme').get('/v1/orgs?status=PENDING'), 403, 'WRONG_ORG_TYPE');
    const queue = await as('moderator').get('/v1/orgs?status=PENDING');
    expect(queue.status).toBe(200);
    expect(itemIds(queue).sort()).toEqual([ids.acme, ids.rival, ids.college, ids.studio, ids.newStudio].sort());

    for (const who of ['acme', 'rival', 'college', 'studio']) {
      const verified = await as('moderator').post(`/v1/orgs/${ids[who]}/verification`, { decision: 'VERIFY' });
      expect(verified.status, JSON.stringify(verified.body)).toBe(200);
      expect(verified.body).toMatchObject({ id: ids[who], status: 'VERIFIED' });
    }
    expectError(await as('moderator').post(`/v1/orgs/${ids.acme}/verification`, { decision: 'VERIFY' }), 409, 'INVALID_TRANSITION');
    expect(itemIds(await as('moderator').get('/v1/orgs?status=PENDING'))).toEqual([ids.newStudio]);
    expect((await as('acme').get('/v1/me')).body.organisation.status).toBe('VERIFIED');
  });

  it('posts a request as a DRAFT that only its owner (and the associations) can see and edit', async () => {
    expectError(await as('studio').post('/v1/requests', requestBody(api, { cluster: CLUSTER })), 403, 'WRONG_ORG_TYPE');

    const created = await as('acme').post('/v1/requests', requestBody(api, { cluster: CLUSTER, tags: [TAG, '机器视觉'] }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^req_/), status: 'DRAFT', ownerOrgId: ids.acme, cluster: CLUSTER });
    ids.request = created.body.id;

    expectError(await as('rival').get(`/v1/requests/${ids.request}`), 404, 'NOT_FOUND');
    expect((await as('moderator').get(`/v1/requests/${ids.request}`)).status).toBe(200);
    expectError(await as('moderator').post(`/v1/requests/${ids.request}/review`, { decision: 'APPROVE' }), 409, 'INVALID_TRANSITION');

    const edited = await as('acme').patch(`/v1/requests/${ids.request}`, { title: '激光焊缝在线检测' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ title: '激光焊缝在线检测', status: 'DRAFT' });
  });

  it('submits it, once', async () => {
    const submitted = await as('acme').post(`/v1/requests/${ids.request}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('SUBMITTED');
    expectError(await as('acme').post(`/v1/requests/${ids.request}/submit`), 409, 'INVALID_TRANSITION');
    expectError(await as('acme').patch(`/v1/requests/${ids.request}`, { title: '改不了了吧' }), 409, 'NOT_EDITABLE');
    expect(itemIds(await as('moderator').get('/v1/requests?status=SUBMITTED'))).toContain(ids.request);
  });

  it('has it approved by the association, once; the owner cannot approve its own request', async () => {
    expectError(await as('acme').post(`/v1/requests/${ids.request}/review`, { decision: 'APPROVE' }), 403, 'WRONG_ORG_TYPE');
    const approved = await as('moderator').post(`/v1/requests/${ids.request}/review`, { decision: 'APPROVE' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('OPEN');
    expectError(await as('moderator').post(`/v1/requests/${ids.request}/review`, { decision: 'APPROVE' }), 409, 'INVALID_TRANSITION');
    expectError(await as('acme').post(`/v1/requests/${ids.request}/submit`), 409, 'INVALID_TRANSITION');
    expectError(await as('acme').patch(`/v1/requests/${ids.request}`, { title: '开放后不能修改' }), 409, 'NOT_EDITABLE');
    expectError(await as('rival').post(`/v1/requests/${ids.request}/cancel`), 403, 'NOT_REQUEST_OWNER');
  });

  it('finds it in the OPEN list by cluster and by tag, following cursors page by page', async () => {
    // Two more OPEN requests of the same cluster and tag, so one-item pages need cursors.
    const others: string[] = [];
    for (const title of ['激光切割路径优化', '激光打标质量追溯']) {
      const created = await as('acme').post('/v1/requests', requestBody(api, { title, cluster: CLUSTER, tags: [TAG] }));
      await as('acme').post(`/v1/requests/${created.body.id}/submit`);
      expect((await as('moderator').post(`/v1/requests/${created.body.id}/review`, { decision: 'APPROVE' })).status).toBe(200);
      others.push(created.body.id);
    }
    const newestFirst = [...others].reverse().concat(ids.request!);

    const follow = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: ApiResponse = await as('studio').get(`/v1/requests?${query}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(page.status, JSON.stringify(page.body)).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(1);
        seen.push(...itemIds(page));
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      return seen;
    };
    expect(await follow(`cluster=${CLUSTER}`)).toEqual(newestFirst);
    expect(await follow(`tag=${encodeURIComponent(TAG)}`)).toEqual(newestFirst);
    expect(await follow(`tag=${encodeURIComponent(TAG)}&cluster=${CLUSTER}&status=OPEN`)).toEqual(newestFirst);
    expect(await follow(`tag=${encodeURIComponent('机器视觉')}`)).toEqual([ids.request]);
  });

  it('sees the details only as a verified studio (or the owner, or an association)', async () => {
    const path = `/v1/requests/${ids.request}`;
    for (const who of ['studio', 'acme', 'moderator']) {
      const view = await as(who).get(path);
      expect(view.status).toBe(200);
      expect(view.body.details, who).toEqual(expect.any(String));
    }
    for (const who of ['newStudio', 'rival', 'college']) {
      const view = await as(who).get(path);
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ id: ids.request, title: '激光焊缝在线检测', summary: expect.any(String) });
      expect(view.body, who).not.toHaveProperty('details');
    }
    const listed = async (who: string) =>
      (await as(who).get(`/v1/requests?cluster=${CLUSTER}`)).body.items.find((item: { id: string }) => item.id === ids.request);
    expect((await listed('studio')).details).toEqual(expect.any(String));
    expect(await listed('newStudio')).not.toHaveProperty('details');
    expect(await listed('rival')).not.toHaveProperty('details');
  });

  it('reads its audit trail as a party or an association, and nobody else can', async () => {
    const path = `/v1/audit?entity=request:${ids.request}`;
    const trail = await as('acme').get(path);
    expect(trail.status).toBe(200);
    expect(trail.body.items.map((record: { action: string; before?: string; after?: string }) => [record.action, record.before ?? null, record.after])).toEqual([
      ['create', null, 'DRAFT'],
      ['edit', 'DRAFT', 'DRAFT'],
      ['submit', 'DRAFT', 'SUBMITTED'],
      ['approve', 'SUBMITTED', 'OPEN'],
    ]);
    expect(trail.body.items[0].actor).toEqual({ sub: 'journey-acme', orgId: ids.acme });
    expect(trail.body.items[3].actor).toMatchObject({ sub: moderator.sub });
    expect(trail.body.items[1].details).toEqual({ fields: ['title'] });
    expect((await as('moderator').get(path)).body.items).toHaveLength(4);

    expectError(await as('studio').get(path), 403, 'NOT_A_PARTY');
    expectError(await as('rival').get(path), 403, 'NOT_A_PARTY');
    expectError(await api.call<any>('GET', path), 401, 'UNAUTHENTICATED');

    const orgTrail = await as('acme').get(`/v1/audit?entity=organisation:${ids.acme}`);
    expect(orgTrail.body.items.map((record: { action: string }) => record.action)).toEqual(['register', 'verify']);
    expectError(await as('rival').get(`/v1/audit?entity=organisation:${ids.acme}`), 403, 'NOT_A_PARTY');
  });

  it('reads the notifications meant for it, newest first', async () => {
    const types = async (who: string) => {
      const inbox = await as(who).get('/v1/notifications');
      expect(inbox.status).toBe(200);
      return inbox.body.items.map((item: { type: string }) => item.type);
    };
    expect(await types('acme')).toEqual(['REQUEST_APPROVED', 'REQUEST_APPROVED', 'REQUEST_APPROVED', 'ORG_VERIFIED']);
    const approved = (await as('acme').get('/v1/notifications')).body.items.at(-2);
    expect(approved).toMatchObject({ entity: { type: 'request', id: ids.request }, params: { title: '激光焊缝在线检测' } });
    expect(await types('studio')).toEqual(['ORG_VERIFIED']);
    expect(await types('rival')).toEqual(['ORG_VERIFIED']);

    const moderatorInbox = await types('moderator');
    expect(moderatorInbox.filter((type: string) => type === 'ORG_REGISTERED')).toHaveLength(5);
    expect(moderatorInbox.filter((type: string) => type === 'REQUEST_SUBMITTED')).toHaveLength(3);
    // A user without an organisation has no inbox.
    const stranger = await api.call<any>('POST', '/dev/token', undefined, { sub: 'journey-stranger' });
    expectError(await api.call<any>('GET', '/v1/notifications', stranger.body.token), 403, 'NO_ORGANISATION');
  });
});
