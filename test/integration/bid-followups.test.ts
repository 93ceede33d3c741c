import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { AppDeps } from '@sharedtech/app';
import { awardRequest, loadPrincipal, runScheduledJobs } from '@sharedtech/services';
import { startTestApi } from '../support/harness.js';
import { consortium, organisation, openRequest } from '../support/fixtures.js';
import { evenShares, placeBid } from '../support/bids.js';

const api = await startTestApi();
const { moderator, enterprise, studio, college } = await consortium(api);
const rival = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId });

/** The same deps, but reading the live-bid locks fails as if the process died right after the award committed. */
function failingFollowUps(deps: AppDeps): AppDeps {
  const doc = new Proxy(deps.db.doc, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: unknown, ...rest: unknown[]) => {
        const values = command instanceof QueryCommand ? command.input.ExpressionAttributeValues : undefined;
        if (values?.[':lock'] === 'LIVEBID#') return Promise.reject(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
        return (target.send as (...args: unknown[]) => Promise<unknown>).call(target, command, ...rest);
      };
    },
  });
  return { ...deps, db: { ...deps.db, doc } };
}

describe('follow-ups after an award', () => {
  it('answer the award even when rejecting the other bids fails, and the scheduled job finishes it', async () => {
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const winner = await placeBid(studio, requestId, 90_000);
    const loser = await placeBid(rival, requestId, 95_000);

    const owner = await loadPrincipal(api.deps.db, enterprise.caller.sub);
    const contract = await awardRequest(failingFollowUps(api.deps), owner, requestId, { bidId: winner, shares: evenShares(enterprise.orgId, studio.orgId) });
    expect(contract.status).toBe('PENDING_SIGNATURES');
    expect((await enterprise.caller.get(`/v1/bids/${loser}`)).body.status).toBe('SUBMITTED');

    const report = await runScheduledJobs(api.deps);
    expect(report.failures).toEqual([]);
    expect(report.settledBids).toBeGreaterThanOrEqual(1);
    expect((await enterprise.caller.get(`/v1/bids/${loser}`)).body.status).toBe('REJECTED');
    expect((await enterprise.caller.get(`/v1/bids/${winner}`)).body.status).toBe('ACCEPTED');
    // Done once: a second run finds no task left.
    expect((await runScheduledJobs(api.deps)).settledBids).toBe(0);
  });

  it('leave a large follow-up to the scheduled job instead of the award request', async () => {
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const bidders = await Promise.all(Array.from({ length: 32 }, () => organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId })));
    const bids = await Promise.all(bidders.map((bidder, i) => placeBid(bidder, requestId, 60_000 + i)));
    const awarded = await enterprise.caller.post(`/v1/requests/${requestId}/award`, { bidId: bids[0], shares: evenShares(enterprise.orgId, bidders[0]!.orgId) });
    expect(awarded.status).toBe(201);
    const statuses = async () => (await enterprise.caller.get(`/v1/requests/${requestId}/bids?limit=100`)).body.items.map((bid: { status: string }) => bid.status);
    expect((await statuses()).filter((status: string) => status === 'SUBMITTED')).toHaveLength(31);

    const report = await runScheduledJobs(api.deps);
    expect(report.failures).toEqual([]);
    expect((await statuses()).sort()).toEqual(['ACCEPTED', ...Array(31).fill('REJECTED')]);
  });
});
