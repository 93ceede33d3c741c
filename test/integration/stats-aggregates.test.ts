import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError, TOTAL_BUCKET, clusterStatisticsFromCounters, type Principal, type RequestContent } from '@sharedtech/core';
import { commitChange, countBidsOfRequest, getRequest, getStandingsOfMany, getTrackRecord, keys, putTrackRecord, readStoredStats } from '@sharedtech/data';
import {
  actOnMilestone, awardRequest, canonical, decideChangeOrder, proposeChange, cancelRequest, closeRequest, createRequest, loadPrincipal, recountClusterStatistics, resolveDispute,
  recountTrackRecord, reviewRequest, runScheduledJobs, signContract, storedClusterStatistics, submitBid, submitRequest, suspendRequest, terminateContract,
  updateRequest, upgradeDerivedItems, withdrawBid,
} from '@sharedtech/services';
import { startTestApi, testClock } from '../support/harness.js';
import { addRoster, consortium, organisation } from '../support/fixtures.js';
import { bidBody, evenShares } from '../support/bids.js';
import { recordDynamoCalls } from '../support/ddb-calls.js';

/**
 * The statistics counters, kept by the transactions that change what they
 * count, always equal a recount from the items — after random sequences of
 * operations (most of them refused), under concurrency, and after upgrade-data.
 */
const clock = testClock(Date.UTC(2025, 0, 27, 9));
const api = await startTestApi({ clock });
const calls = recordDynamoCalls(api.deps.db);
const deps = api.deps;
const { moderator, enterprise, college, studio } = await consortium(api);
const rivals = [studio, await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId }), await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId })];
const as = (sub: string) => loadPrincipal(deps.db, sub);
const association = await as(moderator.sub);
const owner = await as(enterprise.caller.sub);
const studios = await Promise.all(rivals.map((s) => as(s.caller.sub)));
/** Each studio's roster: two teachers, then three students (the fixture's three people and two more). */
const rosters = await Promise.all(
  rivals.map(async (s) => {
    const [teacher, ...students] = s.team.personIds;
    const more = await addRoster(s.caller, s.orgId, [{ kind: 'TEACHER', name: '李老师' }, { kind: 'STUDENT', name: '陈同学', programme: '软件技术', year: 2024 }]);
    return { teachers: [teacher!, more.personIds[0]!], students: [...students, more.personIds[1]!] };
  }),
);

let runs = 0;
const freshClusters = () => {
  runs += 1;
  return [`prop-${process.pid}-${runs}-a`, `prop-${process.pid}-${runs}-b`] as const;
};

const content = (cluster: string): RequestContent => ({
  title: '焊缝缺陷视觉检测',
  summary: '需要对焊缝的气孔与裂纹进行在线视觉检测。',
  details: '节拍 3 秒/件。',
  cluster,
  tags: ['机器视觉'],
  budget: { min: { amount: 5_000_000, currency: 'CNY' }, max: { amount: 10_000_000, currency: 'CNY' } },
  biddingDeadline: new Date(clock().getTime() + 30 * 86_400_000).toISOString(),
});

/** Runs a use case; a refusal (the operation did not apply in this state) is an outcome like any other. */
async function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}

/** Each studio's track record (matching's count of its ACTIVE and COMPLETED contracts) equals a recount of its contracts. */
async function expectTrackRecordsEqualRecount(studioIds = rivals.map((rival) => rival.orgId)) {
  const stored = await getStandingsOfMany(deps.db, studioIds);
  for (const studioId of studioIds) expect(stored.get(studioId)!.contracts, studioId).toBe(await recountTrackRecord(deps, studioId));
}

async function expectCountersEqualRecount(cluster: string) {
  const [stored, recount] = await Promise.all([storedClusterStatistics(deps, cluster), recountClusterStatistics(deps, cluster)]);
  expect(canonical(stored)).toEqual(canonical(recount));
  return recount;
}

/** A team of the bidding studio's roster, by position: some of its teachers (none now and then: refused) and students. */
const teamArb = fc.record({ teachers: fc.subarray([0, 1]), students: fc.subarray([0, 1, 2]) });
const teamOf = (studio: number, team: { teachers: number[]; students: number[] }) => ({
  personIds: [...team.teachers.map((at) => rosters[studio]!.teachers[at]!), ...team.students.map((at) => rosters[studio]!.students[at]!)],
});
const index = fc.nat(30);
/**
 * Each operation names its target by index; the run picks among the targets in
 * a state where the step applies (as far as it knows), or among all of them when
 * `any` is set, so both applied and refused steps occur.
 */
