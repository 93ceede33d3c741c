import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { MAX_MEMBERS_PER_ORG } from '@sharedtech/core';
import { keys } from '@sharedtech/data';
import { upgradeDerivedItems } from '@sharedtech/services';
import { createApp } from '@sharedtech/app';
import { startTestApi, type Caller } from '../support/harness.js';
import { expectError } from '../support/assertions.js';
import { association, creditCode, organisation, requestBody, uniqueSub, joinByInvitation } from '../support/fixtures.js';
import { recordDynamoCalls } from '../support/ddb-calls.js';

/** Authentication costs one strongly consistent read, and what it reads is never behind the organisation. */
const api = await startTestApi();
const calls = recordDynamoCalls(api.deps.db);
const moderator = await association(api);
const { doc, tableName } = api.deps.db;

const rawItem = async (key: { pk: string; sk: string }) => (await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
const remove = (path: string, caller: Caller) => api.call('DELETE', path, caller.token);

/** Adds a fresh identity to `orgId` as `role` and returns its caller. */
async function addMember(owner: Caller, orgId: string, role: 'OWNER' | 'MEMBER' = 'MEMBER') {
  const member = await api.as(uniqueSub('member'));
  const added = await joinByInvitation(api, owner, orgId, member.sub, { role });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  return member;
}

/** Every member's membership item carries exactly the organisation as stored, and the roster names exactly them. */
async function expectCopiesInStep(orgId: string) {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, gsi3pk: _e, gsi3sk: _f, members, ...org } = (await rawItem(keys.org(orgId)))!;
  const listed = await moderator.get(`/v1/orgs/${orgId}/members?limit=100`);
  expect(Object.keys(members).sort()).toEqual(listed.body.items.map((member: { sub: string }) => member.sub).sort());
  for (const [sub, role] of Object.entries(members as Record<string, string>)) {
    const membership = (await rawItem(keys.membership(sub)))!;
    expect(membership.role).toBe(role);
    expect(membership.org).toEqual(org);
  }
}

describe('one read per request', () => {
  it('authenticates GET /v1/me with one strongly consistent GetItem of the membership', async () => {
    const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing' });
    calls.take();

    const me = await enterprise.caller.get('/v1/me');

    expect(me.status).toBe(200);
    expect(me.body.organisation).toMatchObject({ id: enterprise.orgId, status: 'VERIFIED' });
    expect(calls.take()).toEqual([
      { command: 'GetItemCommand', input: expect.objectContaining({ Key: keys.membership(enterprise.caller.sub), ConsistentRead: true }) },
    ]);
  });

  it('a request that needs the caller and one item costs two reads', async () => {
    const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing' });
    calls.take();
    expect((await enterprise.caller.get(`/v1/orgs/${enterprise.orgId}`)).status).toBe(200);
    expect(calls.take().map((call) => call.command)).toEqual(['GetItemCommand', 'GetItemCommand']);
  });
});

describe('the first request of a resource, while its routes load', () => {
  /** A request to a new app on the same table: every resource's routes are still to load. */
  const coldRequest = (path: string, token: string) => createApp(api.deps).fetch(new Request(`http://cold.test${path}`, { headers: { authorization: `Bearer ${token}` } }));

  it('reads the caller once, while the routes load, and answers as a warm router does', async () => {
    const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing' });
    calls.take();

    const response = await coldRequest('/v1/me', enterprise.caller.token);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual((await enterprise.caller.get('/v1/me')).body);
    expect(calls.take()).toEqual([
      { command: 'GetItemCommand', input: expect.objectContaining({ Key: keys.membership(enterprise.caller.sub), ConsistentRead: true }) },
      { command: 'GetItemCommand', input: expect.objectContaining({ Key: keys.membership(enterprise.caller.sub), ConsistentRead: true }) },
    ]);
  });

  it('gives callers who arrive together each their own reading, on a cold resource with input too', async () => {
    const [enterprise, other] = await Promise.all([
      organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing' }),
      organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'new-energy' }),
    ]);
    const app = createApp(api.deps);
    const cold = (path: string, token: string) => app.fetch(new Request(`http://cold.test${path}`, { headers: { authorization: `Bearer ${token}` } }));

    const [enterpriseMe, otherMe, listed] = await Promise.all([
      cold('/v1/me', enterprise.caller.token),
      cold('/v1/me', other.caller.token),
      cold('/v1/requests?cluster=smart-manufacturing', other.caller.token),
    ]);

    expect(((await enterpriseMe.json()) as any).organisation.id).toBe(enterprise.orgId);
    expect(((await otherMe.json()) as any).organisation.id).toBe(other.orgId);
    expect(listed.status).toBe(200);
  });

  it('refuses a token it cannot verify with 401 and reads nothing', async () => {
    calls.take();
    const response = await coldRequest('/v1/me', 'not-a-token');
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).error.code).toBe('INVALID_TOKEN');
    expect(calls.take()).toEqual([]);
  });
});

