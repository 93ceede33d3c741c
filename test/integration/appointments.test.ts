import { describe, expect, it } from 'vitest';
import { TOTAL_BUCKET, appointmentCounter, orgStatsScope } from '@sharedtech/core';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys, readStoredStats } from '@sharedtech/data';
import { canonical, recountClusterStatistics, recountOrganisationUsage, runScheduledJobs, storedClusterStatistics, upgradeDerivedItems } from '@sharedtech/services';
import { startTestApi, testClock, type Caller } from '../support/harness.js';
import { expectError, issuePaths, itemIds, tableItemCount } from '../support/assertions.js';
import { association, organisation, joinByInvitation } from '../support/fixtures.js';

/**
 * Talent mutual employment (人才互聘): an enterprise engineer appointed as an
 * industry teacher or mentor at a college, a college teacher seconded to an
 * enterprise. Either side's owner proposes, the other side confirms or
 * declines, either ends it early; the parties, associations and the cluster's
 * government bodies see it; counters of active appointments and their hours
 * equal a recount.
 */
// 2026-03-02 10:00 in Asia/Shanghai.
const clock = testClock(Date.UTC(2026, 2, 2, 2));
const api = await startTestApi({ clock });
const cluster = `apt-${process.pid}`;
const moderator = await association(api);
const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster });
const college = await organisation(api, moderator, { type: 'COLLEGE', cluster });
const studio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId });
const otherEnterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster });
const government = await organisation(api, moderator, { type: 'GOVERNMENT', cluster });
const otherGovernment = await organisation(api, moderator, { type: 'GOVERNMENT', cluster: 'new-energy-vehicles' });
const cityGovernment = await organisation(api, moderator, { type: 'GOVERNMENT' }); // city-wide: no cluster of its own
const pendingCollege = await organisation(api, moderator, { type: 'COLLEGE' }, false);
const outsider = await api.as(`appointments-outsider-${process.pid}`);
const engineer = await api.as(`appointments-engineer-${process.pid}`);
expect((await joinByInvitation(api, enterprise.caller, enterprise.orgId, engineer.sub)).status).toBe(201);

const proposal = (overrides: Record<string, unknown> = {}) => ({
  kind: 'INDUSTRY_TEACHER',
  counterpartOrgId: college.orgId,
  cluster,
  person: { name: '赵工', title: '高级工程师', memberSub: engineer.sub },
  subject: '工业机器视觉课程',
  startDate: '2026-03-09',
  endDate: '2026-07-10',
  hoursPerMonth: 16,
  ...overrides,
});
const propose = async (caller: Caller, overrides: Record<string, unknown> = {}) => {
  const response = await caller.post('/v1/appointments', proposal(overrides));
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
};
const act = (caller: Caller, id: string, action: string, body?: unknown) => caller.post(`/v1/appointments/${id}/${action}`, body);
const inbox = async (caller: Caller) => ((await caller.get('/v1/notifications')).body.items as { type: string }[]).map((item) => item.type);
const figures = async (caller: Caller, query = '') => (await caller.get(`/v1/appointments/stats${query}`)).body;

