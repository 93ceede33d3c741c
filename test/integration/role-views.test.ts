import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, governmentScope, subsidyCommitted, type Contract } from '@sharedtech/core';
import { commitChange, getBid, getContract, keys, putContractVersion, readStoredStats, replaceClusterStats, type Write } from '@sharedtech/data';
import { canonical, loadPrincipal, recountGovernmentStatistics, runScheduledJobs, storedGovernmentStatistics, upgradeDerivedItems } from '@sharedtech/services';
import { startTestApi, testClock, type Caller } from '../support/harness.js';
import { openRequest, organisation } from '../support/fixtures.js';
import { placeBid, evenShares } from '../support/bids.js';
import { activeContract, fen, key, milestonePath, moneyConsortium } from '../support/money.js';
import { recordDynamoCalls } from '../support/ddb-calls.js';

/**
 * Each role's view (issue 12, item 5): an association lists every contract by
 * status, cluster and overdue; anyone else only its own; a college reads its
 * studios, their bids and contracts; a government reads the statistics of the
 * contracts it co-funds, kept as counters that always equal a recount.
 */
const clock = testClock(Date.UTC(2026, 2, 2, 2));
const api = await startTestApi({ clock });
const deps = api.deps;
const calls = recordDynamoCalls(deps.db);
/** The commands one HTTP request sent besides the caller's membership read. */
const readsOf = async (request: () => Promise<unknown>) => {
  calls.take();
  await request();
  return calls.take().map((call) => call.command).filter((name) => name !== 'GetCommand' && name !== 'GetItemCommand');
};
const parties = await moneyConsortium(api);
const { moderator, enterprise, studio, college, government } = parties;
// A rival consortium in another cluster, with its own college and studio.
const otherCollege = await organisation(api, moderator, { type: 'COLLEGE' });
const otherEnterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'new-energy-vehicles' });
const otherStudio = await organisation(api, moderator, { type: 'STUDIO', collegeId: otherCollege.orgId, capabilities: ['电池管理'] });

const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);
const sorted = (list: string[]) => [...list].sort();

