import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '@sharedtech/data';
import { startTestApi, testClock, type Caller } from '../support/harness.js';
import { expectError, issuePaths, itemIds, tableItemCount } from '../support/assertions.js';
import { association, creditCode, openRequest, organisation, uniqueSub } from '../support/fixtures.js';
import { evenShares, placeBid } from '../support/bids.js';

/**
 * Organisation profiles (issue 11, items 5 and 6): owners edit the profile and a
 * change of capabilities is what matching sees at once; enterprises, colleges and
 * government bodies register with a unique, checksum-valid credit code; a studio's
 * college is a party to its contracts only after it accepted the studio; members
 * join only by accepting a one-time invitation.
 */
const clock = testClock();
const api = await startTestApi({ clock });
const moderator = await association(api);
const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing' });
const college = await organisation(api, moderator, { type: 'COLLEGE' });
const otherCollege = await organisation(api, moderator, { type: 'COLLEGE' });
const studio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, capabilities: ['机器视觉'], cluster: 'smart-manufacturing' });

const inbox = async (caller: Caller) => ((await caller.get('/v1/notifications')).body.items as { type: string }[]).map((item) => item.type);
const auditActions = async (orgId: string) =>
  ((await moderator.get(`/v1/audit?entity=organisation:${orgId}`)).body.items as { action: string }[]).map((record) => record.action);
const del = (caller: Caller, path: string) => api.call<any>('DELETE', path, caller.token);
/** A new identity that belongs to no organisation yet. */
const newcomer = () => api.as(uniqueSub('newcomer'));

async function memberOf(owner: { caller: Caller; orgId: string }, role: 'OWNER' | 'MEMBER' = 'MEMBER') {
  const invited = await owner.caller.post(`/v1/orgs/${owner.orgId}/member-invitations`, { role, displayName: '王工' });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const person = await newcomer();
  const joined = await person.post('/v1/member-invitations/accept', { code: invited.body.code });
  expect(joined.status, JSON.stringify(joined.body)).toBe(201);
  return person;
}