describe('proposing', () => {
  it('an enterprise owner proposes; it awaits the college, which is told; audited', async () => {
    const id = await propose(enterprise.caller);
    const read = await college.caller.get(`/v1/appointments/${id}`);
    expect(read.body).toMatchObject({
      status: 'PROPOSED', enterpriseOrgId: enterprise.orgId, collegeOrgId: college.orgId, proposerOrgId: enterprise.orgId,
      awaitingOrgId: college.orgId, canConfirm: true, canEnd: false, person: { name: '赵工', memberSub: engineer.sub },
    });
    expect((await enterprise.caller.get(`/v1/appointments/${id}`)).body.canConfirm).toBe(false);
    expect(await inbox(college.caller)).toContain('APPOINTMENT_PROPOSED');
    const trail = await college.caller.get(`/v1/audit?entity=appointment:${id}`);
    expect(trail.status, JSON.stringify(trail.body)).toBe(200);
    expect(trail.body.items.map((record: { action: string }) => record.action)).toEqual(['propose']);
  });

  it('a college (or its studio) proposes a secondment of its teacher to an enterprise', async () => {
    const id = await propose(college.caller, { kind: 'TEACHER_SECONDMENT', counterpartOrgId: enterprise.orgId, person: { name: '王老师' } });
    expect((await enterprise.caller.get(`/v1/appointments/${id}`)).body).toMatchObject({ awaitingOrgId: enterprise.orgId, canConfirm: true });
    await propose(studio.caller, { kind: 'MENTOR', counterpartOrgId: enterprise.orgId, person: { name: '钱工' } });
  });

  it('refuses bad input with field paths, the wrong counterpart, members and unverified organisations; nothing is written', async () => {
    const before = await tableItemCount(api);
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ endDate: '2026-03-01' }, 'endDate'],
      [{ startDate: '2026-02-30' }, 'startDate'],
      [{ hoursPerMonth: 0 }, 'hoursPerMonth'],
      [{ kind: 'JANITOR' }, 'kind'],
      [{ counterpartOrgId: otherEnterprise.orgId }, 'counterpartOrgId', 'WRONG_COUNTERPART'],
      [{ counterpartOrgId: pendingCollege.orgId }, 'counterpartOrgId', 'UNKNOWN_ORGANISATION'],
      [{ counterpartOrgId: 'org_01JD0000000000000000000000' }, 'counterpartOrgId', 'UNKNOWN_ORGANISATION'],
      [{ person: { name: '赵工', memberSub: outsider.sub } }, 'person.memberSub', 'NOT_A_MEMBER'],
      [{ startDate: '2025-01-01', endDate: '2025-06-30' }, 'endDate', 'IN_THE_PAST'],
      [{ startDate: '2026-03-09', endDate: '2030-03-09' }, 'endDate', 'PERIOD_TOO_LONG'],
      [{ cluster: 'Not A Slug' }, 'cluster'],
    ];
    for (const [overrides, path, code] of cases) {
      const response = await enterprise.caller.post('/v1/appointments', proposal(overrides));
      expectError(response, 400, code);
      expect(issuePaths(response), JSON.stringify(overrides)).toContain(path);
    }
    // A teacher's memberSub must be the college's member, not the enterprise's.
    expectError(await college.caller.post('/v1/appointments', proposal({ kind: 'TEACHER_SECONDMENT', counterpartOrgId: enterprise.orgId })), 400, 'NOT_A_MEMBER');
    expectError(await engineer.post('/v1/appointments', proposal()), 403, 'NOT_ORG_OWNER');
    expectError(await pendingCollege.caller.post('/v1/appointments', proposal({ counterpartOrgId: enterprise.orgId })), 403, 'ORG_NOT_VERIFIED');
    expectError(await government.caller.post('/v1/appointments', proposal()), 403, 'WRONG_ORG_TYPE');
    expectError(await outsider.post('/v1/appointments', proposal()), 403, 'NO_ORGANISATION');
    expect(await tableItemCount(api)).toBe(before);
  });
});

describe('confirming, declining, ending', () => {
  it('the college confirms; it is ACTIVE and counted; the proposer cannot confirm; members cannot act', async () => {
    const id = await propose(enterprise.caller, { hoursPerMonth: 20 });
    expectError(await act(enterprise.caller, id, 'confirm'), 403, 'NOT_APPOINTMENT_PARTY');
    expectError(await act(engineer, id, 'confirm'), 403, 'NOT_APPOINTMENT_PARTY');
    const before = await figures(college.caller);
    const confirmed = await act(college.caller, id, 'confirm');
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'ACTIVE', confirmedBy: college.caller.sub, canEnd: true, canConfirm: false });
    expect(await inbox(enterprise.caller)).toContain('APPOINTMENT_CONFIRMED');
    expect(await figures(college.caller)).toEqual({ orgId: college.orgId, active: before.active + 1, hoursPerMonth: before.hoursPerMonth + 20 });
    expectError(await act(college.caller, id, 'decline'), 409, 'INVALID_TRANSITION');

    const ended = await act(enterprise.caller, id, 'end', { reason: '项目提前结束' });
    expect(ended.body).toMatchObject({ status: 'ENDED', reason: '项目提前结束' });
    expect(await inbox(college.caller)).toContain('APPOINTMENT_ENDED');
    expect(await figures(college.caller)).toEqual(before);
    expectError(await act(college.caller, id, 'end'), 409, 'INVALID_TRANSITION');
    const trail = await enterprise.caller.get(`/v1/audit?entity=appointment:${id}`);
    expect(trail.body.items.map((record: { action: string }) => record.action)).toEqual(['propose', 'confirm', 'end']);
  });

  it('the college declines; the proposer is told', async () => {
    const id = await propose(enterprise.caller);
    const declined = await act(college.caller, id, 'decline', { reason: '本学期课程已排满' });
    expect(declined.body).toMatchObject({ status: 'DECLINED', reason: '本学期课程已排满' });
    expect(await inbox(enterprise.caller)).toContain('APPOINTMENT_DECLINED');
  });

  it('of a concurrent confirm and decline exactly one applies', async () => {
    const id = await propose(enterprise.caller);
    const results = await Promise.all([act(college.caller, id, 'confirm'), act(college.caller, id, 'decline')]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
  });
});

