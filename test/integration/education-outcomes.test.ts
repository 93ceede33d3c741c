import { describe, expect, it } from 'vitest';
import { educationCounter, collegeEducationScope } from '@sharedtech/core';
import { readClusterCounters } from '@sharedtech/data';
import { readEducationFigures, recountEducation } from '@sharedtech/services';
import { startTestApi, type Caller } from '../support/harness.js';
import { expectError, issuePaths, tableItemCount } from '../support/assertions.js';
import { joinByInvitation, openRequest, organisation, uniqueSub } from '../support/fixtures.js';
import { bidBody, evenShares } from '../support/bids.js';
import { fen, key, milestonePath, moneyConsortium } from '../support/money.js';

/**
 * Education outcomes (issue 14, part 2): per milestone the studio logs its
 * students' participation; the team's teacher and the enterprise mentor both
 * sign it off (then it is fixed); at completion every student with signed-off
 * work gets a record; the counters equal a recount, and two sign-offs at once
 * are both recorded exactly once.
 */
const api = await startTestApi();
const parties = await moneyConsortium(api);
const { moderator, enterprise, studio, college, outsider } = parties;
const otherCollege = await organisation(api, moderator, { type: 'COLLEGE' });
const otherStudio = await organisation(api, moderator, { type: 'STUDIO', collegeId: otherCollege.orgId });
const anonymous = (path: string) => api.call('GET', path);
const CLUSTER = 'smart-manufacturing';

