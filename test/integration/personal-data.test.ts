import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '@sharedtech/data';
import { startTestApi, type Caller } from '../support/harness.js';
import { expectError } from '../support/assertions.js';
import { cny, consortium, organisation, requestBody, uniqueSub, joinByInvitation } from '../support/fixtures.js';
import { placeBid } from '../support/bids.js';
import { activeContract, key } from '../support/money.js';
import { openRequest } from '../support/fixtures.js';
import { pageClient } from '../support/pages.js';

/**
 * Personal data (PIPL, issue 16): a signed-in user downloads what the
 * marketplace stores about them, and leaves an organisation; the last owner
 * cannot leave.
 */
const api = await startTestApi();
const { moderator, enterprise, studio } = await consortium(api);

async function addMember(owner: Caller, orgId: string, role: 'OWNER' | 'MEMBER' = 'MEMBER') {
  const member = await api.as(uniqueSub('member'));
  const added = await joinByInvitation(api, owner, orgId, member.sub, { role, displayName: '王工' });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  return member;
}

const client = pageClient(api);
const page = (caller: Caller | undefined, path: string, init: { method?: 'GET' | 'POST'; form?: Record<string, string> } = {}) =>
  client(caller?.token, path, init);

describe('GET /v1/me/export', () => {
  it('gives a member their membership, organisation, read state, what they created and what they did, each section described', async () => {
    const member = await addMember(enterprise.caller, enterprise.orgId);
    const mine = await member.post('/v1/requests', requestBody(api, { title: '我创建的需求' }));
    expect(mine.status).toBe(201);
    const othersRequest = await enterprise.caller.post('/v1/requests', requestBody(api, { title: '负责人的需求' }));
    expect(othersRequest.status).toBe(201);
    expect((await member.post('/v1/notifications/read', {})).status).toBe(200);

    const exported = await member.get('/v1/me/export');
    expect(exported.status, JSON.stringify(exported.body)).toBe(200);
    expect(exported.headers.get('content-disposition')).toContain('attachment');
    expect(exported.headers.get('cache-control')).toBe('no-store');
    const { sections } = exported.body;
    expect(Object.keys(sections)).toEqual([
      'identity', 'membership', 'organisation', 'notificationReadState', 'requestsCreated', 'bidsCreated',
      'attachmentsUploaded', 'reviewsWritten', 'appointments', 'bookingsMade', 'auditRecordsAsActor',
    ]);
    // The reference documents every section the export has.
    const reference = await api.call<{ components: { schemas: Record<string, any> } }>('GET', '/openapi.json');
    expect(Object.keys(reference.body.components.schemas.PersonalDataExport.properties.sections.properties)).toEqual(Object.keys(sections));
    for (const part of Object.values(sections) as { description: string; complete: boolean }[]) {
      expect(part.description.length).toBeGreaterThan(20);
      expect(part.complete).toBe(true);
    }
    expect(sections.identity.data).toEqual({ sub: member.sub });
    expect(sections.membership.data).toMatchObject({ sub: member.sub, orgId: enterprise.orgId, role: 'MEMBER', displayName: '王工' });
    expect(sections.organisation.data).toMatchObject({ id: enterprise.orgId, status: 'VERIFIED' });
    expect(sections.notificationReadState.data).toEqual({ inbox: `organisation:${enterprise.orgId}`, readUpTo: expect.stringMatching(/^ntf_/) });
    // Only what this user created, not their colleagues' requests.
    expect(sections.requestsCreated.data.map((request: { id: string }) => request.id)).toEqual([mine.body.id]);
    expect(sections.requestsCreated.data[0]).not.toHaveProperty('version');
    expect(sections.bidsCreated.data).toEqual([]);
    const actions = sections.auditRecordsAsActor.data.map((record: { action: string; entity: { id: string }; actor: { sub: string } }) => {
      expect(record.actor.sub).toBe(member.sub);
      return `${record.action}:${record.entity.id}`;
    });
    // Joining was their own act (accepting the invitation); the owner's invitation is the owner's.
    expect(actions).toEqual([`accept-member-invitation:${enterprise.orgId}`, `create:${mine.body.id}`]);
  });

  it("gives a studio member their bids, and nobody else's data", async () => {
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const bidId = await placeBid(studio, requestId);
    const exported = (await studio.caller.get('/v1/me/export')).body;
    expect(exported.sections.bidsCreated.data.map((bid: { id: string }) => bid.id)).toEqual([bidId]);
    expect(exported.sections.auditRecordsAsActor.data.map((record: { action: string }) => record.action)).toEqual(['register', 'submit']);
    expect(JSON.stringify(exported)).not.toContain(enterprise.caller.sub);
  });

  it('gives the reviews a user wrote, the appointments they proposed or hold, and the bookings they made, not their colleagues\'', { timeout: 90_000 }, async () => {
    const parties = { ...(await consortium(api)), government: await organisation(api, moderator, { type: 'GOVERNMENT' }) };
    const owner = parties.enterprise.caller;
    const member = await addMember(owner, parties.enterprise.orgId);

    const contractId = await activeContract(api, parties, { milestones: [80_000] });
    expect((await parties.moderator.post(`/v1/contracts/${contractId}/terminate`, { reason: '双方同意提前结束' }, key())).status).toBe(200);
    const review = await member.post(`/v1/contracts/${contractId}/reviews`, { ratings: { quality: 4, timeliness: 5, communication: 4 }, comment: '沟通顺畅，按期交付。' });
    expect(review.status, JSON.stringify(review.body)).toBe(201);

    const appointment = (memberSub?: string) => ({
      kind: 'INDUSTRY_TEACHER', counterpartOrgId: parties.college.orgId, cluster: 'smart-manufacturing', person: { name: '赵工', ...(memberSub ? { memberSub } : {}) },
      subject: '工业机器视觉课程', startDate: '2027-03-01', endDate: '2027-07-01', hoursPerMonth: 16,
    });
    const proposedByOwner = await owner.post('/v1/appointments', appointment(member.sub));
    expect(proposedByOwner.status, JSON.stringify(proposedByOwner.body)).toBe(201);
    const colleagues = await owner.post('/v1/appointments', appointment());
    expect(colleagues.status).toBe(201);

    const lab = await parties.college.caller.post('/v1/resources', {
      type: 'LAB', name: '工业视觉实训室', description: '配备 6 套工业相机与光源的实训室。', cluster: 'smart-manufacturing', capabilities: ['机器视觉'],
      location: '实训楼 B201', rules: '须经安全培训。', price: { unit: 'PER_HOUR', amount: cny(200) },
    });
    expect(lab.status, JSON.stringify(lab.body)).toBe(201);
    const hour = (days: number, h: number) => new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + days * 86_400_000 + h * 3_600_000).toISOString();
    const booking = await member.post(`/v1/resources/${lab.body.id}/bookings`, { start: hour(3, 0), end: hour(3, 2), purpose: '样件成像试验' });
    expect(booking.status, JSON.stringify(booking.body)).toBe(201);
    expect((await owner.post(`/v1/resources/${lab.body.id}/bookings`, { start: hour(4, 0), end: hour(4, 1), purpose: '负责人的预约' })).status).toBe(201);

    const { sections } = (await member.get('/v1/me/export')).body;
    expect(sections.reviewsWritten.data.map((written: { id: string }) => written.id)).toEqual([review.body.id]);
    expect(sections.reviewsWritten.data[0]).not.toHaveProperty('version');
    // The member is the appointed person of the owner's proposal; the owner's other proposal is not theirs.
    expect(sections.appointments.data.map((held: { id: string }) => held.id)).toEqual([proposedByOwner.body.id]);
    expect(sections.bookingsMade.data.map((made: { id: string }) => made.id)).toEqual([booking.body.id]);
    expect(sections.attachmentsUploaded.data).toEqual([]);
    for (const part of ['reviewsWritten', 'appointments', 'bookingsMade'] as const) expect(sections[part].complete).toBe(true);

    const ownersExport = (await owner.get('/v1/me/export')).body.sections;
    expect(ownersExport.reviewsWritten.data).toEqual([]);
    expect(ownersExport.appointments.data.map((held: { id: string }) => held.id).sort()).toEqual([proposedByOwner.body.id, colleagues.body.id].sort());
    expect(ownersExport.bookingsMade.data.map((made: { id: string }) => made.id)).not.toContain(booking.body.id);
  });

  it('gives a user without an organisation an export with empty sections', async () => {
    const newcomer = await api.as(uniqueSub('newcomer'));
    const exported = await newcomer.get('/v1/me/export');
    expect(exported.status).toBe(200);
    expect(exported.body.sections.membership.data).toBeNull();
    expect(exported.body.sections.organisation.data).toBeNull();
    expect(exported.body.sections.notificationReadState.data).toBeNull();
    expect(exported.body.sections.requestsCreated.data).toEqual([]);
    expectError(await api.call('GET', '/v1/me/export'), 401, 'UNAUTHENTICATED');
  });
});

