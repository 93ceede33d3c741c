import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '@sharedtech/data';
import { startTestApi, type Caller } from '../support/harness.js';
import { expectError, issuePaths, itemIds, tableItemCount } from '../support/assertions.js';
import { consortium, joinByInvitation, openRequest, organisation, uniqueSub } from '../support/fixtures.js';
import { bidBody, evenShares } from '../support/bids.js';
import { pageClient } from '../support/pages.js';

/**
 * People and dual-mentor teams (issue 14, part 1): rosters at
 * `/v1/orgs/{id}/people`, bids whose team names roster people (at least one
 * teacher), the enterprise mentor named at award, and who may NOT see the
 * people's personal data.
 */
const api = await startTestApi();
const { moderator, enterprise, studio, college } = await consortium(api);
const otherCollege = await organisation(api, moderator, { type: 'COLLEGE' });
const otherStudio = await organisation(api, moderator, { type: 'STUDIO', collegeId: otherCollege.orgId, capabilities: ['机器视觉'] });
const otherEnterprise = await organisation(api, moderator, { type: 'ENTERPRISE' });
const outsider = await api.as(uniqueSub('people-outsider'));
const del = (caller: Caller, path: string) => api.call('DELETE', path, caller.token);
const people = (orgId: string) => `/v1/orgs/${orgId}/people`;