describe('changes of an organisation reach every member on their next request', () => {
  it('a suspension refuses every member’s very next request, and verifying again lets them back', async () => {
    // Prepare: an enterprise with a second member who can post requests
    const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing' });
    const colleague = await addMember(enterprise.caller, enterprise.orgId);
    expect((await colleague.post('/v1/requests', requestBody(api))).status).toBe(201);

    // Act
    const suspended = await moderator.post(`/v1/orgs/${enterprise.orgId}/verification`, { decision: 'SUSPEND', reason: '资质复核' });

    // Assess
    expect(suspended.status).toBe(200);
    expectError(await colleague.post('/v1/requests', requestBody(api)), 403, 'ORG_NOT_VERIFIED');
    expectError(await enterprise.caller.post('/v1/requests', requestBody(api)), 403, 'ORG_NOT_VERIFIED');
    expect((await colleague.get('/v1/me')).body.organisation).toMatchObject({ status: 'SUSPENDED', statusReason: '资质复核' });
    await expectCopiesInStep(enterprise.orgId);

    expect((await moderator.post(`/v1/orgs/${enterprise.orgId}/verification`, { decision: 'VERIFY' })).status).toBe(200);
    expect((await colleague.post('/v1/requests', requestBody(api))).status).toBe(201);
    await expectCopiesInStep(enterprise.orgId);
  });

  it('a role change applies to the member’s very next request, and the last owner cannot step down', async () => {
    // Prepare
    const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing' });
    const member = await addMember(enterprise.caller, enterprise.orgId);
    const third = api.as(uniqueSub('third'));
    expectError(await joinByInvitation(api, member, enterprise.orgId, (await third).sub), 403, 'NOT_ORG_OWNER');

    // Act: promote
    const promoted = await enterprise.caller.patch(`/v1/orgs/${enterprise.orgId}/members/${member.sub}`, { role: 'OWNER' });

    // Assess
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(200);
    expect(promoted.body).toEqual({ sub: member.sub, orgId: enterprise.orgId, role: 'OWNER' });
    expect((await member.get('/v1/me')).body.membership).toMatchObject({ role: 'OWNER' });
    expect((await joinByInvitation(api, member, enterprise.orgId, (await third).sub)).status).toBe(201);
    await expectCopiesInStep(enterprise.orgId);

    // Act: demote the first owner; they lose owner rights on their next request
    expect((await member.patch(`/v1/orgs/${enterprise.orgId}/members/${enterprise.caller.sub}`, { role: 'MEMBER' })).status).toBe(200);
    expectError(await joinByInvitation(api, enterprise.caller, enterprise.orgId, uniqueSub('x')), 403, 'NOT_ORG_OWNER');
    expectError(await member.patch(`/v1/orgs/${enterprise.orgId}/members/${member.sub}`, { role: 'MEMBER' }), 409, 'LAST_OWNER');
    expectError(await member.patch(`/v1/orgs/${enterprise.orgId}/members/nobody`, { role: 'MEMBER' }), 404);
    expectError(await enterprise.caller.patch(`/v1/orgs/${enterprise.orgId}/members/${member.sub}`, { role: 'MEMBER' }), 403, 'NOT_ORG_OWNER');
    await expectCopiesInStep(enterprise.orgId);
  });

  it('a removed member has no organisation on their next request and may join another', async () => {
    const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing' });
    const member = await addMember(enterprise.caller, enterprise.orgId);

    const removed = await remove(`/v1/orgs/${enterprise.orgId}/members/${member.sub}`, enterprise.caller);

    expect(removed.status).toBe(204);
    expect((await member.get('/v1/me')).body).toMatchObject({ membership: null, organisation: null });
    expectError(await member.post('/v1/requests', requestBody(api)), 403, 'NO_ORGANISATION');
    expectError(await remove(`/v1/orgs/${enterprise.orgId}/members/${enterprise.caller.sub}`, enterprise.caller), 409, 'LAST_OWNER');
    await expectCopiesInStep(enterprise.orgId);
    expect((await member.post('/v1/orgs', { type: 'ENTERPRISE', name: '新公司', creditCode: creditCode() })).status).toBe(201);
  });

  it(`caps an organisation at ${MAX_MEMBERS_PER_ORG} members, so a change of it fits one transaction`, async () => {
    // Prepare: a studio with capabilities (its verification also writes capability items) filled to the cap
    const college = await organisation(api, moderator, { type: 'COLLEGE' });
    const capabilities = Array.from({ length: 20 }, (_, index) => `能力${index}`);
    const studio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, capabilities });
    for (let count = 1; count < MAX_MEMBERS_PER_ORG; count += 1) {
      const added = await joinByInvitation(api, studio.caller, studio.orgId, uniqueSub('crowd'));
      expect(added.status, JSON.stringify(added.body)).toBe(201);
    }

    // Act
    const over = await joinByInvitation(api, studio.caller, studio.orgId, uniqueSub('one-too-many'));

    // Assess: refused; a decision on the full organisation still commits and reaches all of them
    expectError(over, 409, 'TOO_MANY_MEMBERS');
    expect((await moderator.post(`/v1/orgs/${studio.orgId}/verification`, { decision: 'SUSPEND', reason: '复核' })).status).toBe(200);
    await expectCopiesInStep(studio.orgId);
  });
});