const anyTarget = fc.nat(4).map((draw) => draw === 0); // one step in five picks any target, so refusals occur too
const operationArb = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant('create' as const), inB: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('move' as const), target: index, any: anyTarget }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('submit' as const), target: index, any: anyTarget }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('approve' as const), target: index, any: anyTarget }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('reject' as const, 'close' as const, 'cancel' as const, 'suspend' as const), target: index, any: anyTarget }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('bid' as const), target: index, studio: fc.nat(2), team: teamArb, any: anyTarget }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('withdraw' as const), target: index, any: anyTarget }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('award' as const), target: index, any: anyTarget }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('sign' as const), target: index, any: anyTarget }) },
  { weight: 12, arbitrary: fc.record({ op: fc.constant('milestone' as const), target: index, n: fc.integer({ min: 1, max: 2 }), variant: fc.nat(3), any: anyTarget }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('resolve' as const), target: index, outcome: fc.constantFrom('RELEASE' as const, 'REFUND' as const, 'SPLIT' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('terminate' as const), target: index, any: anyTarget }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('time' as const), days: fc.integer({ min: 1, max: 20 }) }) },
  // A change order proposed by the enterprise and approved by the studio: re-price, move a due date, remove or add a milestone.
  { weight: 4, arbitrary: fc.record({ op: fc.constant('change' as const), target: index, n: fc.integer({ min: 1, max: 2 }), variant: fc.nat(3), any: anyTarget }) },
  // Moves something along the usual path (submit, approve, bid, award, sign, a milestone step), so runs get deep.
  { weight: 30, arbitrary: fc.record({ op: fc.constant('progress' as const), target: index, variant: fc.nat(6), n: fc.integer({ min: 1, max: 2 }), studio: fc.nat(2), team: teamArb }) },
);
type Operation = typeof operationArb extends fc.Arbitrary<infer T> ? T : never;

/** The next milestone steps a party may take from each state (the variant picks one). */
const STEPS: Record<string, ('fund' | 'submit' | 'accept' | 'dispute' | 'requestRevision')[]> = {
  PENDING: ['fund'],
  FUNDED: ['submit', 'submit', 'dispute'],
  SUBMITTED: ['accept', 'accept', 'requestRevision', 'dispute'],
};