async function add(caller: Caller, orgId: string, body: Record<string, unknown>) {
  const response = await caller.post(people(orgId), body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
}

// The studio's teacher signs in as a member of the studio.
const teacherSub = uniqueSub('teacher');
expect((await joinByInvitation(api, studio.caller, studio.orgId, teacherSub, { displayName: '王老师' })).status).toBe(201);
const teacherId = await add(studio.caller, studio.orgId, { kind: 'TEACHER', name: '王老师', title: '副教授', memberSub: teacherSub });
const studentId = await add(studio.caller, studio.orgId, { kind: 'STUDENT', name: '李同学', programme: '机电一体化技术', year: 2024 });
const collegeStudentId = await add(college.caller, college.orgId, { kind: 'STUDENT', name: '张同学', programme: '工业机器人技术', year: 2023 });
const engineerId = await add(enterprise.caller, enterprise.orgId, { kind: 'ENGINEER', name: '赵工', title: '高级工程师' });
const foreignTeacherId = await add(otherStudio.caller, otherStudio.orgId, { kind: 'TEACHER', name: '外校老师' });

describe('the roster', () => {
  it('is kept by the organisation’s members: add, page, change, remove, each audited', async () => {
    const extra = await add(studio.caller, studio.orgId, { kind: 'STUDENT', name: '临时同学', programme: '软件技术', year: 2025 });
    const first = await studio.caller.get(`${people(studio.orgId)}?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await studio.caller.get(`${people(studio.orgId)}?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect([...itemIds(first), ...itemIds(second)]).toEqual(expect.arrayContaining([teacherId, studentId, extra]));
    // The fixture's teacher (every test studio has one) and this file's.
    expect(itemIds(await studio.caller.get(`${people(studio.orgId)}?kind=TEACHER`)).sort()).toEqual([studio.team.personIds[0]!, teacherId].sort());

    const changed = await studio.caller.patch(`${people(studio.orgId)}/${extra}`, { year: 2024, programme: '软件技术（嵌入式）' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ id: extra, kind: 'STUDENT', year: 2024, programme: '软件技术（嵌入式）' });
    const trail = await studio.caller.get(`/v1/audit?entity=person:${extra}`);
    expect(trail.status, JSON.stringify(trail.body)).toBe(200);
    expect(trail.body.items.map((record: { action: string }) => record.action)).toEqual(['add', 'edit']);
    expectError(await college.caller.get(`/v1/audit?entity=person:${extra}`), 403);
    expect((await del(studio.caller, `${people(studio.orgId)}/${extra}`)).status).toBe(204);
    expectError(await studio.caller.get(`${people(studio.orgId)}/${extra}`), 404);
    expectError(await del(studio.caller, `${people(studio.orgId)}/${extra}`), 404);
  });

  it('refuses bad input with a clear 400 naming the field, writing nothing', async () => {
    const before = await tableItemCount(api);
    expect(issuePaths(await studio.caller.post(people(studio.orgId), { kind: 'STUDENT', name: '缺专业', year: 2024 }))).toEqual(['programme']);
    expect(issuePaths(await studio.caller.post(people(studio.orgId), { kind: 'TEACHER', name: '老师', year: 2020 }))).toEqual(['year']);
    expect(issuePaths(await enterprise.caller.post(people(enterprise.orgId), { kind: 'STUDENT', name: '学生', programme: 'x', year: 2024 }))).toEqual(['kind']);
    expect(issuePaths(await studio.caller.post(people(studio.orgId), { kind: 'TEACHER', name: '老师', memberSub: 'somebody-else' }))).toEqual(['memberSub']);
    expectError(await studio.caller.post(people(studio.orgId), { kind: 'TEACHER', name: '' }), 400, 'VALIDATION_FAILED');
    expectError(await studio.caller.post(people(studio.orgId), { kind: 'TEACHER', name: '老师', extra: 1 }), 400, 'VALIDATION_FAILED');
    expectError(await studio.caller.post(people(studio.orgId), { kind: 'PRINCIPAL', name: '校长' }), 400, 'VALIDATION_FAILED');
    expectError(await studio.caller.patch(`${people(studio.orgId)}/${studentId}`, {}), 400, 'VALIDATION_FAILED');
    expectError(await studio.caller.patch(`${people(studio.orgId)}/per_01JD0000000000000000000000`, { name: '无此人' }), 404);
    expectError(await studio.caller.get(`${people(studio.orgId)}/not-an-id`), 400);
    // Someone else's person through this roster's path is not there.
    expectError(await studio.caller.patch(`${people(studio.orgId)}/${collegeStudentId}`, { name: '改名' }), 404);
    expect(await tableItemCount(api)).toBe(before);
  });

  it('is read by its members, the studio’s college and the college’s studios — and nobody else', async () => {
    expect((await college.caller.get(people(studio.orgId))).status).toBe(200);
    expect(itemIds(await studio.caller.get(people(college.orgId)))).toContain(collegeStudentId);
    for (const stranger of [otherStudio.caller, otherCollege.caller, otherEnterprise.caller, enterprise.caller, moderator, outsider]) {
      expectError(await stranger.get(people(studio.orgId)), 404);
      expectError(await stranger.get(`${people(studio.orgId)}/${studentId}`), 404);
    }
    expectError(await api.call('GET', people(studio.orgId)), 401);
    // Reading is not keeping: the college cannot change its studio's roster.
    const before = await tableItemCount(api);
    expectError(await college.caller.post(people(studio.orgId), { kind: 'TEACHER', name: '越权' }), 403, 'NOT_A_MEMBER');
    expectError(await otherStudio.caller.post(people(studio.orgId), { kind: 'TEACHER', name: '越权' }), 404);
    expect(await tableItemCount(api)).toBe(before);
  });
});

const requestId = await openRequest(api, enterprise.caller, moderator);

describe('a team of roster people and the enterprise mentor', () => {
  const team = { personIds: [teacherId, studentId, collegeStudentId] };

  it('needs at least one teacher, people of the studio’s or its college’s roster, and no free-text names beside them', async () => {
    const before = await tableItemCount(api);
    const bid = (teamBody: unknown) => studio.caller.post(`/v1/requests/${requestId}/bids`, bidBody(studio.team, 90_000, { team: teamBody }));
    expect(issuePaths(await bid({ personIds: [studentId] }))).toEqual(['team.personIds']);
    expect(issuePaths(await bid({ personIds: [teacherId, foreignTeacherId] }))).toEqual(['team.personIds.1']);
    expect(issuePaths(await bid({ personIds: [teacherId, engineerId] }))).toEqual(['team.personIds.1']);
    expect(issuePaths(await bid({ personIds: [teacherId, teacherId] }))).toEqual(['team.personIds.1']);
    expect(issuePaths(await bid({ personIds: [teacherId], teachers: ['王老师'] }))).toEqual(['team']);
    expectError(await bid({ personIds: ['not-a-person'] }), 400, 'VALIDATION_FAILED');
    expect(await tableItemCount(api)).toBe(before);
  });

  it('names the people on the bid and on the contract, with the mentor from the enterprise’s roster', async () => {
    const bid = await studio.caller.post(`/v1/requests/${requestId}/bids`, bidBody(studio.team, 90_000, { team }));
    expect(bid.status, JSON.stringify(bid.body)).toBe(201);
    expect(bid.body.team).toMatchObject({ teachers: ['王老师'], students: ['李同学', '张同学'], mentors: [] });
    expect(bid.body.team.people.map((person: { personId: string }) => person.personId)).toEqual(team.personIds);

    const award = (mentorPersonId: string) =>
      enterprise.caller.post(`/v1/requests/${requestId}/award`, { bidId: bid.body.id, shares: evenShares(enterprise.orgId, studio.orgId), mentorPersonId });
    const foreignEngineer = await add(otherEnterprise.caller, otherEnterprise.orgId, { kind: 'ENGINEER', name: '别家工程师' });
    const beforeForeign = await tableItemCount(api);
    expect(issuePaths(await award(teacherId))).toEqual(['mentorPersonId']);
    expect(issuePaths(await award(foreignEngineer))).toEqual(['mentorPersonId']);
    expect(await tableItemCount(api)).toBe(beforeForeign);

    const awarded = await award(engineerId);
    expect(awarded.status, JSON.stringify(awarded.body)).toBe(201);
    const contractId = awarded.body.id as string;
    expect(awarded.body.enterpriseMentor).toMatchObject({ personId: engineerId, name: '赵工', orgId: enterprise.orgId });

    // The parties and the college see the people; the programme and year of students included.
    for (const party of [enterprise.caller, studio.caller, college.caller]) {
      const read = await party.get(`/v1/contracts/${contractId}`);
      expect(read.status).toBe(200);
      expect(read.body.team.people).toEqual(expect.arrayContaining([expect.objectContaining({ name: '李同学', programme: '机电一体化技术', year: 2024 })]));
      expect(read.body.enterpriseMentor.name).toBe('赵工');
    }

    // Associations moderate the contract but see head counts only; strangers and anonymous callers see nothing.
    const moderated = await moderator.get(`/v1/contracts/${contractId}`);
    expect(moderated.status).toBe(200);
    expect(moderated.body.team).toEqual({ teachers: ['—'], students: ['—', '—'], mentors: [], redacted: true });
    expect(moderated.body.enterpriseMentor).toBeUndefined();
    const listed = await moderator.get('/v1/contracts?limit=100');
    const summary = listed.body.items.find((item: { id: string }) => item.id === contractId);
    expect(JSON.stringify(summary)).not.toMatch(/李同学|张同学|王老师|赵工|机电一体化/);
    const moderatedBids = await moderator.get(`/v1/requests/${requestId}/bids`);
    expect(moderatedBids.status).toBe(200);
    expect(JSON.stringify(moderatedBids.body)).not.toMatch(/李同学|张同学|王老师|机电一体化/);
    expect(JSON.stringify((await moderator.get(`/v1/bids/${bid.body.id}`)).body)).not.toMatch(/李同学|王老师/);
    for (const stranger of [otherStudio.caller, otherCollege.caller, otherEnterprise.caller, outsider]) {
      expectError(await stranger.get(`/v1/contracts/${contractId}`), 404);
      expectError(await stranger.get(`/v1/bids/${bid.body.id}`), 404);
    }
    expectError(await api.call('GET', `/v1/contracts/${contractId}`), 401);
  });

  it('still reads older bids whose team is free-text names', async () => {
    const request = await openRequest(api, enterprise.caller, moderator);
    const bidId = (await studio.caller.post(`/v1/requests/${request}/bids`, bidBody(studio.team))).body.id as string;
    await storeAsFreeText(bidId);
    for (const party of [studio.caller, enterprise.caller]) {
      const read = await party.get(`/v1/bids/${bidId}`);
      expect(read.status).toBe(200);
      expect(read.body.team).toEqual(OLD_TEAM);
    }
  });
});

/** What a bid stored before rosters has as its team: names only. */
const OLD_TEAM = { teachers: ['钱老师'], students: ['孙同学', '周同学'], mentors: ['吴工'] };
/** Rewrites a stored bid's team as such an older bid has it (no roster people). */
async function storeAsFreeText(bidId: string) {
  await api.deps.db.doc.send(new UpdateCommand({ TableName: api.tableName, Key: keys.bid(bidId), UpdateExpression: 'SET team = :team', ExpressionAttributeValues: { ':team': OLD_TEAM } }));
}

const bidsOf = (id: string) => `/v1/requests/${id}/bids`;

describe('a bid’s team is roster people, always', () => {
  const firstIssue = (response: { body: any }) => response.body.error.details.issues[0] as { path: string; code: string; message: string };

  it('refuses a bid without a team, with free-text lists, with students only or with another studio’s person: 400 at the field, nothing written', async () => {
    const request = await openRequest(api, enterprise.caller, moderator);
    const before = await tableItemCount(api);
    const { team: _team, ...withoutTeam } = bidBody(studio.team);
    const none = await studio.caller.post(bidsOf(request), withoutTeam);
    expectError(none, 400, 'VALIDATION_FAILED');
    expect(issuePaths(none)).toEqual(['team']);

    const freeText = await studio.caller.post(bidsOf(request), bidBody(studio.team, 90_000, { team: { teachers: ['王老师'], students: ['李同学'], mentors: [] } }));
    expectError(freeText, 400, 'VALIDATION_FAILED');
    expect(issuePaths(freeText)).toEqual(expect.arrayContaining(['team', 'team.personIds']));
    expect(freeText.body.error.details.issues.find((issue: { path: string }) => issue.path === 'team').message).toMatch(/teachers/);

    const studentsOnly = await studio.caller.post(bidsOf(request), bidBody({ personIds: studio.team.personIds.slice(1) }));
    expectError(studentsOnly, 400, 'VALIDATION_FAILED');
    expect(firstIssue(studentsOnly)).toMatchObject({ path: 'team.personIds', code: 'TEACHER_REQUIRED' });

    const foreign = await studio.caller.post(bidsOf(request), bidBody({ personIds: [studio.team.personIds[0]!, otherStudio.team.personIds[1]!] }));
    expectError(foreign, 400, 'VALIDATION_FAILED');
    expect(firstIssue(foreign)).toMatchObject({ path: 'team.personIds.1', code: 'PERSON_NOT_IN_ROSTER' });

    const empty = await studio.caller.post(bidsOf(request), bidBody({ personIds: [] }));
    expect(issuePaths(empty)).toEqual(['team.personIds']);
    expect(await tableItemCount(api)).toBe(before);
    expect((await enterprise.caller.get(bidsOf(request))).body.count).toBe(0);
  });

  it('takes a new roster team on an update, and refuses free text or a team without a teacher there too, changing nothing', async () => {
    const request = await openRequest(api, enterprise.caller, moderator);
    const bidId = (await studio.caller.post(bidsOf(request), bidBody(studio.team))).body.id as string;
    const before = await tableItemCount(api);
    expect(issuePaths(await studio.caller.patch(`/v1/bids/${bidId}`, { team: { teachers: ['王老师'] } }))).toEqual(expect.arrayContaining(['team']));
    const noTeacher = await studio.caller.patch(`/v1/bids/${bidId}`, { team: { personIds: [studentId] } });
    expect(firstIssue(noTeacher)).toMatchObject({ path: 'team.personIds', code: 'TEACHER_REQUIRED' });
    expect(await tableItemCount(api)).toBe(before);

    const changed = await studio.caller.patch(`/v1/bids/${bidId}`, { team: { personIds: [teacherId, collegeStudentId] } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.team).toMatchObject({ teachers: ['王老师'], students: ['张同学'], mentors: [] });
    expect((await enterprise.caller.get(`/v1/bids/${bidId}`)).body.team.people.map((person: { personId: string }) => person.personId)).toEqual([teacherId, collegeStudentId]);
    // A change of something else keeps the team.
    const repriced = await studio.caller.patch(`/v1/bids/${bidId}`, { durationDays: 95 });
    expect(repriced.status).toBe(200);
    expect(repriced.body.team.people).toHaveLength(2);
  });
});

describe('the bid form names the team from the roster', () => {
  const page = pageClient(api);
  const form = (overrides: Record<string, string> = {}) => ({
    price: '90000', durationDays: '90', approach: '采用结构光与深度学习相结合的检测方案，先离线验证再上线。',
    'milestones.0.title': '方案设计与样机', 'milestones.0.amount': '30000', 'milestones.0.dueInDays': '30',
    'milestones.1.title': '现场部署与验收', 'milestones.1.amount': '60000', 'milestones.1.dueInDays': '90',
    ...overrides,
  });
  const picked = (...ids: string[]) => Object.fromEntries(ids.map((id) => [`team.person.${id}`, 'on']));

  it('explains a roster without a teacher in both languages, links to the roster, and shows a post without people at the roster field', async () => {
    // A studio of a college without a roster, whose own teacher has left.
    const lonely = await organisation(api, moderator, { type: 'STUDIO', collegeId: otherCollege.orgId });
    expect((await del(lonely.caller, `${people(lonely.orgId)}/${lonely.team.personIds[0]}`)).status).toBe(204);
    const request = await openRequest(api, enterprise.caller, moderator);
    const zh = await page(lonely.caller.token, `/requests/${request}/bid?lang=zh-CN`);
    expect(zh.status).toBe(200);
    expect(zh.body).toContain('本工作室及所属院校的名册中还没有教师');
    expect(zh.body).toMatch(/<a href="\/people">到人员名册添加教师和学生<\/a>/);
    const en = await page(lonely.caller.token, `/requests/${request}/bid?lang=en`);
    expect(en.body).toContain('have no teacher yet');
    expect(en.body).toMatch(/<a href="\/people">Add teachers and students to your roster<\/a>/);
    // Where there is a teacher, no such notice.
    expect((await page(studio.caller.token, `/requests/${request}/bid?lang=zh-CN`)).body).not.toContain('data-no-teacher');

    const before = await tableItemCount(api);
    const nobody = await page(studio.caller.token, `/requests/${request}/bid?lang=zh-CN`, { form: form() });
    expect(nobody.status).toBe(400);
    expect(nobody.body).toMatch(/<fieldset class="roster-picker has-error" id="f-team-personIds"[^>]*>[\s\S]*请从名册中至少选择一人/);
    const studentOnly = await page(studio.caller.token, `/requests/${request}/bid?lang=en`, { form: form(picked(studentId)) });
    expect(studentOnly.status).toBe(400);
    expect(studentOnly.body).toContain('A team names at least one teacher.');
    expect(await tableItemCount(api)).toBe(before);
    const posted = await page(studio.caller.token, `/requests/${request}/bid`, { form: form(picked(teacherId, studentId)) });
    expect(posted.status, posted.body.slice(0, 300)).toBe(303);
  });

  it('shows an older free-text team read only and keeps it unless roster people are picked', async () => {
    const request = await openRequest(api, enterprise.caller, moderator);
    const bidId = (await studio.caller.post(bidsOf(request), bidBody(studio.team))).body.id as string;
    await storeAsFreeText(bidId);
    const edit = await page(studio.caller.token, `/bids/${bidId}/edit?lang=zh-CN`);
    expect(edit.status).toBe(200);
    expect(edit.body).toContain('原团队（自由填写的姓名，仅供查看）：钱老师、孙同学、周同学、吴工');
    expect(edit.body).not.toMatch(/name="team\.(teachers|students|mentors)"/);

    // Nothing picked: the old team stays, the other changes are saved.
    expect((await page(studio.caller.token, `/bids/${bidId}/edit`, { form: form({ durationDays: '95' }) })).status).toBe(303);
    const kept = (await studio.caller.get(`/v1/bids/${bidId}`)).body;
    expect(kept).toMatchObject({ durationDays: 95, team: OLD_TEAM });

    // Picking people changes the team to roster people (a teacher among them).
    const noTeacher = await page(studio.caller.token, `/bids/${bidId}/edit?lang=en`, { form: form(picked(studentId)) });
    expect(noTeacher.status).toBe(400);
    expect(noTeacher.body).toContain('A team names at least one teacher.');
    expect((await studio.caller.get(`/v1/bids/${bidId}`)).body.team).toEqual(OLD_TEAM);
    expect((await page(studio.caller.token, `/bids/${bidId}/edit`, { form: form(picked(teacherId, studentId)) })).status).toBe(303);
    const changed = (await studio.caller.get(`/v1/bids/${bidId}`)).body.team;
    expect(changed).toMatchObject({ teachers: ['王老师'], students: ['李同学'], mentors: [] });
    expect(changed.people).toHaveLength(2);

    // A roster team is never kept by picking no one: the form asks for people.
    const cleared = await page(studio.caller.token, `/bids/${bidId}/edit?lang=zh-CN`, { form: form() });
    expect(cleared.status).toBe(400);
    expect(cleared.body).toContain('请从名册中至少选择一人');
  });
});