describe('upgrading memberships stored before the copy existed', () => {
  it('reads the organisation as a second read until upgrade-data backfills the copies, then one read; a second run writes nothing', async () => {
    // Prepare: an organisation and two members as the earlier version stored them
    const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing' });
    const member = await addMember(enterprise.caller, enterprise.orgId);
    await doc.send(new UpdateCommand({ TableName: tableName, Key: keys.org(enterprise.orgId), UpdateExpression: 'REMOVE #members', ExpressionAttributeNames: { '#members': 'members' } }));
    for (const sub of [enterprise.caller.sub, member.sub]) {
      await doc.send(new UpdateCommand({ TableName: tableName, Key: keys.membership(sub), UpdateExpression: 'REMOVE #org', ExpressionAttributeNames: { '#org': 'org' } }));
    }
    calls.take();
    expect((await member.get('/v1/me')).body.organisation).toMatchObject({ id: enterprise.orgId, status: 'VERIFIED' });
    expect(calls.take()).toHaveLength(2);

    // Act
    const report = await upgradeDerivedItems(api.deps);

    // Assess
    expect(report.rostersBackfilled).toBeGreaterThanOrEqual(1);
    await expectCopiesInStep(enterprise.orgId);
    calls.take();
    expect((await member.get('/v1/me')).body.organisation).toMatchObject({ id: enterprise.orgId, status: 'VERIFIED' });
    expect(calls.take()).toHaveLength(1);
    const before = await rawItem(keys.org(enterprise.orgId));
    expect((await upgradeDerivedItems(api.deps)).rostersBackfilled).toBe(0);
    expect(await rawItem(keys.org(enterprise.orgId))).toEqual(before);
    expect((await moderator.post(`/v1/orgs/${enterprise.orgId}/verification`, { decision: 'SUSPEND', reason: '复核' })).status).toBe(200);
    expectError(await member.post('/v1/requests', requestBody(api)), 403, 'ORG_NOT_VERIFIED');
  });
});