describe('statistics counters equal a recount', () => {
  it('after random sequences of request, bid, award and money operations (some of them refused)', async () => {
    const applied: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.array(operationArb, { minLength: 30, maxLength: 60 }), async (operations) => {
        const [clusterA, clusterB] = freshClusters();
        const requests: { id: string; status: string }[] = [];
        const bids: { id: string; requestId: string; studio: Principal; status: string }[] = [];
        const contracts: { id: string; studio: Principal; status: string; milestones: Record<number, string> }[] = [];
        const disputes: { id: string; open: boolean }[] = [];
        const pick = <T>(list: T[], at: number, any: boolean | undefined, fits: (item: T) => boolean) => {
          const candidates = any ? list : list.filter(fits);
          return candidates.length ? candidates[at % candidates.length] : undefined;
        };
        const run = async <T>(label: string, work: () => Promise<T>) => {
          const result = await attempt(work);
          if (result !== undefined) applied[label] = (applied[label] ?? 0) + 1;
          return result;
        };
        const candidates: Record<'submit' | 'approve' | 'bid' | 'withdraw' | 'award' | 'sign' | 'milestone', () => boolean> = {
          submit: () => requests.some((r) => r.status === 'DRAFT' || r.status === 'REJECTED'),
          approve: () => requests.some((r) => r.status === 'SUBMITTED'),
          bid: () => requests.some((r) => r.status === 'OPEN'),
          withdraw: () => bids.some((b) => b.status === 'SUBMITTED'),
          award: () => bids.some((b) => b.status === 'SUBMITTED' && requests.find((r) => r.id === b.requestId)?.status === 'OPEN'),
          sign: () => contracts.some((c) => c.status === 'PENDING_SIGNATURES'),
          milestone: () => contracts.some((c) => c.status === 'ACTIVE'),
        };
        const apply = async (operation: Operation): Promise<void> => {
          switch (operation.op) {
            case 'progress': {
              const kinds = (Object.keys(candidates) as (keyof typeof candidates)[]).filter((kind) => candidates[kind]());
              const kind = kinds.length ? kinds[operation.variant % kinds.length]! : undefined;
              if (!kind) return apply({ op: 'create', inB: operation.variant % 2 === 0 });
              return apply({ ...operation, op: kind, any: false } as Operation);
            }
            case 'create': {
              const created = await run('create', () => createRequest(deps, owner, content(operation.inB ? clusterB : clusterA)));
              if (created) requests.push({ id: created.id, status: created.status });
              break;
            }
            case 'move': {
              const target = pick(requests, operation.target, operation.any, (r) => r.status === 'DRAFT' || r.status === 'REJECTED');
              const request = target && (await getRequest(deps.db, target.id, true));
              if (request) await run('move', () => updateRequest(deps, owner, request.id, { cluster: request.cluster === clusterA ? clusterB : clusterA }));
              break;
            }
            case 'submit':
            case 'approve':
            case 'reject':
            case 'close':
            case 'cancel':
            case 'suspend': {
              const from = { submit: ['DRAFT', 'REJECTED'], approve: ['SUBMITTED'], reject: ['SUBMITTED'], close: ['OPEN'], cancel: ['DRAFT', 'SUBMITTED', 'OPEN'], suspend: ['OPEN'] }[operation.op];
              const target = pick(requests, operation.target, operation.any, (r) => from.includes(r.status));
              if (!target) break;
              const id = target.id;
              const step = {
                submit: () => submitRequest(deps, owner, id),
                approve: () => reviewRequest(deps, association, id, { decision: 'APPROVE' }),
                reject: () => reviewRequest(deps, association, id, { decision: 'REJECT', reason: '补充材料' }),
                close: () => closeRequest(deps, owner, id),
                cancel: () => cancelRequest(deps, owner, id),
                suspend: () => suspendRequest(deps, association, id, '核查'),
              }[operation.op];
              const next = await run(operation.op, step);
              if (next) target.status = next.status;
              break;
            }
            case 'bid': {
              const target = pick(requests, operation.target, operation.any, (r) => r.status === 'OPEN');
              const bidder = studios[operation.studio]!;
              const bid = target && (await run('bid', () => submitBid(deps, bidder, target.id, bidBody(teamOf(operation.studio, operation.team), 60_000) as never)));
              if (bid) bids.push({ id: bid.id, requestId: bid.requestId, studio: bidder, status: bid.status });
              break;
            }
            case 'withdraw': {
              const bid = pick(bids, operation.target, operation.any, (b) => b.status === 'SUBMITTED');
              if (bid && (await run('withdraw', () => withdrawBid(deps, bid.studio, bid.id)))) bid.status = 'WITHDRAWN';
              break;
            }
            case 'award': {
              const bid = pick(bids, operation.target, operation.any, (b) => b.status === 'SUBMITTED' && requests.find((r) => r.id === b.requestId)?.status === 'OPEN');
              if (!bid) break;
              const contract = await run('award', () =>
                awardRequest(deps, owner, bid.requestId, { bidId: bid.id, shares: evenShares(enterprise.orgId, bid.studio.membership!.orgId) }),
              );
              if (contract) {
                bid.status = 'ACCEPTED';
                requests.find((r) => r.id === bid.requestId)!.status = 'AWARDED';
                contracts.push({ id: contract.id, studio: bid.studio, status: contract.status, milestones: { 1: 'PENDING', 2: 'PENDING' } });
              }
              break;
            }
            case 'sign': {
              const contract = pick(contracts, operation.target, operation.any, (c) => c.status === 'PENDING_SIGNATURES');
              if (!contract) break;
              await run('sign', () => signContract(deps, owner, contract.id));
              const signed = await run('sign', () => signContract(deps, contract.studio, contract.id));
              if (signed) contract.status = signed.status;
              break;
            }
            case 'milestone': {
              const contract = pick(contracts, operation.target, operation.any, (c) => c.status === 'ACTIVE');
              if (!contract) break;
              const steps = STEPS[contract.milestones[operation.n] ?? ''] ?? ['fund'];
              const action = steps[operation.variant % steps.length]!;
              const actor = action === 'submit' ? contract.studio : owner;
              const input =
                action === 'submit' ? { action, note: '交付' } : action === 'dispute' ? { action, reason: '质量争议' } : { action };
              const result = await run(`milestone-${action}`, () => actOnMilestone(deps, actor, contract.id, operation.n, input));
              const body = result?.body as { status?: string; contractStatus?: string; disputeId?: string } | undefined;
              if (body?.status) contract.milestones[operation.n] = body.status;
              if (body?.contractStatus) contract.status = body.contractStatus;
              if (body?.disputeId) disputes.push({ id: body.disputeId, open: true });
              break;
            }
            case 'resolve': {
              const dispute = pick(disputes, operation.target, false, (d) => d.open);
              if (!dispute) break;
              const resolved = await run('resolve', () =>
                resolveDispute(deps, association, dispute.id, { outcome: operation.outcome, ...(operation.outcome === 'SPLIT' ? { studioBps: 3333 } : {}) }),
              );
              if (resolved) dispute.open = false;
              break;
            }
            case 'terminate': {
              const contract = pick(contracts, operation.target, operation.any, (c) => c.status === 'ACTIVE');
              if (contract && (await run('terminate', () => terminateContract(deps, association, contract.id, { reason: '终止' })))) contract.status = 'TERMINATED';
              break;
            }
            case 'time': {
              clock.advanceDays(operation.days);
              const jobs = await runScheduledJobs(deps); // closes requests past their deadline, auto-releases and flags overdue milestones
              expect(jobs.failures).toEqual([]);
              if (jobs.closedRequests + jobs.releasedMilestones > 0) applied.jobs = (applied.jobs ?? 0) + 1;
              if (jobs.overdueMilestones > 0) applied.overdue = (applied.overdue ?? 0) + jobs.overdueMilestones;
              break;
            }
            case 'change': {
              const contract = pick(contracts, operation.target, operation.any, (c) => c.status === 'ACTIVE');
              if (!contract) break;
              const later = new Date(clock().getTime() + 40 * 86_400_000).toISOString().slice(0, 10);
              const changes = [
                [{ op: 'reprice' as const, n: operation.n, amount: { amount: 1_000_000 + operation.variant, currency: 'CNY' as const } }],
                [{ op: 'moveDue' as const, n: operation.n, dueDate: later }],
                [{ op: 'remove' as const, n: operation.n }],
                [{ op: 'add' as const, title: '追加验收', amount: { amount: 500_000, currency: 'CNY' as const }, dueInDays: 60 }],
              ];
              const proposed = await run('change-propose', () => proposeChange(deps, owner, contract.id, { reason: '变更', operations: changes[operation.variant % 4]! }));
              if (proposed) await run('change-apply', () => decideChangeOrder(deps, contract.studio, contract.id, proposed.id, { action: 'approve' }));
              break;
            }
          }
        };
        for (const operation of operations) {
          clock.advance(3_600_000 * 7); // a few hours between steps: days to award vary in tenths
          await apply(operation);
        }
        for (const cluster of [clusterA, clusterB]) await expectCountersEqualRecount(cluster);
        await expectTrackRecordsEqualRecount();
        for (const { id } of requests) {
          const request = await getRequest(deps.db, id, true);
          expect(request!.bidCount).toBe(await countBidsOfRequest(deps.db, id));
        }
      }),
      // No shrinking: each step is a round trip to DynamoDB Local; the seed and path printed on failure replay the run.
      { numRuns: 20, endOnFailure: true },
    );
    // The sequences reached every kind of step (tracked so a generator change cannot quietly test less).
    console.info('applied steps over all runs', applied);
    for (const step of ['create', 'submit', 'approve', 'bid', 'withdraw', 'award', 'sign', 'milestone-fund', 'milestone-submit', 'milestone-accept', 'change-apply']) {
      expect(applied[step] ?? 0, step).toBeGreaterThan(0);
    }
  }, 600_000);

  it('after concurrent bids, approvals and awards (one studio winning several requests with one team: its people count once)', async () => {
    // Prepare: 10 submitted requests and 10 more studios
    const [cluster] = freshClusters();
    const bidderOrgs = await Promise.all(Array.from({ length: 10 }, () => organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId })));
    const bidders = await Promise.all(bidderOrgs.map((bidder) => as(bidder.caller.sub)));
    const ids = [];
    for (let count = 0; count < 10; count += 1) {
      const request = await createRequest(deps, owner, content(cluster));
      await submitRequest(deps, owner, request.id);
      ids.push(request.id);
    }

    // Act: approve all at once, then 20 bids at once (two per request), then five awards to one studio at once
    await Promise.all(ids.map((id) => reviewRequest(deps, association, id, { decision: 'APPROVE' })));
    const placed = await Promise.all(
      ids.flatMap((id, at) => [
        submitBid(deps, studios[0]!, id, bidBody(studio.team, 60_000) as never),
        submitBid(deps, bidders[at]!, id, bidBody(bidderOrgs[at]!.team, 70_000) as never),
      ]),
    );
    const winners = placed.filter((bid) => bid.studioOrgId === studios[0]!.membership!.orgId).slice(0, 5);
    const awards = await Promise.allSettled(winners.map((bid) => awardRequest(deps, owner, bid.requestId, { bidId: bid.id, shares: evenShares(enterprise.orgId, bid.studioOrgId) })));
    await Promise.all(placed.filter((bid) => bid.studioOrgId !== studios[0]!.membership!.orgId).slice(5, 8).map((bid) => attempt(() => withdrawBid(deps, bidders.find((b) => b.membership!.orgId === bid.studioOrgId)!, bid.id))));

    // Assess
    expect(awards.filter((award) => award.status === 'fulfilled')).toHaveLength(5);
    const recount = await expectCountersEqualRecount(cluster);
    const statistics = clusterStatisticsFromCounters(cluster, recount.buckets[TOTAL_BUCKET]!);
    expect(statistics.requests.byStatus).toMatchObject({ OPEN: 5, AWARDED: 5 });
    expect(statistics.bids.total).toBe(17);
    expect(statistics.contracts.total).toBe(5);
    expect(statistics.education).toEqual({ teachers: 1, students: 2, mentors: 0 });
    expect((await moderator.get(`/v1/stats?cluster=${cluster}`)).body).toEqual(statistics);

    // The five contracts signed by both parties at once: the winner's track record counts each activation once
    const contracts = awards.flatMap((award) => (award.status === 'fulfilled' ? [award.value] : []));
    const before = (await getStandingsOfMany(deps.db, [studio.orgId])).get(studio.orgId)!.contracts;
    await Promise.all(contracts.map((contract) => signContract(deps, owner, contract.id)));
    const activated = await Promise.all(contracts.map((contract) => signContract(deps, studios[0]!, contract.id)));
    expect(activated.map((contract) => contract.status)).toEqual(Array(5).fill('ACTIVE'));
    expect((await getStandingsOfMany(deps.db, [studio.orgId])).get(studio.orgId)!.contracts).toBe(before + 5);
    await expectTrackRecordsEqualRecount([studio.orgId, ...bidderOrgs.map((bidder) => bidder.orgId)]);
  });
});

