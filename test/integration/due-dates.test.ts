import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { milestoneDueAt, shanghaiDate } from '@sharedtech/core';
import { keys } from '@sharedtech/data';
import { canonical, recountClusterStatistics, runScheduledJobs, storedClusterStatistics, upgradeDerivedItems } from '@sharedtech/services';
import { startTestApi, testClock } from '../support/harness.js';
import { pageClient } from '../support/pages.js';
import { activeContract, key, milestonePath, moneyConsortium } from '../support/money.js';

/**
 * Absolute due dates: fixed at the last signature (start + days, Asia/Shanghai),
 * reminders three days before and overdue flags driven by the injected clock,
 * each sent once however often the job runs; overdue shows on the contract page
 * and in the statistics, which always equal a recount.
 */
const HOUR = 3_600_000;
// 21:30 in Shanghai on 30 April 2026: the Shanghai date is already a day ahead of a UTC-only reading near midnight.
const clock = testClock(Date.UTC(2026, 3, 30, 13, 30));
const api = await startTestApi({ clock });
const parties = await moneyConsortium(api);
const { enterprise, studio, moderator } = parties;
const page = pageClient(api);
const cluster = 'smart-manufacturing';

const signedAt = clock().toISOString();
const main = await activeContract(api, parties, { milestones: [10_000, 20_000] }); // due on days 10 and 20
const settling = await activeContract(api, parties, { milestones: [30_000] }); // due on day 10
const legacy = await activeContract(api, parties, { milestones: [40_000] });
// `legacy` as an earlier version stored it: no due date, no timers.
{
  const { doc, tableName } = api.deps.db;
  await doc.send(new UpdateCommand({ TableName: tableName, Key: keys.milestone(legacy, 1), UpdateExpression: 'REMOVE dueAt' }));
  for (const kind of ['REMIND', 'OVERDUE']) await doc.send(new DeleteCommand({ TableName: tableName, Key: keys.dueTimer(legacy, 1, kind) }));
}

const inbox = async (caller: typeof studio.caller, type: string) =>
  ((await caller.get('/v1/notifications?limit=100')).body.items as { type: string; entity: { id: string }; params: Record<string, unknown> }[]).filter(
    (item) => item.type === type,
  );
const contract = async (id: string) => (await enterprise.caller.get(`/v1/contracts/${id}`)).body;
const overdueStat = async () => (await moderator.get(`/v1/stats?cluster=${cluster}`)).body.contracts.overdueMilestones as number;
async function expectStatsEqualRecount() {
  const [stored, recount] = await Promise.all([storedClusterStatistics(api.deps, cluster), recountClusterStatistics(api.deps, cluster)]);
  expect(canonical(stored)).toEqual(canonical(recount));
}

describe('due dates fixed at signing', () => {
  it('is the end of the Shanghai day, start + days', async () => {
    const read = await contract(main);
    expect(shanghaiDate(signedAt)).toBe('2026-04-30');
    expect(read.milestones.map((m: { dueAt: string }) => m.dueAt)).toEqual(['2026-05-10T15:59:59.999Z', '2026-05-20T15:59:59.999Z']);
    expect(read.milestones[0].dueAt).toBe(milestoneDueAt(read.activatedAt, 10));
    expect(read.overdueMilestones ?? 0).toBe(0);
  });

  it('shows due dates in Asia/Shanghai on the contract page, in both languages', async () => {
    const zh = await page(enterprise.caller.token, `/contracts/${main}`);
    expect(zh.status).toBe(200);
    expect(zh.body).toContain('data-due-at="2026-05-10T15:59:59.999Z"');
    expect(zh.body).toContain('2026/05/10');
    expect(zh.body).not.toContain('data-overdue="true"');
    const en = await page(enterprise.caller.token, `/contracts/${main}?lang=en`);
    expect(en.body).toMatch(/10 May 2026/);
  });
});