async function add(caller: Caller, orgId: string, body: Record<string, unknown>) {
  const response = await caller.post(`/v1/orgs/${orgId}/people`, body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
}
async function member(owner: Caller, orgId: string, name: string) {
  const sub = uniqueSub(name);
  expect((await joinByInvitation(api, owner, orgId, sub, { displayName: name })).status).toBe(201);
  return api.as(sub);
}

const teacher = await member(studio.caller, studio.orgId, 'teacher');
const mentor = await member(enterprise.caller, enterprise.orgId, 'mentor');
const teacherId = await add(studio.caller, studio.orgId, { kind: 'TEACHER', name: '王老师', memberSub: teacher.sub });
const ming = await add(studio.caller, studio.orgId, { kind: 'STUDENT', name: '李明', programme: '机电一体化技术', year: 2024 });
const hua = await add(studio.caller, studio.orgId, { kind: 'STUDENT', name: '陈华', programme: '工业机器人技术', year: 2023 });
const fang = await add(college.caller, college.orgId, { kind: 'STUDENT', name: '周芳', programme: '机电一体化技术', year: 2024 });
const idle = await add(studio.caller, studio.orgId, { kind: 'STUDENT', name: '闲置同学', programme: '软件技术', year: 2024 });
const mentorId = await add(enterprise.caller, enterprise.orgId, { kind: 'ENGINEER', name: '赵工', memberSub: mentor.sub });

/** An ACTIVE contract whose team names the roster people and whose mentor is 赵工. */
async function educationContract(milestones: number[]) {
  const requestId = await openRequest(api, enterprise.caller, moderator);
  const bid = await studio.caller.post(`/v1/requests/${requestId}/bids`, {
    ...bidBody(studio.team),
    price: fen(milestones.reduce((sum, amount) => sum + amount, 0)),
    milestones: milestones.map((amount, index) => ({ title: `阶段 ${index + 1}`, amount: fen(amount), dueInDays: 10 * (index + 1) })),
    team: { personIds: [teacherId, ming, hua, fang, idle] },
  });
  expect(bid.status, JSON.stringify(bid.body)).toBe(201);
  const award = await enterprise.caller.post(`/v1/requests/${requestId}/award`, { bidId: bid.body.id, shares: evenShares(enterprise.orgId, studio.orgId), mentorPersonId: mentorId });
  expect(award.status, JSON.stringify(award.body)).toBe(201);
  const contractId = award.body.id as string;
  for (const signer of [enterprise.caller, studio.caller]) expect((await signer.post(`/v1/contracts/${contractId}/sign`)).status).toBe(200);
  return contractId;
}

const contractId = await educationContract([100_000, 200_000]);
const participation = (n: number) => `/v1/contracts/${contractId}/milestones/${n}/participation`;
const log = (caller: Caller, n: number, body: Record<string, unknown>) => caller.post(participation(n), body);
const signOff = (caller: Caller, n: number, body: Record<string, unknown> = {}) => caller.post(`${participation(n)}/sign-off`, body);
const counters = () => readClusterCounters(api.deps.db, CLUSTER, '#TOTAL', true);

describe('logging participation', () => {
  it('lets the studio log a team student’s hours and tasks on a milestone, and correct them until signed', async () => {
    const logged = await log(studio.caller, 1, { personId: ming, hours: 12, role: '视觉算法', tasks: ['标定相机', '标注样本'] });
    expect(logged.status, JSON.stringify(logged.body)).toBe(200);
    expect(logged.body).toMatchObject({ personId: ming, name: '李明', programme: '机电一体化技术', hours: 12, tasks: ['标定相机', '标注样本'], signedOff: false });
    const corrected = await log(teacher, 1, { personId: ming, hours: 16, role: '视觉算法', tasks: ['标定相机', '标注样本', '现场调试'] });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    expect(corrected.body.hours).toBe(16);
    const listed = await enterprise.caller.get(participation(1));
    expect(listed.body).toMatchObject({ signAs: null, items: [expect.objectContaining({ personId: ming, hours: 16 })] });
    expect((await mentor.get(participation(1))).body.signAs).toBe('MENTOR');
    expect((await teacher.get(participation(1))).body.signAs).toBe('TEACHER');
  });

  it('refuses other parties, people not on the team and bad input with a clear 4xx, writing nothing', async () => {
    const before = await tableItemCount(api);
    expectError(await log(enterprise.caller, 1, { personId: hua, hours: 4, tasks: ['x'] }), 403, 'NOT_THE_STUDIO');
    expect(issuePaths(await log(studio.caller, 1, { personId: teacherId, hours: 4, tasks: ['x'] }))).toEqual(['personId']);
    expect(issuePaths(await log(studio.caller, 1, { personId: 'per_01JD0000000000000000000000', hours: 4, tasks: ['x'] }))).toEqual(['personId']);
    expect(issuePaths(await log(studio.caller, 1, { personId: hua, hours: 0, tasks: ['x'] }))).toEqual(['hours']);
    expect(issuePaths(await log(studio.caller, 1, { personId: hua, hours: 4, tasks: [] }))).toEqual(['tasks']);
    expectError(await log(studio.caller, 1, { personId: hua, hours: 4, tasks: ['x'], extra: true }), 400, 'VALIDATION_FAILED');
    expectError(await log(studio.caller, 9, { personId: hua, hours: 4, tasks: ['x'] }), 404);
    expectError(await log(otherStudio.caller, 1, { personId: hua, hours: 4, tasks: ['x'] }), 404);
    expectError(await signOff(studio.caller, 1), 403, 'NOT_PARTICIPATION_SIGNER'); // the team's teacher is linked: the owner is not them
    expectError(await signOff(enterprise.caller, 1), 403, 'NOT_PARTICIPATION_SIGNER'); // nor is the enterprise's owner the named mentor
    expect(issuePaths(await signOff(teacher, 1, { personIds: [hua] }))).toEqual(['personIds.0']);
    expect(await tableItemCount(api)).toBe(before);
  });

  it('keeps the students’ personal data from everyone but the parties and the college', async () => {
    expect((await college.caller.get(participation(1))).status).toBe(200);
    for (const stranger of [otherStudio.caller, otherCollege.caller, outsider.caller, moderator]) expectError(await stranger.get(participation(1)), 404);
    expectError(await anonymous(participation(1)), 401);
  });
});

describe('the audit trail of an entry', () => {
  it('shows who logged and corrected a student’s hours to the contract’s parties, and 404s for everyone the entry 404s for', async () => {
    const trail = (caller: Caller, entity: string) => caller.get(`/v1/audit?entity=${encodeURIComponent(entity)}`);
    const entity = `participation:${contractId}:1:${ming}`;
    const read = await trail(enterprise.caller, entity);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.items.map((record: { action: string; entity: { type: string; id: string } }) => [record.action, record.entity.type, record.entity.id])).toEqual([
      ['log', 'participation', `${contractId}:1:${ming}`],
      ['edit', 'participation', `${contractId}:1:${ming}`],
    ]);
    expect(read.body.items.map((record: { details?: { hours?: number } }) => record.details?.hours)).toEqual([12, 16]);
    expect((await trail(college.caller, entity)).status).toBe(200);
    for (const stranger of [otherStudio.caller, otherCollege.caller, outsider.caller, moderator]) expectError(await trail(stranger, entity), 404);
    expectError(await trail(studio.caller, `participation:${contractId}:2:${ming}`), 404); // never logged
    expect(issuePaths(await trail(studio.caller, `participation:${contractId}:x:${ming}`))).toEqual(['entity']);
  });
});