describe('GET /v1/stats costs the same at any size', () => {
  /** Posts `count` requests in `cluster`, opens them and has one studio bid on each. */
  async function grow(cluster: string, count: number) {
    for (let made = 0; made < count; made += 1) {
      const request = await createRequest(deps, owner, content(cluster));
      await submitRequest(deps, owner, request.id);
      await reviewRequest(deps, association, request.id, { decision: 'APPROVE' });
      await submitBid(deps, studios[made % studios.length]!, request.id, bidBody(rivals[made % rivals.length]!.team, 60_000) as never);
    }
  }

  it('reads the caller and one BatchGet of the counters, for 5 requests as for 60', async () => {
    const [cluster] = freshClusters();
    const costAt = async (expected: number) => {
      calls.take();
      const stats = await moderator.get(`/v1/stats?cluster=${cluster}`);
      expect(stats.status).toBe(200);
      expect(stats.body.requests.total).toBe(expected);
      expect(stats.body.bids.total).toBe(expected);
      return calls.take().map((call) => call.command);
    };

    await grow(cluster, 5);
    const small = await costAt(5);
    await grow(cluster, 55);
    const large = await costAt(60);

    expect(small).toEqual(['GetItemCommand', 'BatchGetItemCommand']);
    expect(large).toEqual(small);
    await expectCountersEqualRecount(cluster);
  });
});

