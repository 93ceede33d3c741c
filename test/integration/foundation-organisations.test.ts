import { describe, expect, it } from 'vitest';
import { startTestApi, type ApiResponse, type Caller } from '../support/harness.js';
import { expectError, issuePaths, itemIds } from '../support/assertions.js';
import { association, creditCode, organisation, requestBody, uniqueSub, joinByInvitation } from '../support/fixtures.js';

/** Every organisation endpoint of the foundation, with its refusals: /v1/me, /v1/orgs…, members and verification. */
const api = await startTestApi();
const moderator = await association(api);
const college = await organisation(api, moderator, { type: 'COLLEGE', name: '市职业技术学院' });
const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing' });

const newcomer = () => api.as(uniqueSub('newcomer'));
const UNKNOWN_ORG = 'org_01JD0000000000000000000000';

/** Asserts that the caller still has no organisation and the verification queue did not grow. */
async function expectNothingRegistered(caller: Caller, queueBefore: string[]) {
  expect((await caller.get('/v1/me')).body).toMatchObject({ membership: null, organisation: null });
  expect(itemIds(await moderator.get('/v1/orgs?status=PENDING&limit=100')).sort()).toEqual(queueBefore.sort());
}
const pendingQueue = async () => itemIds(await moderator.get('/v1/orgs?status=PENDING&limit=100'));

describe('POST /v1/orgs', () => {
  it.each([
    { type: 'ENTERPRISE', name: '精工零部件制造有限公司', cluster: 'smart-manufacturing', creditCode: creditCode() },
    { type: 'COLLEGE', name: '第二职业技术学院', creditCode: creditCode() },
    { type: 'GOVERNMENT', name: '市科学技术局', creditCode: creditCode() },
  ])('registers a $type as PENDING with the caller as OWNER', async (body) => {
    // Prepare
    const owner = await newcomer();

    // Act
    const created = await owner.post('/v1/orgs', body);

    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, id: expect.stringMatching(/^org_[0-9A-Z]{26}$/), status: 'PENDING', capabilities: [] });
    expect(created.body).not.toHaveProperty('version');
    const me = await owner.get('/v1/me');
    expect(me.body.membership).toMatchObject({ sub: owner.sub, orgId: created.body.id, role: 'OWNER' });
    expect(me.body.organisation).toEqual(created.body);
    expect(await pendingQueue()).toContain(created.body.id);
  });

  it('registers a studio of a known college, keeping each capability once', async () => {
    const owner = await newcomer();
    const created = await owner.post('/v1/orgs', { type: 'STUDIO', name: '智能视觉工作室', collegeId: college.orgId, capabilities: ['PLC', '机器视觉', 'PLC'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'STUDIO', collegeId: college.orgId, capabilities: ['PLC', '机器视觉'], status: 'PENDING' });
  });

  it('refuses a user who already belongs to an organisation (409), changing nothing', async () => {
    // Prepare
    const queue = await pendingQueue();

    // Act
    const second = await enterprise.caller.post('/v1/orgs', { type: 'ENTERPRISE', name: '第二家公司', creditCode: creditCode() });

    // Assess
    expectError(second, 409, 'ALREADY_MEMBER');
    expect((await enterprise.caller.get('/v1/me')).body.membership).toMatchObject({ orgId: enterprise.orgId, role: 'OWNER' });
    expect(await pendingQueue()).toEqual(queue);
  });

  it('has no self-service path to an association (400 on type), creating nothing', async () => {
    const caller = await newcomer();
    const queue = await pendingQueue();
    const response = await caller.post('/v1/orgs', { type: 'ASSOCIATION', name: '冒充的协会' });
    expectError(response, 400, 'VALIDATION_FAILED');
    expect(issuePaths(response)).toEqual(['type']);
    await expectNothingRegistered(caller, queue);
  });

  it.each([
    ['an unknown college', () => UNKNOWN_ORG],
    ['an organisation that is not a college', () => enterprise.orgId],
  ])('refuses a studio of %s with 400 UNKNOWN_COLLEGE, creating nothing', async (_label, collegeId) => {
    const caller = await newcomer();
    const queue = await pendingQueue();
    const response = await caller.post('/v1/orgs', { type: 'STUDIO', name: '无主工作室', collegeId: collegeId() });
    expectError(response, 400, 'UNKNOWN_COLLEGE');
    expect(issuePaths(response)).toEqual(['collegeId']);
    await expectNothingRegistered(caller, queue);
  });

  it.each([
    ['a studio without a college', { type: 'STUDIO', name: '工作室' }, ['collegeId']],
    ['a college id on an enterprise', { type: 'ENTERPRISE', name: '企业', creditCode: creditCode(), collegeId: 'org_01JD0000000000000000000000' }, ['collegeId']],
    ['a malformed college id', { type: 'STUDIO', name: '工作室', collegeId: '../../etc/passwd' }, ['collegeId']],
    ['a one-letter name', { type: 'GOVERNMENT', name: 'x', creditCode: creditCode() }, ['name']],
    ['a name of 101 characters', { type: 'GOVERNMENT', name: '局'.repeat(101), creditCode: creditCode() }, ['name']],
    ['a cluster that is not a slug', { type: 'ENTERPRISE', name: '企业', creditCode: creditCode(), cluster: 'Smart Manufacturing#1' }, ['cluster']],
    ['21 capabilities', { type: 'COLLEGE', name: '学院', creditCode: creditCode(), capabilities: Array.from({ length: 21 }, (_, i) => `能力${i}`) }, ['capabilities']],
    ['an unknown field', { type: 'COLLEGE', name: '学院', creditCode: creditCode(), status: 'VERIFIED' }, ['(root)']],
  ])('refuses %s with 400 and the field path, creating nothing', async (_label, body, paths) => {
    const caller = await newcomer();
    const queue = await pendingQueue();
    const response = await caller.post('/v1/orgs', body);
    expectError(response, 400, 'VALIDATION_FAILED');
    expect(issuePaths(response)).toEqual(paths);
    await expectNothingRegistered(caller, queue);
  });

  it('refuses a caller without a token (401)', async () => {
    expectError(await api.call('POST', '/v1/orgs', undefined, { type: 'COLLEGE', name: '学院' }), 401, 'UNAUTHENTICATED');
  });
});