describe('signing off', () => {
  it('needs both the teacher and the enterprise mentor; then the entry is fixed and counted once', async () => {
    const before = await counters();
    const byTeacher = await signOff(teacher, 1);
    expect(byTeacher.status, JSON.stringify(byTeacher.body)).toBe(200);
    expect(byTeacher.body).toMatchObject({ side: 'TEACHER', signedOff: 0, items: [expect.objectContaining({ personId: ming, teacherSignOff: expect.objectContaining({ sub: teacher.sub }) })] });
    // Signed by one side: already fixed.
    expectError(await log(studio.caller, 1, { personId: ming, hours: 40, tasks: ['改工时'] }), 409, 'PARTICIPATION_SIGNED');
    expectError(await signOff(teacher, 1), 409, 'NOTHING_TO_SIGN');
    const byMentor = await signOff(mentor, 1);
    expect(byMentor.status, JSON.stringify(byMentor.body)).toBe(200);
    expect(byMentor.body).toMatchObject({ side: 'MENTOR', signedOff: 1, items: [expect.objectContaining({ signedOff: true })] });
    expectError(await signOff(mentor, 1, { personIds: [ming] }), 409, 'ALREADY_SIGNED_OFF');
    const after = await counters();
    expect((after[educationCounter.signedOff] ?? 0) - (before[educationCounter.signedOff] ?? 0)).toBe(1);
    expect((after[educationCounter.hours] ?? 0) - (before[educationCounter.hours] ?? 0)).toBe(16);
    const trail = await studio.caller.get(`/v1/audit?entity=contract:${contractId}`);
    expect(trail.status).toBe(200);
  });

  it('records two sign-offs at once both, exactly once', async () => {
    for (const [personId, hours] of [[ming, 8], [hua, 10], [fang, 6]] as const) {
      expect((await log(studio.caller, 2, { personId, hours, tasks: ['部署', '验收'] })).status).toBe(200);
    }
    const before = await counters();
    const [a, b] = await Promise.all([signOff(teacher, 2), signOff(mentor, 2)]);
    expect([a.status, b.status], JSON.stringify([a.body, b.body])).toEqual([200, 200]);
    expect(a.body.signedOff + b.body.signedOff).toBe(3);
    const listed = (await studio.caller.get(participation(2))).body.items as { signedOff: boolean; teacherSignOff?: { sub: string }; mentorSignOff?: { sub: string } }[];
    expect(listed).toHaveLength(3);
    for (const entry of listed) expect(entry).toMatchObject({ signedOff: true, teacherSignOff: { sub: teacher.sub }, mentorSignOff: { sub: mentor.sub } });
    const after = await counters();
    expect((after[educationCounter.signedOff] ?? 0) - (before[educationCounter.signedOff] ?? 0)).toBe(3);
    expect((after[educationCounter.hours] ?? 0) - (before[educationCounter.hours] ?? 0)).toBe(24);
  });
});