describe('PATCH /v1/orgs/{orgId}: the profile', () => {
  it('lets an owner edit description, contact, address and cluster; audited, members notified, shown to everyone', async () => {
    const colleague = await memberOf(enterprise);
    const edited = await enterprise.caller.patch(`/v1/orgs/${enterprise.orgId}`, {
      description: '汽车零部件精密加工，年产轴承外圈 200 万件。',
      contact: { person: '李经理', phone: '0571-8888 6666', email: 'li@example.com' },
      address: '杭州市钱塘区 1 号路 88 号',
      cluster: 'new-energy-vehicles',
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({
      description: '汽车零部件精密加工，年产轴承外圈 200 万件。',
      contact: { person: '李经理', phone: '0571-8888 6666', email: 'li@example.com' },
      address: '杭州市钱塘区 1 号路 88 号',
      cluster: 'new-energy-vehicles',
    });
    expect(edited.body).not.toHaveProperty('version');
    const stranger = await newcomer();
    expect((await stranger.get(`/v1/orgs/${enterprise.orgId}`)).body).toMatchObject({ address: '杭州市钱塘区 1 号路 88 号', contact: { person: '李经理' } });
    // Every member's copy moved with it (one-read authentication).
    expect((await colleague.get('/v1/me')).body.organisation).toMatchObject({ cluster: 'new-energy-vehicles', description: edited.body.description });
    expect(await inbox(colleague)).toContain('ORG_PROFILE_UPDATED');
    expect(await auditActions(enterprise.orgId)).toContain('update-profile');

    // Empty text clears a field; fields not given stay.
    const cleared = await enterprise.caller.patch(`/v1/orgs/${enterprise.orgId}`, { address: '', cluster: 'smart-manufacturing' });
    expect(cleared.status).toBe(200);
    expect(cleared.body).not.toHaveProperty('address');
    expect(cleared.body).toMatchObject({ cluster: 'smart-manufacturing', contact: { email: 'li@example.com' } });
  });

  it('refuses members who are not owners, other organisations and callers without one (403), changing nothing', async () => {
    const colleague = await memberOf(enterprise);
    const before = (await moderator.get(`/v1/orgs/${enterprise.orgId}`)).body;
    expectError(await colleague.patch(`/v1/orgs/${enterprise.orgId}`, { description: '越权' }), 403, 'NOT_ORG_OWNER');
    expectError(await studio.caller.patch(`/v1/orgs/${enterprise.orgId}`, { description: '越权' }), 403, 'NOT_ORG_OWNER');
    expectError(await (await newcomer()).patch(`/v1/orgs/${enterprise.orgId}`, { description: '越权' }), 403, 'NO_ORGANISATION');
    expect((await moderator.get(`/v1/orgs/${enterprise.orgId}`)).body).toEqual(before);
  });

  it.each([
    ['a malformed email', { contact: { email: 'not-an-email' } }, ['contact.email']],
    ['a cluster that is not a slug', { cluster: 'Smart Manufacturing' }, ['cluster']],
    ['an unknown field', { name: '改名' }, ['(root)']],
    ['nothing to change', {}, ['(root)']],
    ['a description of 2001 characters', { description: '字'.repeat(2001) }, ['description']],
  ])('refuses %s with 400 and the field path', async (_label, body, paths) => {
    const response = await enterprise.caller.patch(`/v1/orgs/${enterprise.orgId}`, body);
    expectError(response, 400, 'VALIDATION_FAILED');
    expect(issuePaths(response)).toEqual(paths);
  });

  it('takes capabilities from studios only', async () => {
    expectError(await enterprise.caller.patch(`/v1/orgs/${enterprise.orgId}`, { capabilities: ['机器视觉'] }), 400, 'CAPABILITIES_FOR_STUDIOS');
  });

  it('refuses an edit over someone else’s (409), and of two concurrent edits from one read exactly one lands', async () => {
    const read = (await enterprise.caller.get(`/v1/orgs/${enterprise.orgId}`)).body;
    const results = await Promise.all(
      ['简介 A', '简介 B', '简介 C'].map((description) => enterprise.caller.patch(`/v1/orgs/${enterprise.orgId}`, { description, expectedUpdatedAt: read.updatedAt })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    for (const refused of results.filter((r) => r.status === 409)) expectError(refused, 409, 'CONCURRENT_UPDATE');
    const winner = results.find((r) => r.status === 200)!.body.description;
    expect((await enterprise.caller.get(`/v1/orgs/${enterprise.orgId}`)).body.description).toBe(winner);
    expectError(await enterprise.caller.patch(`/v1/orgs/${enterprise.orgId}`, { description: '过时的修改', expectedUpdatedAt: read.updatedAt }), 409, 'CONCURRENT_UPDATE');
  });

  it('changes matching at once when a verified studio changes its capabilities', async () => {
    const welding = await openRequest(api, enterprise.caller, moderator, { tags: ['焊接机器人'], title: '焊接机器人工作站改造' });
    const vision = await openRequest(api, enterprise.caller, moderator, { tags: ['机器视觉'], title: '视觉检测' });
    const studiosFor = async (requestId: string) =>
      ((await enterprise.caller.get(`/v1/matches?requestId=${requestId}`)).body.items as { studio: { id: string } }[]).map((item) => item.studio.id);
    const requestsForStudio = async () =>
      ((await studio.caller.get('/v1/matches')).body.items as { request: { id: string } }[]).map((item) => item.request.id);
    expect(await studiosFor(welding)).not.toContain(studio.orgId);
    expect(await studiosFor(vision)).toContain(studio.orgId);

    const changed = await studio.caller.patch(`/v1/orgs/${studio.orgId}`, { capabilities: ['焊接机器人', 'PLC'] });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.capabilities).toEqual(['焊接机器人', 'PLC']);

    expect(await studiosFor(welding)).toContain(studio.orgId);
    expect(await studiosFor(vision)).not.toContain(studio.orgId);
    const ranked = (await enterprise.caller.get(`/v1/matches?requestId=${welding}`)).body.items.find((item: { studio: { id: string } }) => item.studio.id === studio.orgId);
    expect(ranked).toMatchObject({ studio: { capabilities: ['焊接机器人', 'PLC'] }, sharedTags: ['焊接机器人'] });
    expect(await requestsForStudio()).toContain(welding);
    // The dropped tag's capability item is gone, not left behind.
    const dropped = await api.deps.db.doc.send(new GetCommand({ TableName: api.tableName, Key: keys.studioCapability(studio.orgId, '机器视觉') }));
    expect(dropped.Item).toBeUndefined();
    expect((await auditActions(studio.orgId)).filter((action) => action === 'update-profile')).toHaveLength(1);
  });
});

describe('the unified social credit code at registration', () => {
  it.each(['ENTERPRISE', 'COLLEGE', 'GOVERNMENT'])('is required of a %s (400 creditCode), creating nothing', async (type) => {
    const caller = await newcomer();
    const response = await caller.post('/v1/orgs', { type, name: '无代码单位' });
    expectError(response, 400, 'VALIDATION_FAILED');
    expect(issuePaths(response)).toEqual(['creditCode']);
    expect((await caller.get('/v1/me')).body.membership).toBeNull();
  });

  it.each([
    ['a wrong check character', '91350100M000100Y44'],
    ['17 characters', '91350100M000100Y4'],
    ['a letter outside the alphabet', '91350100M000100YI3'],
  ])('refuses %s (400 creditCode)', async (_label, code) => {
    const response = await (await newcomer()).post('/v1/orgs', { type: 'ENTERPRISE', name: '代码有误的公司', creditCode: code });
    expectError(response, 400, 'VALIDATION_FAILED');
    expect(issuePaths(response)).toEqual(['creditCode']);
  });

  it('accepts a published code typed with spaces and lower case, and keeps it normalised', async () => {
    const created = await (await newcomer()).post('/v1/orgs', { type: 'ENTERPRISE', name: '标准示例公司', creditCode: '9135 0100 m000 100y43' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.creditCode).toBe('91350100M000100Y43');
  });

  it('is unique across the marketplace: a second registration is a 409 that leaves nothing behind, also when both race', async () => {
    const code = creditCode();
    const first = await (await newcomer()).post('/v1/orgs', { type: 'COLLEGE', name: '第一学院', creditCode: code });
    expect(first.status).toBe(201);
    const items = await tableItemCount(api);
    const second = await newcomer();
    expectError(await second.post('/v1/orgs', { type: 'ENTERPRISE', name: '冒用代码的公司', creditCode: code }), 409, 'CREDIT_CODE_TAKEN');
    expect((await second.get('/v1/me')).body.membership).toBeNull();
    expect(await tableItemCount(api)).toBe(items);

    const raced = creditCode();
    const racers = await Promise.all([1, 2, 3, 4].map(() => newcomer()));
    const results = await Promise.all(racers.map((caller, i) => caller.post('/v1/orgs', { type: 'GOVERNMENT', name: `同码部门 ${i}`, creditCode: raced })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const lost of results.filter((r) => r.status !== 201)) expect(lost.status).toBe(409);
  });

  it('is not asked of a studio, and is shown to the association verifying the body (API and page)', async () => {
    const studioOwner = await newcomer();
    expect((await studioOwner.post('/v1/orgs', { type: 'STUDIO', name: '无代码工作室', collegeId: college.orgId })).status).toBe(201);
    const code = creditCode();
    const applicant = await (await newcomer()).post('/v1/orgs', { type: 'ENTERPRISE', name: '待审核企业', creditCode: code });
    expect((await moderator.get(`/v1/orgs/${applicant.body.id}`)).body.creditCode).toBe(code);
    const page = await fetch(`${api.baseUrl}/orgs/${applicant.body.id}`, { headers: { cookie: `st_session=${moderator.token}`, accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(code);
  });

  it('keeps organisations stored without a code working (old data)', async () => {
    // The fixtures' verified organisations act as before; one stored without the attribute reads and edits normally.
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const stored = await api.deps.db.doc.send(new GetCommand({ TableName: api.tableName, Key: keys.org(otherCollege.orgId) }));
    const { creditCode: _dropped, ...old } = stored.Item!;
    await api.deps.db.doc.send(new PutCommand({ TableName: api.tableName, Item: old }));
    expect((await otherCollege.caller.get(`/v1/orgs/${otherCollege.orgId}`)).body).not.toHaveProperty('creditCode');
    expect((await otherCollege.caller.patch(`/v1/orgs/${otherCollege.orgId}`, { description: '老数据也能修改资料' })).status).toBe(200);
  });
});

describe('affiliation of a studio with the college it names', () => {
  it('is PENDING until the college accepts, and until then the college is no party to the studio’s contracts', async () => {
    // Prepare: a verified studio naming the college, not accepted (yet); it wins a contract.
    const pendingStudio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, capabilities: ['机器视觉'] }, true, { affiliate: false });
    expect((await pendingStudio.caller.get(`/v1/orgs/${pendingStudio.orgId}`)).body.affiliation).toBe('PENDING');
    expect(await inbox(college.caller)).toContain('AFFILIATION_REQUESTED');
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const bidId = await placeBid(pendingStudio, requestId);

    // Act
    const award = await enterprise.caller.post(`/v1/requests/${requestId}/award`, { bidId, shares: evenShares(enterprise.orgId, pendingStudio.orgId) });

    // Assess: the college is not a party — cannot read, sign, write or list it, and is not asked to sign.
    expect(award.status, JSON.stringify(award.body)).toBe(201);
    const contractId = award.body.id as string;
    expect(award.body).not.toHaveProperty('collegeOrgId');
    expect(award.body.requiredSigners).not.toContain(college.orgId);
    expectError(await college.caller.get(`/v1/contracts/${contractId}`), 404, 'NOT_FOUND');
    expectError(await college.caller.post(`/v1/contracts/${contractId}/sign`), 404, 'NOT_FOUND');
    expectError(await college.caller.get(`/v1/contracts/${contractId}/messages`), 404, 'NOT_FOUND');
    expectError(await college.caller.post(`/v1/contracts/${contractId}/messages`, { text: '我们是学院' }), 404, 'NOT_FOUND');
    expect(itemIds(await college.caller.get('/v1/contracts'))).not.toContain(contractId);
    expect(await inbox(college.caller)).not.toContain('SIGNATURE_NEEDED');
    // A share agreement naming the unaffiliated college is refused.
    const requestId2 = await openRequest(api, enterprise.caller, moderator);
    const bid2 = await placeBid(pendingStudio, requestId2);
    const withCollege = {
      ...evenShares(enterprise.orgId, pendingStudio.orgId),
      benefitShares: [{ orgId: enterprise.orgId, bps: 5000 }, { orgId: pendingStudio.orgId, bps: 3000 }, { orgId: college.orgId, bps: 2000 }],
    };
    expect((await enterprise.caller.post(`/v1/requests/${requestId2}/award`, { bidId: bid2, shares: withCollege })).status).toBe(400);

    // Once the college accepts, the studio's next contract has it as a party (reading, not signing).
    const accepted = await college.caller.post(`/v1/orgs/${pendingStudio.orgId}/affiliation`, { decision: 'ACCEPT' });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.affiliation).toBe('ACCEPTED');
    expect(await inbox(pendingStudio.caller)).toContain('AFFILIATION_ACCEPTED');
    const later = await enterprise.caller.post(`/v1/requests/${requestId2}/award`, { bidId: bid2, shares: evenShares(enterprise.orgId, pendingStudio.orgId) });
    expect(later.status, JSON.stringify(later.body)).toBe(201);
    expect(later.body.collegeOrgId).toBe(college.orgId);
    expect((await college.caller.get(`/v1/contracts/${later.body.id}`)).status).toBe(200);
    // The earlier contract keeps its parties.
    expectError(await college.caller.get(`/v1/contracts/${contractId}`), 404, 'NOT_FOUND');
    expect(await auditActions(pendingStudio.orgId)).toContain('affiliation-accept');
  });

  it('is decided by the named college’s owner only, once, and a rejection needs a reason', async () => {
    const applicant = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId }, false, { affiliate: false });
    const collegeMember = await memberOf(college);
    const path = `/v1/orgs/${applicant.orgId}/affiliation`;
    expectError(await otherCollege.caller.post(path, { decision: 'ACCEPT' }), 404, 'NOT_FOUND'); // a PENDING studio of another college is hidden from it
    expectError(await collegeMember.post(path, { decision: 'ACCEPT' }), 403, 'NOT_ORG_OWNER');
    expectError(await applicant.caller.post(path, { decision: 'ACCEPT' }), 403, 'NOT_THE_COLLEGE');
    expectError(await college.caller.post(path, { decision: 'REJECT' }), 400, 'REASON_REQUIRED');
    expectError(await college.caller.post(path, { decision: 'MAYBE' }), 400, 'VALIDATION_FAILED');
    expectError(await college.caller.post(`/v1/orgs/${enterprise.orgId}/affiliation`, { decision: 'ACCEPT' }), 403, 'NOT_THE_COLLEGE');

    const rejected = await college.caller.post(path, { decision: 'REJECT', reason: '本院校没有该工作室' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ affiliation: 'REJECTED', affiliationReason: '本院校没有该工作室' });
    expect(await inbox(applicant.caller)).toContain('AFFILIATION_REJECTED');
    expectError(await college.caller.post(path, { decision: 'ACCEPT' }), 409, 'INVALID_TRANSITION');
  });

  it('lists studios stored before the college index once upgrade-data ran (and a second run changes nothing)', async () => {
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { upgradeDerivedItems } = await import('@sharedtech/services');
    const old = await organisation(api, moderator, { type: 'STUDIO', collegeId: otherCollege.orgId }, false, { affiliate: false });
    await api.deps.db.doc.send(new UpdateCommand({ TableName: api.tableName, Key: keys.org(old.orgId), UpdateExpression: 'REMOVE gsi3pk, gsi3sk' }));
    expect(itemIds(await otherCollege.caller.get(`/v1/orgs/${otherCollege.orgId}/studios?limit=100`))).not.toContain(old.orgId);
    expect((await upgradeDerivedItems(api.deps)).studiosIndexed).toBeGreaterThanOrEqual(1);
    expect(itemIds(await otherCollege.caller.get(`/v1/orgs/${otherCollege.orgId}/studios?limit=100`))).toContain(old.orgId);
    // Running it again keeps one entry per studio.
    await upgradeDerivedItems(api.deps);
    expect(itemIds(await otherCollege.caller.get(`/v1/orgs/${otherCollege.orgId}/studios?limit=100`)).filter((id) => id === old.orgId)).toHaveLength(1);
  });

  it('lists a college’s studios, accepted and pending, to its members and associations only', async () => {
    const waiting = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId }, false, { affiliate: false });
    const listed = await college.caller.get(`/v1/orgs/${college.orgId}/studios?limit=100`);
    expect(listed.status).toBe(200);
    const byId = new Map((listed.body.items as { id: string; affiliation: string }[]).map((item) => [item.id, item.affiliation]));
    expect(byId.get(studio.orgId)).toBe('ACCEPTED');
    expect(byId.get(waiting.orgId)).toBe('PENDING');
    expect(itemIds(await moderator.get(`/v1/orgs/${college.orgId}/studios?limit=100`))).toContain(waiting.orgId);
    expect(itemIds(await otherCollege.caller.get(`/v1/orgs/${otherCollege.orgId}/studios`))).not.toContain(waiting.orgId);
    expectError(await otherCollege.caller.get(`/v1/orgs/${college.orgId}/studios`), 403, 'NOT_ORG_MEMBER');
    expectError(await enterprise.caller.get(`/v1/orgs/${enterprise.orgId}/studios`), 404, 'NOT_FOUND');
    // Paged like every list.
    const first = await college.caller.get(`/v1/orgs/${college.orgId}/studios?limit=1`);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
  });
});

describe('joining an organisation by invitation', () => {
  it('gives the owner a one-time code whose hash alone is stored; the invited person joins only by accepting it', async () => {
    const invited = await enterprise.caller.post(`/v1/orgs/${enterprise.orgId}/member-invitations`, { role: 'MEMBER', displayName: '张工' });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    expect(invited.body).toMatchObject({ orgId: enterprise.orgId, role: 'MEMBER', displayName: '张工', status: 'OPEN', code: expect.stringMatching(/^minv_\w+\.[\w-]{43}$/) });
    expect(invited.body.link).toBe(`/member-invitations/accept?code=${encodeURIComponent(invited.body.code)}`);
    expect(Date.parse(invited.body.validUntil) - clock().getTime()).toBe(7 * 86_400_000);
    const stored = await api.deps.db.doc.send(new GetCommand({ TableName: api.tableName, Key: keys.memberInvitation(invited.body.id) }));
    expect(JSON.stringify(stored.Item)).not.toContain(invited.body.code.split('.')[1]);
    expect(stored.Item!.expiresAt).toEqual(expect.any(Number));
    const listed = await enterprise.caller.get(`/v1/orgs/${enterprise.orgId}/member-invitations`);
    expect(listed.body.items[0]).toMatchObject({ id: invited.body.id, status: 'OPEN' });
    expect(JSON.stringify(listed.body)).not.toMatch(/codeHash|"code"/);

    const person = await newcomer();
    expect((await person.get('/v1/me')).body.membership).toBeNull();
    const joined = await person.post('/v1/member-invitations/accept', { code: invited.body.code });
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    expect(joined.body).toMatchObject({ sub: person.sub, orgId: enterprise.orgId, role: 'MEMBER', displayName: '张工' });
    expect((await person.get('/v1/me')).body).toMatchObject({ membership: { orgId: enterprise.orgId, role: 'MEMBER' }, organisation: { id: enterprise.orgId } });
    expect((await enterprise.caller.get(`/v1/orgs/${enterprise.orgId}/member-invitations`)).body.items[0]).toMatchObject({ status: 'ACCEPTED', acceptedBy: person.sub });
    expect(await inbox(enterprise.caller)).toEqual(expect.arrayContaining(['MEMBER_INVITED', 'MEMBER_JOINED']));
    expect(await auditActions(enterprise.orgId)).toEqual(expect.arrayContaining(['invite-member', 'accept-member-invitation']));

    // Used: a clear 409, and nobody else joins with it.
    const late = await newcomer();
    expectError(await late.post('/v1/member-invitations/accept', { code: invited.body.code }), 409, 'INVITATION_USED');
    expect((await late.get('/v1/me')).body.membership).toBeNull();
  });

  it('refuses a wrong, malformed, revoked or expired code, and a caller who belongs elsewhere, leaving the invitation as it was', async () => {
    const invite = async () => (await enterprise.caller.post(`/v1/orgs/${enterprise.orgId}/member-invitations`, { role: 'MEMBER', displayName: '赵工' })).body;
    const person = await newcomer();
    const open = await invite();
    const [id] = open.code.split('.');
    expectError(await person.post('/v1/member-invitations/accept', { code: `${id}.${'A'.repeat(43)}` }), 404, 'NOT_FOUND');
    expectError(await person.post('/v1/member-invitations/accept', { code: 'hello' }), 404, 'NOT_FOUND');
    expectError(await person.post('/v1/member-invitations/accept', { code: '' }), 400, 'VALIDATION_FAILED');
    expectError(await studio.caller.post('/v1/member-invitations/accept', { code: open.code }), 409, 'ALREADY_MEMBER');

    const revoked = await del(enterprise.caller, `/v1/orgs/${enterprise.orgId}/member-invitations/${open.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('REVOKED');
    expectError(await person.post('/v1/member-invitations/accept', { code: open.code }), 409, 'INVITATION_REVOKED');
    expectError(await del(enterprise.caller, `/v1/orgs/${enterprise.orgId}/member-invitations/${open.id}`), 409, 'INVALID_TRANSITION');
    expectError(await del(college.caller, `/v1/orgs/${college.orgId}/member-invitations/${open.id}`), 404, 'NOT_FOUND');
    expect((await person.get('/v1/me')).body.membership).toBeNull();
  });

  it('lets only owners invite, list and revoke', async () => {
    const colleague = await memberOf(enterprise);
    expectError(await colleague.post(`/v1/orgs/${enterprise.orgId}/member-invitations`, { role: 'OWNER', displayName: '自封' }), 403, 'NOT_ORG_OWNER');
    expectError(await colleague.get(`/v1/orgs/${enterprise.orgId}/member-invitations`), 403, 'NOT_ORG_OWNER');
    expectError(await studio.caller.post(`/v1/orgs/${enterprise.orgId}/member-invitations`, { role: 'MEMBER', displayName: '外人' }), 403, 'NOT_ORG_OWNER');
    expectError(await enterprise.caller.post(`/v1/orgs/${enterprise.orgId}/member-invitations`, { role: 'ADMIN', displayName: '错' }), 400, 'VALIDATION_FAILED');
    expectError(await enterprise.caller.post(`/v1/orgs/${enterprise.orgId}/member-invitations`, { role: 'MEMBER' }), 400, 'VALIDATION_FAILED');
  });

  it('gives exactly one membership when many accept one code at the same moment', async () => {
    const invited = await college.caller.post(`/v1/orgs/${college.orgId}/member-invitations`, { role: 'MEMBER', displayName: '抢先者' });
    const people = await Promise.all([1, 2, 3, 4, 5].map(() => newcomer()));
    const results = await Promise.all(people.map((person) => person.post('/v1/member-invitations/accept', { code: invited.body.code })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const lost of results.filter((r) => r.status !== 201)) expect(lost.status).toBe(409);
    const memberships = await Promise.all(people.map(async (person) => (await person.get('/v1/me')).body.membership));
    expect(memberships.filter(Boolean)).toHaveLength(1);
    const joinedByCode = ((await college.caller.get(`/v1/orgs/${college.orgId}/members?limit=100`)).body.items as { displayName?: string }[]).filter((m) => m.displayName === '抢先者');
    expect(joinedByCode).toHaveLength(1);
  });

  it('keeps the last owner: of two owners demoting or removing each other at once, one stays an owner', async () => {
    const team = await organisation(api, moderator, { type: 'GOVERNMENT' });
    const second = await memberOf(team, 'OWNER');
    const [a, b] = await Promise.all([
      team.caller.patch(`/v1/orgs/${team.orgId}/members/${second.sub}`, { role: 'MEMBER' }),
      second.patch(`/v1/orgs/${team.orgId}/members/${team.caller.sub}`, { role: 'MEMBER' }),
    ]);
    // The loser is refused by the version guard (409), or — if the winner committed first — as no owner any more (403).
    expect([a, b].filter((r) => r.status === 200)).toHaveLength(1);
    expect([a, b].find((r) => r.status !== 200)!.status).toBeOneOf([403, 409]);
    const owners = async () => ((await moderator.get(`/v1/orgs/${team.orgId}/members`)).body.items as { role: string }[]).filter((m) => m.role === 'OWNER');
    expect(await owners()).toHaveLength(1);
    const owner = a.status === 200 ? team.caller : second;
    const demoted = a.status === 200 ? second : team.caller;
    expectError(await owner.patch(`/v1/orgs/${team.orgId}/members/${owner.sub}`, { role: 'MEMBER' }), 409, 'LAST_OWNER');
    expectError(await del(owner, `/v1/orgs/${team.orgId}/members/${owner.sub}`), 409, 'LAST_OWNER');
    expectError(await owner.post(`/v1/orgs/${team.orgId}/members/leave`), 409, 'LAST_OWNER');
    // Promote again, then both remove each other at once: one removal lands, one owner is left.
    expect((await owner.patch(`/v1/orgs/${team.orgId}/members/${demoted.sub}`, { role: 'OWNER' })).status).toBe(200);
    const removals = await Promise.all([del(owner, `/v1/orgs/${team.orgId}/members/${demoted.sub}`), del(demoted, `/v1/orgs/${team.orgId}/members/${owner.sub}`)]);
    expect(removals.filter((r) => r.status === 204)).toHaveLength(1);
    expect(removals.find((r) => r.status !== 204)!.status).toBeOneOf([403, 409]);
    expect(await owners()).toHaveLength(1);
  });

  it('refuses an expired code (valid 7 days) with a clear 409', async () => {
    const invited = await enterprise.caller.post(`/v1/orgs/${enterprise.orgId}/member-invitations`, { role: 'MEMBER', displayName: '迟到者' });
    clock.advanceDays(7);
    clock.advance(1000);
    const person = await newcomer();
    expectError(await person.post('/v1/member-invitations/accept', { code: invited.body.code }), 409, 'INVITATION_EXPIRED');
    expect((await person.get('/v1/me')).body.membership).toBeNull();
    const owner = await api.as(enterprise.caller.sub);
    const listed = (await owner.get(`/v1/orgs/${enterprise.orgId}/member-invitations`)).body.items as { id: string; status: string }[];
    expect(listed.find((item) => item.id === invited.body.id)?.status).toBe('EXPIRED');
  });
});

