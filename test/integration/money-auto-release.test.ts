import { describe, expect, it } from 'vitest';
import { runScheduledJobs } from '@sharedtech/services';
import { commitChange, getContract, listDueReleaseTimers, putContractVersion } from '@sharedtech/data';
import { startTestApi, testClock } from '../support/harness.js';
import { activeContract, key, ledgerOf, milestonePath, moneyConsortium } from '../support/money.js';

const clock = testClock();
const api = await startTestApi({ clock });
const parties = await moneyConsortium(api);
const { enterprise, studio } = parties;

// Every contract is set up before the clock moves (requests need a future bidding deadline).
const defaultWindow = await activeContract(api, parties, { milestones: [20_001, 20_002] });
const sevenDays = await activeContract(api, parties, { milestones: [30_003], reviewWindowDays: 7, subsidyBps: 1_000 });
const disputed = await activeContract(api, parties, { milestones: [40_004] });
const terminated = await activeContract(api, parties, { milestones: [50_005] });

const status = async (contractId: string, n: number) =>
  (await enterprise.caller.get(`/v1/contracts/${contractId}`)).body.milestones.find((m: { n: number }) => m.n === n).status;

const HOUR = 3_600_000;

describe('auto-release of submitted milestones', () => {
  it('releases nothing before the review window ends, then exactly the overdue milestones', async () => {
    for (const [contractId, n] of [[defaultWindow, 1], [defaultWindow, 2], [sevenDays, 1], [disputed, 1]] as const) {
      expect((await enterprise.caller.post(milestonePath(contractId, n, 'fund'), {}, key())).status).toBe(200);
    }
    expect((await studio.caller.post(milestonePath(defaultWindow, 1, 'submit'), { note: '第一阶段' })).status).toBe(200);
    expect((await studio.caller.post(milestonePath(sevenDays, 1, 'submit'), { note: '全部交付' })).status).toBe(200);
    expect((await studio.caller.post(milestonePath(disputed, 1, 'submit'), { note: '全部交付' })).status).toBe(200);
    // A dispute stops the clock: the enterprise objected in time.
    expect((await enterprise.caller.post(milestonePath(disputed, 1, 'dispute'), { reason: '未达到验收指标' })).status).toBe(200);

    expect((await runScheduledJobs(api.deps)).releasedMilestones).toBe(0);
    clock.advanceDays(7);
    clock.advance(-HOUR);
    expect((await runScheduledJobs(api.deps)).releasedMilestones).toBe(0);
    expect(await status(sevenDays, 1)).toBe('SUBMITTED');

    clock.advance(HOUR); // exactly seven days after submission
    const report = await runScheduledJobs(api.deps);
    expect(report.releasedMilestones).toBe(1);
    expect(report.failures).toEqual([]);
    expect(await status(sevenDays, 1)).toBe('RELEASED');
    expect((await enterprise.caller.get(`/v1/contracts/${sevenDays}`)).body.status).toBe('COMPLETED');
    const ledger = await ledgerOf(enterprise.caller, sevenDays);
    expect(ledger.items.map((entry) => entry.kind)).toEqual(['FUND', 'RELEASE']);
    expect(ledger.balance(`earnings:${studio.orgId}`)).toBe(30_003);

    // The default window is 14 days.
    clock.advanceDays(7);
    clock.advance(-HOUR);
    expect((await runScheduledJobs(api.deps)).releasedMilestones).toBe(0);
    clock.advance(2 * HOUR);
    expect((await runScheduledJobs(api.deps)).releasedMilestones).toBe(1);
    expect(await status(defaultWindow, 1)).toBe('RELEASED');
    expect(await status(defaultWindow, 2)).toBe('FUNDED');
    expect(await status(disputed, 1)).toBe('DISPUTED');

    // A second run finds nothing: the timers went with the release.
    expect((await runScheduledJobs(api.deps)).releasedMilestones).toBe(0);
  });

  it('records the scheduler as the actor and tells both parties', async () => {
    const trail = await enterprise.caller.get(`/v1/audit?entity=contract:${sevenDays}`);
    const release = trail.body.items.find((record: { action: string }) => record.action === 'milestone-auto-release');
    expect(release).toMatchObject({ actor: { sub: 'system:scheduler' }, before: 'SUBMITTED', after: 'RELEASED', details: { reviewWindowDays: 7 } });
    const enterpriseInbox = await enterprise.caller.get('/v1/notifications?limit=100');
    expect(enterpriseInbox.body.items.map((n: { type: string }) => n.type)).toContain('MILESTONE_AUTO_RELEASED');
    const studioInbox = await studio.caller.get('/v1/notifications?limit=100');
    expect(studioInbox.body.items.some((n: { type: string; params: { automatic?: string } }) => n.type === 'MILESTONE_RELEASED' && n.params.automatic === 'true')).toBe(true);
  });

  it('restarts the window when a revision is requested and the work resubmitted', async () => {
    expect((await studio.caller.post(milestonePath(defaultWindow, 2, 'submit'), { note: '第二阶段' })).status).toBe(200);
    clock.advanceDays(10);
    expect((await enterprise.caller.post(milestonePath(defaultWindow, 2, 'request-revision'), { reason: '补充测试数据' })).status).toBe(200);
    // Back in FUNDED, the old timer is gone: nothing is released when it would have fallen due.
    clock.advanceDays(5);
    expect((await runScheduledJobs(api.deps)).releasedMilestones).toBe(0);
    expect((await studio.caller.post(milestonePath(defaultWindow, 2, 'submit'), { note: '第二阶段（补充）' })).status).toBe(200);
    clock.advanceDays(13);
    expect((await runScheduledJobs(api.deps)).releasedMilestones).toBe(0);
    clock.advanceDays(1);
    expect((await runScheduledJobs(api.deps)).releasedMilestones).toBe(1);
    expect((await enterprise.caller.get(`/v1/contracts/${defaultWindow}`)).body.status).toBe('COMPLETED');
    // An accept after the automatic release is a state conflict, not a second payment.
    expect((await enterprise.caller.post(milestonePath(defaultWindow, 2, 'accept'), {}, key())).status).toBe(409);
    const ledger = await ledgerOf(enterprise.caller, defaultWindow);
    expect(ledger.items.filter((entry) => entry.kind === 'RELEASE')).toHaveLength(2);
    expect(ledger.balance(`escrow:${defaultWindow}`)).toBe(0);
  });

  it('drops the timer of a contract that stopped being ACTIVE, without moving money or reporting a failure', async () => {
    expect((await enterprise.caller.post(milestonePath(terminated, 1, 'fund'), {}, key())).status).toBe(200);
    expect((await studio.caller.post(milestonePath(terminated, 1, 'submit'), { note: '交付' })).status).toBe(200);
    // No route terminates a contract yet; do it in the table, as an operator would.
    const contract = (await getContract(api.deps.db, terminated, true))!;
    await commitChange(api.deps.db, { writes: [putContractVersion(api.deps.db, { ...contract, status: 'TERMINATED', version: contract.version + 1 })], audit: [], notifications: [] });
    clock.advanceDays(15);
    const report = await runScheduledJobs(api.deps);
    expect(report.releasedMilestones).toBe(0);
    expect(report.failures).toEqual([]);
    const due = await listDueReleaseTimers(api.deps.db, clock(), { limit: 100 });
    expect(due.items.filter((timer) => timer.contractId === terminated)).toEqual([]);
    expect(await status(terminated, 1)).toBe('SUBMITTED');
    expect((await ledgerOf(enterprise.caller, terminated)).balance(`escrow:${terminated}`)).toBe(50_005);
  });
});