describe('GET /v1/orgs', () => {
  it('lists the verified directory to anyone signed in, also by type', async () => {
    const stranger = await newcomer();
    const directory = await stranger.get('/v1/orgs');
    expect(directory.status).toBe(200);
    expect(itemIds(directory)).toEqual(expect.arrayContaining([college.orgId, enterprise.orgId]));
    expect(directory.body.items.every((org: { status: string }) => org.status === 'VERIFIED')).toBe(true);
    expect(itemIds(await stranger.get('/v1/orgs?type=COLLEGE'))).toEqual([college.orgId]);
  });

  it('shows other states only to associations', async () => {
    expectError(await enterprise.caller.get('/v1/orgs?status=PENDING'), 403, 'WRONG_ORG_TYPE');
    expectError(await (await newcomer()).get('/v1/orgs?status=SUSPENDED'), 403, 'NO_ORGANISATION');
    const queue = await moderator.get('/v1/orgs?status=PENDING');
    expect(queue.status).toBe(200);
    expect(queue.body.items.every((org: { status: string }) => org.status === 'PENDING')).toBe(true);
  });

  it('pages with signed cursors that only fit the list they came from', async () => {
    // Prepare: three verified governments, read one per page.
    const governments: string[] = [];
    for (let i = 0; i < 3; i++) governments.push((await organisation(api, moderator, { type: 'GOVERNMENT', name: `区政府 ${i}` })).orgId);

    // Act
    const seen: string[] = [];
    let cursor: string | null = null;
    let firstCursor: string | null = null;
    do {
      const page: ApiResponse = await enterprise.caller.get(`/v1/orgs?type=GOVERNMENT&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...itemIds(page));
      cursor = page.body.nextCursor;
      firstCursor ??= cursor;
    } while (cursor);

    // Assess
    expect(seen).toEqual(governments);
    expectError(await enterprise.caller.get(`/v1/orgs?type=COLLEGE&limit=1&cursor=${encodeURIComponent(firstCursor!)}`), 400, 'INVALID_CURSOR');
    expectError(await enterprise.caller.get(`/v1/orgs?limit=1&cursor=${encodeURIComponent(firstCursor!)}`), 400, 'INVALID_CURSOR');
  });
});

describe('GET /v1/orgs/{orgId}', () => {
  it('reads a profile without internal fields', async () => {
    const profile = await (await newcomer()).get(`/v1/orgs/${college.orgId}`);
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ id: college.orgId, type: 'COLLEGE', name: '市职业技术学院', status: 'VERIFIED' });
    expect(profile.body).not.toHaveProperty('version');
  });

  it('answers 404 for an unknown organisation and 400 for a malformed id', async () => {
    expectError(await enterprise.caller.get(`/v1/orgs/${UNKNOWN_ORG}`), 404, 'NOT_FOUND');
    expectError(await enterprise.caller.get('/v1/orgs/req_01JD0000000000000000000000'), 400, 'VALIDATION_FAILED');
    expectError(await enterprise.caller.get(`/v1/orgs/${'x'.repeat(300)}`), 400, 'VALIDATION_FAILED');
  });
});

describe('POST /v1/orgs/{orgId}/verification', () => {
  it('walks an organisation through the lifecycle and tells it each decision', async () => {
    // Prepare
    const applicant = await organisation(api, moderator, { type: 'ENTERPRISE', name: '申请企业' }, false);
    const decide = (decision: string, reason?: string) =>
      moderator.post(`/v1/orgs/${applicant.orgId}/verification`, reason ? { decision, reason } : { decision });

    // Act / Assess
    expectError(await decide('REJECT'), 400, 'REASON_REQUIRED');
    const rejected = await decide('REJECT', '营业执照不清晰');
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', statusReason: '营业执照不清晰' });
    expectError(await decide('REJECT', '再拒一次'), 409, 'INVALID_TRANSITION');
    expectError(await decide('SUSPEND', '暂停'), 409, 'INVALID_TRANSITION');

    const verified = await decide('VERIFY');
    expect(verified.body.status).toBe('VERIFIED');
    expect(verified.body).not.toHaveProperty('statusReason');
    expectError(await decide('REJECT', '已认证不能拒绝'), 409, 'INVALID_TRANSITION');

    expectError(await decide('SUSPEND'), 400, 'REASON_REQUIRED');
    const suspended = await decide('SUSPEND', '违规发布');
    expect(suspended.body).toMatchObject({ status: 'SUSPENDED', statusReason: '违规发布' });
    // A suspended enterprise can no longer post.
    expectError(await applicant.caller.post('/v1/requests', requestBody(api)), 403, 'ORG_NOT_VERIFIED');

    const inbox = await applicant.caller.get('/v1/notifications');
    expect(inbox.body.items.map((item: { type: string }) => item.type)).toEqual(['ORG_SUSPENDED', 'ORG_VERIFIED', 'ORG_REJECTED']);
    expect(inbox.body.items[2].params).toMatchObject({ reason: '营业执照不清晰' });
    const trail = await moderator.get(`/v1/audit?entity=organisation:${applicant.orgId}`);
    expect(trail.body.items.map((record: { action: string; after?: string }) => `${record.action}→${record.after}`)).toEqual([
      'register→PENDING', 'reject→REJECTED', 'verify→VERIFIED', 'suspend→SUSPENDED',
    ]);
  });

  it('is for associations only', async () => {
    const applicant = await organisation(api, moderator, { type: 'COLLEGE', name: '待审学院' }, false);
    const path = `/v1/orgs/${applicant.orgId}/verification`;
    expectError(await enterprise.caller.post(path, { decision: 'VERIFY' }), 403, 'WRONG_ORG_TYPE');
    expectError(await applicant.caller.post(path, { decision: 'VERIFY' }), 403, 'WRONG_ORG_TYPE');
    expectError(await (await newcomer()).post(path, { decision: 'VERIFY' }), 403, 'NO_ORGANISATION');
    expect((await moderator.get(`/v1/orgs/${applicant.orgId}`)).body.status).toBe('PENDING');
  });

  it('leaves associations to the operator', async () => {
    const other = await association(api);
    const otherOrg = (await other.get('/v1/me')).body.organisation.id;
    expectError(await moderator.post(`/v1/orgs/${otherOrg}/verification`, { decision: 'SUSPEND', reason: '越权' }), 403, 'ASSOCIATION_MANAGED_BY_OPERATOR');
  });

  it('answers 404 for an unknown organisation and 400 for an unknown decision', async () => {
    expectError(await moderator.post(`/v1/orgs/${UNKNOWN_ORG}/verification`, { decision: 'VERIFY' }), 404, 'NOT_FOUND');
    const maybe = await moderator.post(`/v1/orgs/${college.orgId}/verification`, { decision: 'MAYBE' });
    expectError(maybe, 400, 'VALIDATION_FAILED');
    expect(issuePaths(maybe)).toEqual(['decision']);
  });
});

describe('members join by invitation; GET /v1/orgs/{orgId}/members', () => {
  it('lets an owner invite a member, who accepts and then acts for the organisation', async () => {
    // Prepare
    const owner = await organisation(api, moderator, { type: 'ENTERPRISE', name: '成员测试企业' });
    const memberSub = uniqueSub('engineer');

    // Act
    const added = await joinByInvitation(api, owner.caller, owner.orgId, memberSub, { displayName: '王工' });

    // Assess
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ sub: memberSub, orgId: owner.orgId, role: 'MEMBER', displayName: '王工' });
    const member = await api.as(memberSub);
    expect((await member.get('/v1/me')).body).toMatchObject({ membership: { orgId: owner.orgId, role: 'MEMBER' }, organisation: { id: owner.orgId } });
    const posted = await member.post('/v1/requests', requestBody(api));
    expect(posted.status).toBe(201);
    expect(posted.body.ownerOrgId).toBe(owner.orgId);

    const members = await member.get(`/v1/orgs/${owner.orgId}/members`);
    expect(members.status).toBe(200);
    expect(members.body.items.map((item: { sub: string; role: string }) => `${item.sub}:${item.role}`).sort()).toEqual(
      [`${owner.caller.sub}:OWNER`, `${memberSub}:MEMBER`].sort(),
    );
    expect((await moderator.get(`/v1/orgs/${owner.orgId}/members`)).body.items).toHaveLength(2);
    expect((await owner.caller.get(`/v1/audit?entity=organisation:${owner.orgId}`)).body.items.map((r: { action: string }) => r.action)).toEqual([
      'register', 'verify', 'invite-member', 'accept-member-invitation',
    ]);
    // A member is not an owner.
    expectError(await joinByInvitation(api, member, owner.orgId, uniqueSub('intern')), 403, 'NOT_ORG_OWNER');
  });

  it('has no way to add a user without their acceptance', async () => {
    const added = await college.caller.post(`/v1/orgs/${college.orgId}/members`, { sub: uniqueSub('x'), role: 'MEMBER' });
    expect(added.status).toBe(404);
    expect((await college.caller.get(`/v1/orgs/${college.orgId}/members`)).body.items).toHaveLength(1);
  });

  it('refuses owners of other organisations, associations and strangers', async () => {
    const path = `/v1/orgs/${college.orgId}/member-invitations`;
    const body = { role: 'MEMBER', displayName: '新成员' };
    expectError(await enterprise.caller.post(path, body), 403, 'NOT_ORG_OWNER');
    expectError(await moderator.post(path, body), 403, 'NOT_ORG_OWNER');
    expectError(await (await newcomer()).post(path, body), 403, 'NO_ORGANISATION');
    expectError(await enterprise.caller.get(`/v1/orgs/${college.orgId}/members`), 403, 'NOT_ORG_MEMBER');
    expectError(await (await newcomer()).get(`/v1/orgs/${college.orgId}/members`), 403, 'NOT_ORG_MEMBER');
  });

  it('refuses a user who is already in an organisation (409) and bad input (400)', async () => {
    expectError(await joinByInvitation(api, college.caller, college.orgId, enterprise.caller.sub), 409, 'ALREADY_MEMBER');
    expect((await enterprise.caller.get('/v1/me')).body.membership.orgId).toBe(enterprise.orgId);
    const path = `/v1/orgs/${college.orgId}/member-invitations`;
    const badRole = await college.caller.post(path, { role: 'ADMIN', displayName: '新成员' });
    expectError(badRole, 400, 'VALIDATION_FAILED');
    expect(issuePaths(badRole)).toEqual(['role']);
    expectError(await college.caller.post(path, { displayName: '' }), 400, 'VALIDATION_FAILED');
    expect((await college.caller.get(`/v1/orgs/${college.orgId}/members`)).body.items).toHaveLength(1);
  });
});