describe('reminders and overdue flags from the scheduled job', () => {
  it('reminds the studio three days before, once, even when runs overlap', async () => {
    clock.advance(Date.parse('2026-05-07T15:59:59.999Z') - clock().getTime() - HOUR);
    await runScheduledJobs(api.deps);
    expect(await inbox(studio.caller, 'MILESTONE_DUE_SOON')).toHaveLength(0);
    clock.advance(HOUR);
    const reports = await Promise.all([runScheduledJobs(api.deps), runScheduledJobs(api.deps)]);
    expect(reports.flatMap((report) => report.failures)).toEqual([]);
    expect(reports.reduce((sum, report) => sum + report.dueReminders, 0)).toBe(2); // milestone 1 of `main` and of `settling`
    await runScheduledJobs(api.deps);
    const reminders = await inbox(studio.caller, 'MILESTONE_DUE_SOON');
    expect(reminders.map((item) => item.entity.id).sort()).toEqual([main, settling].sort());
    expect(reminders[0]!.params).toMatchObject({ milestone: 1, dueDate: '2026-05-10' });
    expect(await inbox(enterprise.caller, 'MILESTONE_DUE_SOON')).toHaveLength(0);
  });

  it('flags an overdue milestone once and tells both sides; the page and the statistics show it', async () => {
    // The milestone of `settling` is delivered and accepted just in time; `main`'s first is not.
    expect((await enterprise.caller.post(milestonePath(settling, 1, 'fund'), {}, key())).status).toBe(200);
    clock.advance(Date.parse('2026-05-10T15:59:59.999Z') - clock().getTime());
    await runScheduledJobs(api.deps);
    expect(await inbox(enterprise.caller, 'MILESTONE_OVERDUE')).toHaveLength(0);
    clock.advance(1);
    const reports = await Promise.all([runScheduledJobs(api.deps), runScheduledJobs(api.deps), runScheduledJobs(api.deps)]);
    expect(reports.flatMap((report) => report.failures)).toEqual([]);
    expect(reports.reduce((sum, report) => sum + report.overdueMilestones, 0)).toBe(2);
    await runScheduledJobs(api.deps);
    for (const side of [enterprise.caller, studio.caller]) {
      expect((await inbox(side, 'MILESTONE_OVERDUE')).map((item) => item.entity.id).sort()).toEqual([main, settling].sort());
    }
    const read = await contract(main);
    expect(read.overdueMilestones).toBe(1);
    expect(read.milestones[0].overdueAt).toBe(clock().toISOString());
    expect(read.milestones[1].overdueAt).toBeUndefined();
    expect(await overdueStat()).toBe(2);
    await expectStatsEqualRecount();

    const zh = await page(studio.caller.token, `/contracts/${main}`);
    expect(zh.body).toContain('data-overdue="true"');
    expect(zh.body).toContain('已逾期');
    const en = await page(studio.caller.token, `/contracts/${main}?lang=en`);
    expect(en.body).toContain('Overdue');
    const stats = await page(moderator.token, `/stats?cluster=${cluster}`);
    expect(stats.body).toContain('逾期里程碑');
    const trail = (await moderator.get(`/v1/audit?entity=contract:${main}`)).body.items as { action: string }[];
    expect(trail.filter((record) => record.action === 'milestone-overdue')).toHaveLength(1);
  });

  it('counts one fewer when an overdue milestone is settled', async () => {
    expect((await studio.caller.post(milestonePath(settling, 1, 'submit'), { note: '交付' })).status).toBe(200);
    expect((await enterprise.caller.post(milestonePath(settling, 1, 'accept'), {}, key())).status).toBe(200);
    expect((await contract(settling)).status).toBe('COMPLETED');
    expect(await overdueStat()).toBe(1);
    await expectStatsEqualRecount();
  });

  it('a change order moving the date later clears the flag; the new date gets its own reminder', async () => {
    const change = await studio.caller.post(`/v1/contracts/${main}/changes`, { reason: '延期一个月', operations: [{ op: 'moveDue', n: 1, dueDate: '2026-06-10' }] });
    expect(change.status, JSON.stringify(change.body)).toBe(201);
    expect((await enterprise.caller.post(`/v1/contracts/${main}/changes/${change.body.id}/approve`)).body.status).toBe('APPLIED');
    const read = await contract(main);
    expect(read.overdueMilestones).toBe(0);
    expect(read.milestones[0]).toMatchObject({ dueAt: '2026-06-10T15:59:59.999Z' });
    expect(read.milestones[0].overdueAt).toBeUndefined();
    expect(await overdueStat()).toBe(0);
    await expectStatsEqualRecount();

    clock.advance(Date.parse('2026-05-17T16:00:00Z') - clock().getTime()); // day 20's reminder (milestone 2)
    await runScheduledJobs(api.deps);
    clock.advance(Date.parse('2026-06-07T16:00:00Z') - clock().getTime()); // the moved date's reminder
    await runScheduledJobs(api.deps);
    await runScheduledJobs(api.deps);
    const reminders = (await inbox(studio.caller, 'MILESTONE_DUE_SOON')).filter((item) => item.entity.id === main);
    expect(reminders).toHaveLength(3); // milestone 1 (old date), milestone 2, milestone 1 (new date)
    expect(reminders.map((item) => item.params.dueDate)).toEqual(expect.arrayContaining(['2026-06-10', '2026-05-20']));
    // Milestone 2 went overdue on 20 May: still counted until something is done about it.
    expect((await contract(main)).overdueMilestones).toBe(1);
    await expectStatsEqualRecount();
  });
});

describe('contracts signed before due dates existed', () => {
  it('still read and render without dates, and upgrade-data gives them their dates once', async () => {
    const read = await contract(legacy);
    expect(read.milestones[0].dueAt).toBeUndefined();
    const zh = await page(enterprise.caller.token, `/contracts/${legacy}`);
    expect(zh.status).toBe(200);
    expect(zh.body).toContain('第 10 天到期');

    expect((await upgradeDerivedItems(api.deps)).milestonesDated).toBe(1);
    expect((await contract(legacy)).milestones[0].dueAt).toBe(milestoneDueAt(read.activatedAt, 10));
    expect((await upgradeDerivedItems(api.deps)).milestonesDated).toBe(0);
    // It is long past due: the next run flags it.
    await runScheduledJobs(api.deps);
    expect((await contract(legacy)).overdueMilestones).toBe(1);
    await expectStatsEqualRecount();
  });
});