describe('POST /v1/orgs/{orgId}/members/leave', () => {
  it('a member leaves: the membership goes, the organisation is told, the trail records it', async () => {
    const member = await addMember(enterprise.caller, enterprise.orgId);
    expect((await member.post('/v1/notifications/read', {})).status).toBe(200);
    const left = await member.post(`/v1/orgs/${enterprise.orgId}/members/leave`);
    expect(left.status, JSON.stringify(left.body)).toBe(200);
    expect(left.body).toEqual({ sub: member.sub, orgId: enterprise.orgId, left: true });
    const me = await member.get('/v1/me');
    expect(me.body.membership).toBeNull();
    expect(me.body.organisation).toBeNull();
    // No read marker of the inbox it left stays behind.
    expect((await member.get('/v1/me/export')).body.sections.notificationReadState.data).toBeNull();
    const marker = await api.deps.db.doc.send(new GetCommand({ TableName: api.deps.db.tableName, Key: keys.inboxReadMarker(member.sub, { orgId: enterprise.orgId }), ConsistentRead: true }));
    expect(marker.Item).toBeUndefined();
    const members = (await enterprise.caller.get(`/v1/orgs/${enterprise.orgId}/members?limit=100`)).body.items.map((m: { sub: string }) => m.sub);
    expect(members).not.toContain(member.sub);
    const inbox = (await enterprise.caller.get('/v1/notifications')).body.items;
    expect(inbox[0]).toMatchObject({ type: 'MEMBER_LEFT', params: { sub: member.sub } });
    const trail = (await enterprise.caller.get(`/v1/audit?entity=organisation:${enterprise.orgId}&limit=100`)).body.items;
    expect(trail.at(-1)).toMatchObject({ action: 'leave', actor: { sub: member.sub }, details: { sub: member.sub, role: 'MEMBER' } });
    // Gone means gone: leaving again is refused, and the user can register or join elsewhere.
    expectError(await member.post(`/v1/orgs/${enterprise.orgId}/members/leave`), 403, 'NO_ORGANISATION');
  });

  it('the last owner cannot leave (409); with a second owner, one of them can', async () => {
    const college = await organisation(api, moderator, { type: 'COLLEGE' });
    const path = `/v1/orgs/${college.orgId}/members/leave`;
    expectError(await college.caller.post(path), 409, 'LAST_OWNER');
    const second = await addMember(college.caller, college.orgId, 'OWNER');
    expect((await second.post(path)).status).toBe(200);
    expectError(await college.caller.post(path), 409, 'LAST_OWNER');
    expect((await college.caller.get('/v1/me')).body.membership.role).toBe('OWNER');
  });

  it('of two owners leaving at once, exactly one leaves', async () => {
    const government = await organisation(api, moderator, { type: 'GOVERNMENT' });
    const second = await addMember(government.caller, government.orgId, 'OWNER');
    const path = `/v1/orgs/${government.orgId}/members/leave`;
    const answers = await Promise.all([government.caller.post(path), second.post(path)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const owners = (await moderator.get(`/v1/orgs/${government.orgId}/members`)).body.items.filter((m: { role: string }) => m.role === 'OWNER');
    expect(owners).toHaveLength(1);
  });

  it('refuses other organisations (403) and organisations the caller cannot see (404), writing nothing', async () => {
    const pending = await organisation(api, moderator, { type: 'ENTERPRISE' }, false);
    expectError(await studio.caller.post(`/v1/orgs/${enterprise.orgId}/members/leave`), 403, 'NOT_ORG_MEMBER');
    expectError(await studio.caller.post(`/v1/orgs/${pending.orgId}/members/leave`), 404, 'NOT_FOUND');
    expectError(await studio.caller.post('/v1/orgs/org_01JD0000000000000000000000/members/leave'), 404, 'NOT_FOUND');
    expectError(await studio.caller.post('/v1/orgs/nonsense/members/leave'), 400);
    expect((await studio.caller.get('/v1/me')).body.membership.orgId).toBe(studio.orgId);
  });
});

describe('the pages', () => {
  it('link "my data" in the menu and on "my organisation", in both languages, and download it', async () => {
    const zh = await page(enterprise.caller, '/org?lang=zh-CN');
    expect(zh.status).toBe(200);
    expect(zh.body).toContain('href="/me/export"');
    expect(zh.body).toContain('我的数据');
    expect(zh.body).toContain('下载我的数据（JSON）');
    expect(zh.body).toContain('action="/org/leave"');
    const en = await page(enterprise.caller, '/org?lang=en');
    expect(en.body).toContain('My data');
    expect(en.body).toContain('Download my data (JSON)');
    expect(en.body).toContain('Leave this organisation');
    const download = await page(enterprise.caller, '/me/export');
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    expect(JSON.parse(download.body).sub).toBe(enterprise.caller.sub);
    expect((await page(undefined, '/me/export')).status).toBe(303); // to sign-in
  });

  it('a member leaves from the page; the last owner gets a 409 page', async () => {
    const member = await addMember(studio.caller, studio.orgId);
    const left = await page(member, '/org/leave', { method: 'POST', form: {} });
    expect(left.status).toBe(303);
    expect((await member.get('/v1/me')).body.membership).toBeNull();
    const refused = await page(studio.caller, '/org/leave?lang=en', { method: 'POST', form: {} });
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('You are the only owner of this organisation');
    expect((await studio.caller.get('/v1/me')).body.membership.role).toBe('OWNER');
  });
});