/** Every page of a list, following cursors: the ids in order, and how many pages it took. */
async function walk(caller: Caller, path: string, limit: number) {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await caller.get(
      `${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(limit);
    seen.push(...ids(page.body));
    cursor = page.body.nextCursor;
    pages += 1;
  } while (cursor && pages < 50);
  return { seen, pages };
}

// ── The world: six contracts ────────────────────────────────────────────────
clock.advance(1_000);
const subsidised = await activeContract(api, parties, { milestones: [100_001, 200_003], subsidyBps: 3_000 });
clock.advance(1_000);
const pending = await activeContract(api, parties, { milestones: [50_000], unsigned: true });
clock.advance(1_000);
const terminated = await activeContract(api, parties, { milestones: [70_007, 30_003], subsidyBps: 2_500 });
expect((await enterprise.caller.post(milestonePath(terminated, 1, 'fund'), {}, key())).status).toBe(200);
expect((await moderator.post(`/v1/contracts/${terminated}/terminate`, { reason: '企业停产' }, key())).status).toBe(200);
clock.advance(1_000);
const completed = await activeContract(api, parties, { milestones: [99_999], subsidyBps: 5_000 });
expect((await enterprise.caller.post(milestonePath(completed, 1, 'fund'), {}, key())).status).toBe(200);
expect((await studio.caller.post(milestonePath(completed, 1, 'submit'), { note: '交付' })).status).toBe(200);
expect((await enterprise.caller.post(milestonePath(completed, 1, 'accept'), {}, key())).status).toBe(200);
clock.advance(1_000);
const plain = await activeContract(api, parties, { milestones: [40_000] });
clock.advance(1_000);
const rivalRequest = await openRequest(api, otherEnterprise.caller, moderator, { cluster: 'new-energy-vehicles', tags: ['电池管理'] });
const rivalBid = await placeBid(otherStudio, rivalRequest);
const rivalAward = await otherEnterprise.caller.post(`/v1/requests/${rivalRequest}/award`, { bidId: rivalBid, shares: evenShares(otherEnterprise.orgId, otherStudio.orgId) });
expect(rivalAward.status, JSON.stringify(rivalAward.body)).toBe(201);
const rival = rivalAward.body.id as string;

const ours = [subsidised, pending, terminated, completed, plain];
const everything = [...ours, rival];

describe('an association lists every contract of the consortium', () => {
  it('newest first, paged without gaps or repeats', async () => {
    const first = await moderator.get('/v1/contracts');
    expect(first.status).toBe(200);
    expect(ids(first.body)).toEqual([...everything].reverse());
    const { seen, pages } = await walk(moderator, '/v1/contracts', 2);
    expect(seen).toEqual([...everything].reverse());
    // Three full pages; the third still has a cursor (DynamoDB stops at the limit), so a fourth, empty one ends the list.
    expect(pages).toBe(4);
  });

  it('by status, by cluster, and by both', async () => {
    const list = async (query: string) => ids((await moderator.get(`/v1/contracts?${query}`)).body);
    expect(await list('status=ACTIVE')).toEqual([plain, subsidised]);
    expect(await list('status=TERMINATED')).toEqual([terminated]);
    expect(await list('status=COMPLETED')).toEqual([completed]);
    expect(await list('status=PENDING_SIGNATURES')).toEqual([rival, pending]);
    expect(await list('cluster=new-energy-vehicles')).toEqual([rival]);
    expect(await list('cluster=smart-manufacturing')).toEqual([...ours].reverse());
    expect(await list('cluster=smart-manufacturing&status=ACTIVE')).toEqual([plain, subsidised]);
    expect(await list('cluster=new-energy-vehicles&status=ACTIVE')).toEqual([]);
    expect((await walk(moderator, '/v1/contracts?cluster=smart-manufacturing&status=ACTIVE', 1)).seen).toEqual([plain, subsidised]);
  });

  it('reads one index page per list page: no Scan, and the same calls whatever the filter', async () => {
    for (const query of ['', 'status=ACTIVE', 'cluster=smart-manufacturing', 'overdue=true']) {
      expect(await readsOf(() => moderator.get(`/v1/contracts?${query}&limit=2`)), query).toEqual(['QueryCommand']);
    }
  });

  it('overdue: ACTIVE contracts with a milestone the scheduled job flagged overdue; settling it or leaving ACTIVE leaves the list', async () => {
    const overdue = async (query = '') => ids((await moderator.get(`/v1/contracts?overdue=true${query}`)).body);
    expect(await overdue()).toEqual([]);
    // Every ACTIVE contract's first milestone is due ten days after signing; the job flags it once past due.
    clock.advanceDays(11);
    await runScheduledJobs(deps);
    expect(await overdue()).toEqual([plain, subsidised]);
    expect(await overdue('&cluster=new-energy-vehicles')).toEqual([]);
    expect(await overdue('&status=COMPLETED')).toEqual([]);
    expect(await overdue('&status=ACTIVE&cluster=smart-manufacturing')).toEqual([plain, subsidised]);
    expect((await walk(moderator, '/v1/contracts?overdue=true', 1)).seen).toEqual([plain, subsidised]);
    const row = (await moderator.get('/v1/contracts?overdue=true')).body.items[0];
    expect(row.overdueMilestones).toBe(1);
    // Parties filter their own list the same way.
    expect(ids((await enterprise.caller.get('/v1/contracts?overdue=true')).body)).toEqual([plain, subsidised]);
    expect(ids((await otherEnterprise.caller.get('/v1/contracts?overdue=true')).body)).toEqual([]);
    // Finishing the contract takes it out of the overdue index in the same write.
    expect((await enterprise.caller.post(milestonePath(plain, 1, 'fund'), {}, key())).status).toBe(200);
    expect((await studio.caller.post(milestonePath(plain, 1, 'submit'), { note: '交付' })).status).toBe(200);
    expect((await enterprise.caller.post(milestonePath(plain, 1, 'accept'), {}, key())).status).toBe(200);
    expect(await overdue()).toEqual([subsidised]);
    expect(ids((await moderator.get('/v1/contracts?status=COMPLETED')).body)).toEqual([plain, completed]);
  });

  it('refuses an unknown filter or status', async () => {
    for (const query of ['state=ACTIVE', 'status=OPEN', 'overdue=yes', 'cluster=NOT%20A%20CLUSTER']) {
      const answer = await moderator.get(`/v1/contracts?${query}`);
      expect(answer.status, query).toBe(400);
    }
  });
});

describe('everyone else lists only its own contracts', () => {
  it('parties see theirs, never a rival’s', async () => {
    for (const caller of [enterprise.caller, studio.caller, college.caller]) {
      expect(sorted((await walk(caller, '/v1/contracts', 2)).seen)).toEqual(sorted(ours));
    }
    expect(sorted((await walk(government.caller, '/v1/contracts', 2)).seen)).toEqual(sorted([subsidised, terminated, completed]));
    for (const caller of [otherEnterprise.caller, otherStudio.caller, otherCollege.caller]) {
      expect((await walk(caller, '/v1/contracts', 2)).seen).toEqual([rival]);
    }
    expect((await parties.outsider.caller.get('/v1/contracts')).body.items).toEqual([]);
    expect(ids((await studio.caller.get('/v1/contracts?status=TERMINATED')).body)).toEqual([terminated]);
    expect(ids((await studio.caller.get('/v1/contracts?cluster=new-energy-vehicles')).body)).toEqual([]);
  });
});

describe('a college sees its studios, their bids and contracts (read only)', () => {
  it('its studios’ bids and contracts, paged; a rival college’s never', async () => {
    const bids = await walk(college.caller, `/v1/colleges/${college.orgId}/bids`, 2);
    expect(bids.seen).toHaveLength(ours.length);
    for (const bidId of bids.seen) expect((await getBid(deps.db, bidId))?.studioOrgId).toBe(studio.orgId);
    expect(bids.seen).not.toContain(rivalBid);
    expect((await walk(otherCollege.caller, `/v1/colleges/${otherCollege.orgId}/bids`, 2)).seen).toEqual([rivalBid]);
    expect(sorted((await walk(college.caller, `/v1/colleges/${college.orgId}/contracts`, 2)).seen)).toEqual(sorted(ours));
    expect((await walk(otherCollege.caller, `/v1/colleges/${otherCollege.orgId}/contracts`, 2)).seen).toEqual([rival]);
    // A bid of its studio opens for the college; a rival's is a 404, as for a missing one.
    expect((await college.caller.get(`/v1/bids/${bids.seen[0]}`)).status).toBe(200);
    expect((await college.caller.get(`/v1/bids/${rivalBid}`)).status).toBe(404);
    expect((await college.caller.get(`/v1/audit?entity=bid:${bids.seen[0]}`)).status).toBe(200);
    // Read only: the college cannot withdraw its studio's bid.
    expect((await college.caller.post(`/v1/bids/${bids.seen[0]}/withdraw`)).status).toBe(403);
  });

  it('nobody else reads a college’s view: a 404 like a missing college; associations read any', async () => {
    for (const caller of [otherCollege.caller, studio.caller, enterprise.caller, government.caller]) {
      expect((await caller.get(`/v1/colleges/${college.orgId}/bids`)).status).toBe(404);
      expect((await caller.get(`/v1/colleges/${college.orgId}/contracts`)).status).toBe(404);
    }
    expect((await moderator.get(`/v1/colleges/${college.orgId}/bids`)).status).toBe(200);
    expect((await moderator.get(`/v1/colleges/${enterprise.orgId}/bids`)).status).toBe(404);
  });

  it('its studios in every affiliation state, for its members and associations only', async () => {
    const unverified = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId }, false);
    const studiosOf = async (caller: Caller, collegeId: string) => sorted(ids((await caller.get(`/v1/orgs/${collegeId}/studios`)).body));
    expect(await studiosOf(college.caller, college.orgId)).toEqual(sorted([studio.orgId, unverified.orgId]));
    expect(await studiosOf(moderator, college.orgId)).toEqual(sorted([studio.orgId, unverified.orgId]));
    expect(await studiosOf(otherCollege.caller, otherCollege.orgId)).toEqual([otherStudio.orgId]);
    expect((await otherCollege.caller.get(`/v1/orgs/${college.orgId}/studios`)).status).toBe(403);
  });

  it('its accounts answer, whatever it holds', async () => {
    const accounts = await college.caller.get('/v1/accounts/me');
    expect(accounts.status).toBe(200);
    expect(accounts.body.orgId).toBe(college.orgId);
  });
});

// ── Government statistics ───────────────────────────────────────────────────

async function expectGovernmentCountersExact(orgId = government.orgId) {
  const [stored, recount] = await Promise.all([storedGovernmentStatistics(deps, orgId), recountGovernmentStatistics(deps, orgId)]);
  expect(canonical(stored)).toEqual(canonical(recount));
}

describe('a government sees the contracts it co-funds and their statistics', () => {
  it('committed, funded, refunded, paid and outcomes, equal to a recount', async () => {
    const stats = await government.caller.get('/v1/stats/funded');
    expect(stats.status, JSON.stringify(stats.body)).toBe(200);
    const committed =
      subsidyCommitted({ enterpriseOrgId: enterprise.orgId, shares: { subsidy: { orgId: government.orgId, bps: 3_000 } } } as Contract, [100_001, 200_003]) +
      subsidyCommitted({ enterpriseOrgId: enterprise.orgId, shares: { subsidy: { orgId: government.orgId, bps: 2_500 } } } as Contract, [70_007, 30_003]) +
      subsidyCommitted({ enterpriseOrgId: enterprise.orgId, shares: { subsidy: { orgId: government.orgId, bps: 5_000 } } } as Contract, [99_999]);
    const funded = Math.round(70_007 * 0.25) + 49_999; // terminated's M1, completed's M1 (an exact half fen goes to the enterprise)
    expect(stats.body).toEqual({
      orgId: government.orgId,
      contracts: { total: 3, byStatus: { PENDING_SIGNATURES: 0, ACTIVE: 1, COMPLETED: 1, TERMINATED: 1 } },
      outcomes: { active: 1, completed: 1, terminated: 1 },
      value: fen(300_004 + 100_010 + 99_999),
      committed: fen(committed),
      funded: fen(funded),
      refunded: fen(Math.round(70_007 * 0.25)),
      paid: fen(49_999),
    });
    await expectGovernmentCountersExact();
    // Associations name the government; they get the same figures.
    expect((await moderator.get(`/v1/stats/funded?orgId=${government.orgId}`)).body).toEqual(stats.body);
  });

  it('nobody else reads them', async () => {
    for (const caller of [enterprise.caller, studio.caller, college.caller]) expect((await caller.get('/v1/stats/funded')).status).toBe(403);
    expect((await government.caller.get(`/v1/stats/funded?orgId=${enterprise.orgId}`)).status).toBe(404);
    expect((await moderator.get('/v1/stats/funded')).status).toBe(400);
    expect((await moderator.get(`/v1/stats/funded?orgId=${enterprise.orgId}`)).status).toBe(404);
  });

  it('are read with one BatchGet of the counter shards (the cost does not grow with the contracts)', async () => {
    expect(await readsOf(() => government.caller.get('/v1/stats/funded'))).toEqual(['BatchGetItemCommand']);
  });

  it('stay exact under concurrent funding of several co-funded contracts and random money steps', { timeout: 120_000 }, async () => {
    const contracts = await Promise.all([1, 2, 3].map(() => activeContract(api, parties, { milestones: [10_001, 20_003, 30_007], subsidyBps: 3_333 })));
    // Concurrent FUND steps of one government's contracts meet on its counters: all land, exactly.
    const funded = await Promise.all(contracts.map((id) => enterprise.caller.post(milestonePath(id, 1, 'fund'), {}, key())));
    expect(funded.map((answer) => answer.status)).toEqual([200, 200, 200]);
    await expectGovernmentCountersExact();
    const stepArb = fc.record({ contract: fc.nat(2), n: fc.integer({ min: 1, max: 3 }), step: fc.constantFrom('fund', 'submit', 'accept', 'dispute', 'terminate') });
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 3, maxLength: 8 }), async (steps) => {
        for (const { contract, n, step } of steps) {
          const id = contracts[contract]!;
          if (step === 'terminate') await moderator.post(`/v1/contracts/${id}/terminate`, { reason: '随机终止' }, key());
          else if (step === 'submit') await studio.caller.post(milestonePath(id, n, 'submit'), { note: '交付' });
          else if (step === 'dispute') {
            const disputed = await enterprise.caller.post(milestonePath(id, n, 'dispute'), { reason: '争议' });
            if (disputed.status === 200) {
              await moderator.post(`/v1/disputes/${disputed.body.disputeId}/resolve`, { outcome: 'SPLIT', studioBps: 5_000, note: '各半' }, key());
            }
          } else await enterprise.caller.post(milestonePath(id, n, step), {}, key());
        }
        await expectGovernmentCountersExact();
      }),
      { numRuns: 6 },
    );
  });
});

// ── upgrade-data for data written before the role views ─────────────────────

describe('upgrade-data brings older data into the views', () => {
  it('indexes old contracts, studios and bids, and recounts the government counters', async () => {
    const raw = deps.db.doc;
    // As written before: contracts without the status and all-contracts index keys, a studio without its college index,
    // a bid without its college, and no government counters.
    const all = (await walk(moderator, '/v1/contracts', 100)).seen;
    for (const contractId of all) {
      await raw.send(new UpdateCommand({ TableName: deps.db.tableName, Key: keys.contract(contractId), UpdateExpression: 'REMOVE gsi1pk, gsi1sk, gsi4pk, gsi4sk' }));
    }
    await raw.send(new UpdateCommand({ TableName: deps.db.tableName, Key: keys.org(studio.orgId), UpdateExpression: 'REMOVE gsi3pk, gsi3sk' }));
    const bidId = (await studio.caller.get('/v1/bids')).body.items[0].id as string;
    await raw.send(new UpdateCommand({ TableName: deps.db.tableName, Key: keys.bid(bidId), UpdateExpression: 'REMOVE collegeOrgId, gsi4pk, gsi4sk' }));
    await replaceClusterStats(deps.db, governmentScope(government.orgId), {}, {});
    expect((await moderator.get('/v1/contracts')).body.items).toEqual([]);
    expect(Object.keys((await readStoredStats(deps.db, governmentScope(government.orgId))).buckets)).toEqual([]);

    const report = await upgradeDerivedItems(deps);
    expect(report.contractsIndexed).toBe(all.length);
    expect(report.studiosIndexed).toBeGreaterThanOrEqual(2);
    expect(report.governmentsRecounted).toBe(1);
    expect(sorted((await walk(moderator, '/v1/contracts', 3)).seen)).toEqual(sorted(all));
    expect((await walk(moderator, '/v1/contracts?status=TERMINATED', 10)).seen).toContain(terminated);
    expect((await getBid(deps.db, bidId))?.collegeOrgId).toBe(college.orgId);
    expect((await walk(college.caller, `/v1/colleges/${college.orgId}/bids`, 10)).seen).toContain(bidId);
    expect(ids((await college.caller.get(`/v1/orgs/${college.orgId}/studios`)).body)).toContain(studio.orgId);
    await expectGovernmentCountersExact();
    // A second run changes nothing of the counters.
    expect((await upgradeDerivedItems(deps)).governmentsRecounted).toBe(0);
  });
});

async function commit(writes: Write[]) {
  await commitChange(deps.db, { writes, audit: [], notifications: [] });
}
