import { describe, expect, it } from 'vitest';
import { startTestApi, type Caller } from '../support/harness.js';
import { expectError, issuePaths, itemIds, tableItemCount } from '../support/assertions.js';
import { consortium, joinByInvitation, openRequest, organisation, uniqueSub } from '../support/fixtures.js';
import { bidBody, evenShares } from '../support/bids.js';

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
    expect(itemIds(await studio.caller.get(`${people(studio.orgId)}?kind=TEACHER`))).toEqual([teacherId]);

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
    expect(issuePaths(await bid({ personIds: [teacherId], teachers: ['王老师'] }))).toEqual(['team.teachers']);
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
    const bid = await studio.caller.post(`/v1/requests/${request}/bids`, bidBody(studio.team));
    expect(bid.status, JSON.stringify(bid.body)).toBe(201);
    expect(bid.body.team).toEqual({ teachers: ['王老师'], students: ['李同学', '张同学'], mentors: ['赵工'] });
    expect((await enterprise.caller.get(`/v1/bids/${bid.body.id}`)).body.team.people).toBeUndefined();
  });
});
