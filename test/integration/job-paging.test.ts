import { describe, expect, it } from 'vitest';
import type { AppDeps } from '@sharedtech/app';
import { closeRequestsPastDeadline, releaseOverdueMilestones } from '@sharedtech/services';
import { startTestApi } from '../support/harness.js';
import { openRequest } from '../support/fixtures.js';
import { activeContract, key, milestonePath, moneyConsortium } from '../support/money.js';

const api = await startTestApi();
const parties = await moneyConsortium(api);
const { moderator, enterprise, studio } = parties;

/** The same deps with a clock that moves on by a millisecond every time it is read, as a real one does. */
function tickingClock(deps: AppDeps): AppDeps {
  let ticks = 0;
  return { ...deps, clock: () => new Date(api.clock().getTime() + ++ticks) };
}

describe('scheduled jobs page through everything due, while time moves on', () => {
  it('closes every expired request across several pages', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await openRequest(api, enterprise.caller, moderator, { cluster: 'job-paging' }));
    api.clock.advanceDays(21);
    const result = await closeRequestsPastDeadline(tickingClock(api.deps), { pageSize: 2 });
    expect(result.failures).toEqual([]);
    expect(result.closed).toBeGreaterThanOrEqual(5);
    for (const id of ids) expect((await enterprise.caller.get(`/v1/requests/${id}`)).body.status).toBe('CLOSED');
  });

  it('releases every overdue milestone across several pages', async () => {
    const contractId = await activeContract(api, parties, { milestones: [10_000, 20_000, 30_000, 40_000, 50_000], reviewWindowDays: 3 });
    for (const n of [1, 2, 3, 4, 5]) {
      expect((await enterprise.caller.post(milestonePath(contractId, n, 'fund'), {}, key())).status).toBe(200);
      expect((await studio.caller.post(milestonePath(contractId, n, 'submit'), { note: `交付 ${n}` })).status).toBe(200);
    }
    api.clock.advanceDays(4);
    const result = await releaseOverdueMilestones(tickingClock(api.deps), { pageSize: 2 });
    expect(result.failures).toEqual([]);
    expect(result.released).toBe(5);
    expect((await enterprise.caller.get(`/v1/contracts/${contractId}`)).body.status).toBe('COMPLETED');
  });
});