describe('who sees appointments', () => {
  it('the two organisations, associations, the cluster’s and city-wide government bodies; anyone else gets a 404 like a missing id', async () => {
    const id = await propose(enterprise.caller);
    for (const reader of [enterprise.caller, engineer, college.caller, moderator, government.caller, cityGovernment.caller]) expect((await reader.get(`/v1/appointments/${id}`)).status).toBe(200);
    const ghost = 'apt_01JD0000000000000000000000';
    for (const stranger of [otherEnterprise.caller, studio.caller, otherGovernment.caller, pendingCollege.caller, outsider]) {
      expectError(await stranger.get(`/v1/appointments/${id}`), 404);
      expectError(await act(stranger, id, 'confirm'), 404);
      expect((await act(stranger, ghost, 'confirm')).status).toBe(404);
    }
    expectError(await government.caller.get(`/v1/audit?entity=appointment:${id}`), 403);
    expectError(await moderator.get('/v1/appointments/nope'), 400);
  });

  it('lists: each party its own, associations and government bodies their cluster’s, paged', async () => {
    const id = await propose(enterprise.caller);
    expect(itemIds(await enterprise.caller.get('/v1/appointments'))[0]).toBe(id);
    expect(itemIds(await college.caller.get('/v1/appointments?status=PROPOSED'))).toContain(id);
    expect(itemIds(await otherEnterprise.caller.get('/v1/appointments'))).toEqual([]);
    expect(itemIds(await moderator.get(`/v1/appointments?cluster=${cluster}`))).toContain(id);
    expect(itemIds(await government.caller.get('/v1/appointments'))).toContain(id);
    expectError(await otherGovernment.caller.get(`/v1/appointments?cluster=${cluster}`), 403);
    expect(itemIds(await cityGovernment.caller.get(`/v1/appointments?cluster=${cluster}`))).toContain(id);
    expectError(await cityGovernment.caller.get('/v1/appointments'), 400, 'CLUSTER_REQUIRED');
    expectError(await enterprise.caller.get(`/v1/appointments?cluster=${cluster}`), 403);
    expectError(await moderator.get('/v1/appointments'), 400, 'CLUSTER_REQUIRED');
    const first = await enterprise.caller.get('/v1/appointments?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await enterprise.caller.get(`/v1/appointments?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(itemIds(second).some((other) => itemIds(first).includes(other))).toBe(false);
    expectError(await enterprise.caller.get('/v1/appointments?unknown=1'), 400);
  });
});

describe('statistics', () => {
  it('per cluster and organisation, equal to a recount from the appointments', async () => {
    const a = await propose(enterprise.caller, { hoursPerMonth: 8 });
    const b = await propose(college.caller, { kind: 'TEACHER_SECONDMENT', counterpartOrgId: enterprise.orgId, person: { name: '李老师' }, hoursPerMonth: 40 });
    expect((await act(college.caller, a, 'confirm')).status).toBe(200);
    expect((await act(enterprise.caller, b, 'confirm')).status).toBe(200);
    const cluster_ = await figures(moderator, `?cluster=${cluster}`);
    expect(cluster_).toMatchObject({ cluster, active: expect.any(Number), hoursPerMonth: expect.any(Number) });
    expect(await figures(government.caller, `?cluster=${cluster}`)).toEqual(cluster_);
    expectError(await otherGovernment.caller.get(`/v1/appointments/stats?cluster=${cluster}`), 403);

    const stored = await storedClusterStatistics(api.deps, cluster);
    expect(canonical(stored)).toEqual(canonical(await recountClusterStatistics(api.deps, cluster)));
    expect(stored.buckets[TOTAL_BUCKET]).toMatchObject({ [appointmentCounter.active]: cluster_.active, [appointmentCounter.hoursPerMonth]: cluster_.hoursPerMonth });
    expect(stored.buckets['MONTH#2026-03']?.[appointmentCounter.confirmed]).toBeGreaterThanOrEqual(2);
    for (const orgId of [enterprise.orgId, college.orgId, studio.orgId, otherEnterprise.orgId]) {
      const { buckets } = await readStoredStats(api.deps.db, orgStatsScope(orgId));
      expect(canonical(buckets), orgId).toEqual(canonical(await recountOrganisationUsage(api.deps, orgId)));
    }
  });
});

describe('the end of the period', () => {
  it('the scheduled job ends an ACTIVE appointment after its last day in Asia/Shanghai, once, told to both, counted off', async () => {
    const id = await propose(enterprise.caller, { startDate: '2026-03-09', endDate: '2026-03-20', hoursPerMonth: 12 });
    const declined = await propose(enterprise.caller, { startDate: '2026-03-09', endDate: '2026-03-20' });
    expect((await act(college.caller, id, 'confirm')).status).toBe(200);
    expect((await act(college.caller, declined, 'decline')).status).toBe(200);
    const counted = await figures(college.caller);

    // 23:59 on 20 March in Shanghai is still inside the period.
    clock.advance(Date.UTC(2026, 2, 20, 15, 59) - clock().getTime());
    expect((await runScheduledJobs(api.deps)).endedAppointments).toBe(0);
    expect((await enterprise.caller.get(`/v1/appointments/${id}`)).body.status).toBe('ACTIVE');

    clock.advance(2 * 60_000);
    const report = await runScheduledJobs(api.deps);
    expect(report.failures).toEqual([]);
    expect(report.endedAppointments).toBe(1);
    const ended = (await enterprise.caller.get(`/v1/appointments/${id}`)).body;
    expect(ended).toMatchObject({ status: 'ENDED', endedAt: clock().toISOString(), canEnd: false });
    expect((await enterprise.caller.get(`/v1/appointments/${declined}`)).body.status).toBe('DECLINED');
    expect(await figures(college.caller)).toEqual({ ...counted, active: counted.active - 1, hoursPerMonth: counted.hoursPerMonth - 12 });
    for (const party of [enterprise.caller, college.caller]) expect(await inbox(party)).toContain('APPOINTMENT_ENDED');
    const trail = await enterprise.caller.get(`/v1/audit?entity=appointment:${id}`);
    expect(trail.body.items.map((record: { action: string; actor: { sub: string } }) => `${record.action}:${record.actor.sub}`)).toEqual([
      `propose:${enterprise.caller.sub}`, `confirm:${college.caller.sub}`, 'expire:system:scheduler',
    ]);
    expect((await runScheduledJobs(api.deps)).endedAppointments).toBe(0);
    expectError(await act(enterprise.caller, id, 'end'), 409, 'INVALID_TRANSITION');
    const stored = await storedClusterStatistics(api.deps, cluster);
    expect(canonical(stored)).toEqual(canonical(await recountClusterStatistics(api.deps, cluster)));
  });

  it('a party ending it while the job runs: exactly one of the two applies', async () => {
    const id = await propose(enterprise.caller, { startDate: '2026-03-23', endDate: '2026-03-24' });
    expect((await act(college.caller, id, 'confirm')).status).toBe(200);
    clock.advanceDays(2);
    const [ending, report] = await Promise.all([act(enterprise.caller, id, 'end', { reason: '期满' }), runScheduledJobs(api.deps)]);
    expect(report.failures).toEqual([]);
    expect([ending.status === 200 ? 1 : 0, report.endedAppointments].sort()).toEqual([0, 1]);
    const trail = await enterprise.caller.get(`/v1/audit?entity=appointment:${id}`);
    expect(trail.body.items.filter((record: { action: string }) => ['end', 'expire'].includes(record.action))).toHaveLength(1);
  });

  it('an ACTIVE appointment stored before the end timer gets it from upgrade-data, and the job then ends it', async () => {
    const id = await propose(enterprise.caller, { startDate: '2026-03-25', endDate: '2026-03-26' });
    expect((await act(college.caller, id, 'confirm')).status).toBe(200);
    const { doc, tableName } = api.deps.db;
    await doc.send(new UpdateCommand({ TableName: tableName, Key: keys.appointment(id), UpdateExpression: 'REMOVE gsi4pk, gsi4sk' }));

    const report = await upgradeDerivedItems(api.deps);
    expect(report.appointmentsIndexed).toBeGreaterThanOrEqual(1);
    const stored = (await doc.send(new GetCommand({ TableName: tableName, Key: keys.appointment(id) }))).Item!;
    expect(stored).toMatchObject({ ...keys.appointmentsEnding('2026-03-26T15:59:59.999Z', id), status: 'ACTIVE', version: 2 });

    clock.advanceDays(5);
    expect((await runScheduledJobs(api.deps)).endedAppointments).toBe(1);
    expect((await enterprise.caller.get(`/v1/appointments/${id}`)).body.status).toBe('ENDED');
  });
});