describe('upgrade-data and the statistics', () => {
  it('backfills bid counts and the counters of data stored before them from a recount, and changes nothing the second time', async () => {
    // Prepare: a cluster with requests, bids, a contract and money, then stored as the earlier version had it
    const [cluster] = freshClusters();
    const ids = [];
    for (let count = 0; count < 3; count += 1) {
      const request = await createRequest(deps, owner, content(cluster));
      await submitRequest(deps, owner, request.id);
      await reviewRequest(deps, association, request.id, { decision: 'APPROVE' });
      ids.push(request.id);
    }
    const bid = await submitBid(deps, studios[0]!, ids[0]!, bidBody(rivals[0]!.team, 60_000) as never);
    await submitBid(deps, studios[1]!, ids[0]!, bidBody(rivals[1]!.team, 70_000) as never);
    const contract = await awardRequest(deps, owner, ids[0]!, { bidId: bid.id, shares: evenShares(enterprise.orgId, bid.studioOrgId) });
    await signContract(deps, owner, contract.id);
    await signContract(deps, studios[0]!, contract.id);
    await actOnMilestone(deps, owner, contract.id, 1, { action: 'fund' });
    const expected = await expectCountersEqualRecount(cluster);
    const { buckets, people } = await readStoredStats(deps.db, cluster);
    expect(Object.keys(buckets).length).toBeGreaterThan(1);
    for (let shard = 0; shard < 8; shard += 1) {
      for (const bucket of Object.keys(buckets)) {
        await deps.db.doc.send(new DeleteCommand({ TableName: deps.db.tableName, Key: keys.statsShard(cluster, shard, bucket) }));
      }
    }
    for (const studioId of Object.keys(people)) await deps.db.doc.send(new DeleteCommand({ TableName: deps.db.tableName, Key: keys.studioPeople(cluster, studioId) }));
    await deps.db.doc.send(new DeleteCommand({ TableName: deps.db.tableName, Key: keys.trackRecord(rivals[0]!.orgId) }));
    expect((await getStandingsOfMany(deps.db, [rivals[0]!.orgId])).get(rivals[0]!.orgId)!.contracts).toBe(0);
    for (const id of ids) {
      await deps.db.doc.send(new UpdateCommand({ TableName: deps.db.tableName, Key: keys.request(id), UpdateExpression: 'REMOVE bidCount' }));
    }
    expect((await moderator.get(`/v1/stats?cluster=${cluster}`)).body.requests.total).toBe(0);
    expect((await enterprise.caller.get(`/v1/requests/${ids[0]}`)).body.bidCount).toBe(2); // counted on the index meanwhile

    // Act
    const report = await upgradeDerivedItems(deps);

    // Assess
    expect(report.bidCountsSet).toBeGreaterThanOrEqual(3);
    expect(report.statsClustersRecounted).toBeGreaterThanOrEqual(1);
    expect(report.trackRecordsSet).toBeGreaterThanOrEqual(1);
    await expectTrackRecordsEqualRecount();
    const backfilled = await getTrackRecord(deps.db, rivals[0]!.orgId);
    expect(backfilled).toBeGreaterThanOrEqual(1);
    // The backfill's put holds only over the value it read: a count moved meanwhile is not overwritten.
    const setTo = (contracts: number, stored: number | undefined) => commitChange(deps.db, { writes: [putTrackRecord(deps.db, rivals[0]!.orgId, contracts, stored)], audit: [], notifications: [] });
    await expect(setTo(99, backfilled! + 1)).rejects.toMatchObject({ status: 409, code: 'CONCURRENT_UPDATE' });
    await expect(setTo(99, undefined)).rejects.toMatchObject({ status: 409 });
    expect(await getTrackRecord(deps.db, rivals[0]!.orgId)).toBe(backfilled);
    expect(canonical(await storedClusterStatistics(deps, cluster))).toEqual(canonical(expected));
    expect((await getRequest(deps.db, ids[0]!, true))!.bidCount).toBe(2);
    expect((await moderator.get(`/v1/stats?cluster=${cluster}`)).body).toEqual(clusterStatisticsFromCounters(cluster, expected.buckets[TOTAL_BUCKET]!));
    const again = await upgradeDerivedItems(deps);
    expect(again).toMatchObject({ bidCountsSet: 0, statsClustersRecounted: 0, rostersBackfilled: 0, accountTotalsSet: 0, trackRecordsSet: 0 });

    // Counting goes on from the backfilled counters
    await withdrawBid(deps, studios[1]!, (await submitBid(deps, studios[1]!, ids[1]!, bidBody(rivals[1]!.team, 70_000) as never)).id);
    await expectCountersEqualRecount(cluster);
  }, 120_000); // upgrade-data twice over every studio and cluster the other cases made
});