describe('student records at completion', () => {
  it('issues one record per student with signed-off work, readable by the parties, the college and nobody else', async () => {
    for (const n of [1, 2]) {
      expect((await enterprise.caller.post(milestonePath(contractId, n, 'fund'), {}, key())).status).toBe(200);
      expect((await studio.caller.post(milestonePath(contractId, n, 'submit'), { note: '交付' })).status).toBe(200);
      expect((await enterprise.caller.post(milestonePath(contractId, n, 'accept'), {}, key())).status).toBe(200);
    }
    expect((await studio.caller.get(`/v1/contracts/${contractId}`)).body.status).toBe('COMPLETED');
    expectError(await log(studio.caller, 1, { personId: hua, hours: 2, tasks: ['补录'] }), 409, 'CONTRACT_NOT_ACTIVE');

    const mings = await studio.caller.get(`/v1/students/${ming}/records`);
    expect(mings.status, JSON.stringify(mings.body)).toBe(200);
    expect(mings.body.items).toHaveLength(1);
    const record = mings.body.items[0];
    expect(record).toMatchObject({
      contractId,
      name: '李明',
      programme: '机电一体化技术',
      hours: 24,
      teachers: ['王老师'],
      mentor: '赵工',
      collegeOrgId: college.orgId,
      milestones: [
        expect.objectContaining({ n: 1, hours: 16, role: '视觉算法', teacherSignOff: expect.objectContaining({ sub: teacher.sub }), mentorSignOff: expect.objectContaining({ sub: mentor.sub }) }),
        expect.objectContaining({ n: 2, hours: 8 }),
      ],
    });
    // The student without signed-off work has no record; the college student has theirs.
    expect((await studio.caller.get(`/v1/students/${idle}/records`)).body.items).toEqual([]);
    expect((await college.caller.get(`/v1/students/${fang}/records`)).body.items).toHaveLength(1);

    for (const reader of [studio.caller, enterprise.caller, college.caller, teacher, mentor]) expect((await reader.get(`/v1/student-records/${record.id}`)).status).toBe(200);
    for (const stranger of [otherStudio.caller, otherCollege.caller, outsider.caller, moderator]) {
      expectError(await stranger.get(`/v1/student-records/${record.id}`), 404);
      expectError(await stranger.get(`/v1/students/${ming}/records`), 404);
    }
    expectError(await anonymous(`/v1/student-records/${record.id}`), 401);

    const listed = await college.caller.get(`/v1/colleges/${college.orgId}/student-records?limit=2`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(2);
    const rest = await college.caller.get(`/v1/colleges/${college.orgId}/student-records?limit=2&cursor=${encodeURIComponent(listed.body.nextCursor)}`);
    expect([...listed.body.items, ...rest.body.items].map((item: { name: string }) => item.name).sort()).toEqual(['周芳', '李明', '陈华'].sort());
    expectError(await otherCollege.caller.get(`/v1/colleges/${college.orgId}/student-records`), 403, 'NOT_THE_COLLEGE');
    expectError(await studio.caller.get(`/v1/colleges/${college.orgId}/student-records`), 403, 'NOT_THE_COLLEGE');

    // Running the follow-up again issues nothing twice.
    const { runPendingStudentRecordTasks, issueStudentRecords } = await import('@sharedtech/services');
    expect(await runPendingStudentRecordTasks(api.deps)).toBe(0);
    expect(await issueStudentRecords(api.deps, contractId)).toEqual({ issued: 0, missing: 0 });
  });

  it('counts students, signed-off hours and projects per programme for the college, equal to a recount', async () => {
    const stats = await college.caller.get(`/v1/colleges/${college.orgId}/education-stats`);
    expect(stats.status, JSON.stringify(stats.body)).toBe(200);
    expect(stats.body.programmes).toEqual([
      { programme: '机电一体化技术', students: 2, hours: 30, projects: 1 },
      { programme: '工业机器人技术', students: 1, hours: 10, projects: 1 },
    ]);
    expect(stats.body.total).toEqual({ students: 3, hours: 40, projects: 2 });
    expectError(await enterprise.caller.get(`/v1/colleges/${college.orgId}/education-stats`), 403);

    const stored = await readEducationFigures(api.deps, CLUSTER, true);
    expect(stored).toEqual(await recountEducation(api.deps, CLUSTER));
    expect(stored).toEqual({ signedOffEntries: 4, signedOffHours: 40, recordsIssued: 3 });
    const scope = await readClusterCounters(api.deps.db, collegeEducationScope(college.orgId), '#TOTAL', true);
    expect(scope[educationCounter.programmeHours('机电一体化技术')]).toBe(30);
  });
});
