import { readClusterCounters } from '@sharedtech/data';
import { describe, expect, it } from 'vitest';
import { expectError, tableItemCount } from '../support/assertions.js';
import { bidBody, evenShares } from '../support/bids.js';
import { cny, openRequest, organisation } from '../support/fixtures.js';
import { pageClient } from '../support/pages.js';
import { startTestApi, type Caller } from '../support/harness.js';
import { fen, key, ledgerOf, milestonePath, moneyConsortium } from '../support/money.js';

/**
 * Pooled requests (共性技术需求) through the JSON API against DynamoDB Local:
 * joining and leaving a pool, the award that makes every member a funder and
 * signer, funding by parts (one FUND entry at the last part), SPLIT back in
 * proportion to what each paid, statements across the members, the counters.
 */
const api = await startTestApi();
const CLUSTER = 'pool-test';
const parties = await moneyConsortium(api);
const { moderator, studio, government } = parties;
const owner = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: CLUSTER });
const memberA = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: CLUSTER });
const memberB = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: CLUSTER });
const memberC = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: CLUSTER });
const memberD = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: CLUSTER });
const otherCluster = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'new-energy-vehicles' });
const unverified = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: CLUSTER }, false);

// Budget 50 000 – 100 000 yuan (fixtures): a pledge of ¥20 000 is 2 000 bps of the maximum.
const poolRequest = () => openRequest(api, owner.caller, moderator, { cluster: CLUSTER });
const join = (caller: Caller, requestId: string, body: Record<string, unknown>) => caller.post(`/v1/requests/${requestId}/pool/join`, body);
const types = async (caller: Caller) => ((await caller.get('/v1/notifications?limit=100')).body.items as { type: string }[]).map((item) => item.type);

describe('joining and leaving a pool', () => {
  it('takes pledges in bps or money, keeps the owner the remainder, and shows members to the owner and members only', async () => {
    const requestId = await poolRequest();
    const a = await join(memberA.caller, requestId, { pledgeBps: 3_000 });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    const b = await join(memberB.caller, requestId, { pledge: cny(20_000) });
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    expect(b.body).toMatchObject({ memberCount: 2, pledgedBps: 5_000, ownerBps: 5_000, availableBps: 4_999, isMember: true });
    expect(b.body.members).toEqual([
      expect.objectContaining({ orgId: memberA.orgId, bps: 3_000 }),
      expect.objectContaining({ orgId: memberB.orgId, bps: 2_000, pledge: cny(20_000) }),
    ]);
    expect((await owner.caller.get(`/v1/requests/${requestId}/pool`)).body.members).toHaveLength(2);
    expect((await memberA.caller.get(`/v1/requests/${requestId}/pool`)).body.members).toHaveLength(2);
    const outsiderView = await otherCluster.caller.get(`/v1/requests/${requestId}/pool`);
    expect(outsiderView.body).toMatchObject({ memberCount: 2, pledgedBps: 5_000, members: [] });
    expect(await types(owner.caller)).toContain('POOL_JOINED');
    const trail = await owner.caller.get(`/v1/audit?entity=request:${requestId}`);
    expect(trail.body.items.map((record: { action: string }) => record.action)).toEqual(expect.arrayContaining(['pool-join']));

    const left = await memberB.caller.post(`/v1/requests/${requestId}/pool/leave`);
    expect(left.status, JSON.stringify(left.body)).toBe(200);
    expect(left.body).toMatchObject({ memberCount: 1, pledgedBps: 3_000, isMember: false });
    expectError(await memberB.caller.post(`/v1/requests/${requestId}/pool/leave`), 404);
  });

  it('refuses pledges over 100 %, bad bodies, the owner, twice, other clusters, unverified and non-enterprises, moving nothing', async () => {
    const requestId = await poolRequest();
    expect((await join(memberA.caller, requestId, { pledgeBps: 6_000 })).status).toBe(200);
    const before = await tableItemCount(api);
    expectError(await join(memberB.caller, requestId, { pledgeBps: 4_000 }), 409, 'POOL_OVERSUBSCRIBED');
    expectError(await join(memberB.caller, requestId, { pledge: cny(100_000) }), 400, 'PLEDGE_OVER_100');
    expectError(await join(memberB.caller, requestId, { pledgeBps: 10_000 }), 400, 'VALIDATION_FAILED');
    expectError(await join(memberB.caller, requestId, { pledgeBps: 0 }), 400, 'VALIDATION_FAILED');
    expectError(await join(memberB.caller, requestId, { pledgeBps: 100, pledge: cny(1) }), 400, 'VALIDATION_FAILED');
    expectError(await join(memberB.caller, requestId, {}), 400, 'VALIDATION_FAILED');
    expectError(await join(owner.caller, requestId, { pledgeBps: 100 }), 409, 'POOL_OWNER');
    expectError(await join(memberA.caller, requestId, { pledgeBps: 100 }), 409, 'ALREADY_IN_POOL');
    expectError(await join(otherCluster.caller, requestId, { pledgeBps: 100 }), 403, 'OTHER_CLUSTER');
    expectError(await join(unverified.caller, requestId, { pledgeBps: 100 }), 403, 'ORG_NOT_VERIFIED');
    expectError(await join(studio.caller, requestId, { pledgeBps: 100 }), 403, 'WRONG_ORG_TYPE');
    expectError(await join(memberB.caller, 'req_01JD0000000000000000000000', { pledgeBps: 100 }), 404);
    expect(await tableItemCount(api)).toBe(before);
    expect((await owner.caller.get(`/v1/requests/${requestId}/pool`)).body).toMatchObject({ pledgedBps: 6_000, memberCount: 1 });
  });

  it('lets only one of two concurrent joins that together pass 100 % commit', async () => {
    for (let round = 0; round < 3; round += 1) {
      const requestId = await poolRequest();
      const results = await Promise.all([join(memberC.caller, requestId, { pledgeBps: 6_000 }), join(memberD.caller, requestId, { pledgeBps: 5_000 })]);
      expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
      const pool = (await owner.caller.get(`/v1/requests/${requestId}/pool`)).body;
      expect(pool.memberCount).toBe(1);
      expect(pool.pledgedBps).toBeLessThan(10_000);
    }
  });

  it('takes no member on a request that is not OPEN', async () => {
    const requestId = await poolRequest();
    expect((await owner.caller.post(`/v1/requests/${requestId}/close`)).status).toBe(200);
    const before = await tableItemCount(api);
    expectError(await join(memberA.caller, requestId, { pledgeBps: 100 }), 409, 'REQUEST_NOT_OPEN');
    expect(await tableItemCount(api)).toBe(before);
  });
});

describe('a pooled contract', () => {
  it('makes every member a funder and signer, funds by parts in one FUND entry, and splits back by what each paid', async () => {
    const requestId = await poolRequest();
    expect((await join(memberA.caller, requestId, { pledgeBps: 3_000 })).status).toBe(200);
    expect((await join(memberB.caller, requestId, { pledgeBps: 2_000 })).status).toBe(200);
    const bid = await studio.caller.post(`/v1/requests/${requestId}/bids`, {
      ...bidBody(studio.team),
      price: fen(150_001),
      milestones: [{ title: '方案', amount: fen(100_001), dueInDays: 30 }, { title: '验收', amount: fen(50_000), dueInDays: 60 }],
    });
    expect(bid.status, JSON.stringify(bid.body)).toBe(201);
    const shares = { ...evenShares(owner.orgId, studio.orgId), subsidy: { orgId: government.orgId, bps: 2_000 } };
    // Licensing to every co-funder needs co-funders: on a request without a pool it is a 400 (checked on another request below).
    const award = await owner.caller.post(`/v1/requests/${requestId}/award`, { bidId: bid.body.id, shares: { ...shares, ipOwnership: 'LICENSED_TO_COFUNDERS' } });
    expect(award.status, JSON.stringify(award.body)).toBe(201);
    const contractId = award.body.id as string;
    expect(award.body.pool).toEqual({ members: [{ orgId: owner.orgId, bps: 5_000 }, { orgId: memberA.orgId, bps: 3_000 }, { orgId: memberB.orgId, bps: 2_000 }] });
    expect(award.body.requiredSigners).toEqual(expect.arrayContaining([memberA.orgId, memberB.orgId, owner.orgId, studio.orgId, government.orgId]));
    expect(await types(memberA.caller)).toContain('SIGNATURE_NEEDED');
    const counters = await readClusterCounters(api.deps.db, CLUSTER, '#TOTAL', true);
    expect(counters['pools>AWARDED']).toBe(1);
    expect(counters['poolMembers>AWARDED']).toBe(3);

    // After the award the pool is fixed: nobody joins or leaves, nothing is written.
    const before = await tableItemCount(api);
    expectError(await memberA.caller.post(`/v1/requests/${requestId}/pool/leave`), 409, 'POOL_LOCKED');
    expectError(await join(memberC.caller, requestId, { pledgeBps: 100 }), 409, 'REQUEST_NOT_OPEN');
    expectError(await memberA.caller.post(milestonePath(contractId, 1, 'fund'), {}, key()), 409, 'CONTRACT_NOT_ACTIVE');
    expect(await tableItemCount(api)).toBe(before);

    for (const signer of [owner, studio, government, memberA, memberB]) {
      const signed = await signer.caller.post(`/v1/contracts/${contractId}/sign`);
      expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    }
    expect((await memberB.caller.get(`/v1/contracts/${contractId}`)).body.status).toBe('ACTIVE');
    expect((await memberB.caller.get('/v1/contracts')).body.items.map((item: { id: string }) => item.id)).toContain(contractId);

    // Milestone 1 (100 001 fen): the subsidy first (20 % → 20 000), then 80 001 split 50/30/20 across the pool.
    const partKey = key();
    const partA = await memberA.caller.post(milestonePath(contractId, 1, 'fund'), { reference: 'A-001' }, partKey);
    expect(partA.status, JSON.stringify(partA.body)).toBe(200);
    expect(partA.body).toMatchObject({ status: 'PENDING', fundedParts: [{ orgId: memberA.orgId, reference: 'A-001' }] });
    expect(partA.body.entry).toBeUndefined();
    expect((await ledgerOf(owner.caller, contractId)).items).toHaveLength(0);
    expect(await types(memberB.caller)).toContain('MILESTONE_PART_AWAITED');
    expect(await types(owner.caller)).toContain('MILESTONE_PART_AWAITED');
    const replay = await memberA.caller.post(milestonePath(contractId, 1, 'fund'), { reference: 'A-001' }, partKey);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expectError(await memberA.caller.post(milestonePath(contractId, 1, 'fund'), {}, key()), 409, 'PART_ALREADY_FUNDED');
    expectError(await parties.outsider.caller.post(milestonePath(contractId, 1, 'fund'), {}, key()), 404);
    expectError(await studio.caller.post(milestonePath(contractId, 1, 'fund'), {}, key()), 403, 'WRONG_CONTRACT_ROLE');

    expect((await memberB.caller.post(milestonePath(contractId, 1, 'fund'), {}, key())).body.status).toBe('PENDING');
    const last = await owner.caller.post(milestonePath(contractId, 1, 'fund'), { amount: fen(100_001) }, key());
    expect(last.status, JSON.stringify(last.body)).toBe(200);
    expect(last.body.status).toBe('FUNDED');
    expect(last.body.funding).toEqual([
      { orgId: owner.orgId, amount: 40_001 },
      { orgId: memberA.orgId, amount: 24_000 },
      { orgId: memberB.orgId, amount: 16_000 },
      { orgId: government.orgId, amount: 20_000 },
    ]);
    let ledger = await ledgerOf(memberA.caller, contractId);
    expect(ledger.items.filter((entry) => entry.kind === 'FUND')).toHaveLength(1);
    expect(ledger.balance(`external:${memberA.orgId}`)).toBe(-24_000);
    expect(ledger.balance(`escrow:${contractId}`)).toBe(100_001);

    expect((await studio.caller.post(milestonePath(contractId, 1, 'submit'), { note: '方案已交付' }, key())).status).toBe(200);
    expect((await owner.caller.post(milestonePath(contractId, 1, 'accept'), {}, key())).status).toBe(200);

    // Milestone 2 (50 000): all parts, a dispute, and a SPLIT of 40 % to the studio, the rest back by what each paid.
    for (const funder of [owner, memberB, memberA]) expect((await funder.caller.post(milestonePath(contractId, 2, 'fund'), {}, key())).status).toBe(200);
    const disputed = await memberA.caller.get(`/v1/contracts/${contractId}`);
    expect(disputed.body.milestones[1].status).toBe('FUNDED');
    const dispute = await studio.caller.post(milestonePath(contractId, 2, 'dispute'), { reason: '验收标准有分歧' }, key());
    expect(dispute.status, JSON.stringify(dispute.body)).toBe(200);
    const resolved = await moderator.post(`/v1/disputes/${dispute.body.disputeId}/resolve`, { outcome: 'SPLIT', studioBps: 4_000 }, key());
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    ledger = await ledgerOf(owner.caller, contractId);
    // Paid for M2: government 10 000, owner 20 000, A 12 000, B 8 000; 60 % comes back: 6 000, 12 000, 7 200, 4 800.
    expect(ledger.balance(`external:${owner.orgId}`)).toBe(-40_001 - 20_000 + 12_000);
    expect(ledger.balance(`external:${memberA.orgId}`)).toBe(-24_000 - 12_000 + 7_200);
    expect(ledger.balance(`external:${memberB.orgId}`)).toBe(-16_000 - 8_000 + 4_800);
    expect(ledger.balance(`external:${government.orgId}`)).toBe(-20_000 - 10_000 + 6_000);
    expect(ledger.balance(`escrow:${contractId}`)).toBe(0);

    // Statements: the agreement names the owner for the pool; its 60 % divides 50/30/20 across the members.
    const benefit = await memberA.caller.post(`/v1/contracts/${contractId}/benefits`, { amount: fen(100_000), note: '推广收益' });
    expect(benefit.status, JSON.stringify(benefit.body)).toBe(201);
    expect(benefit.body.allocations.map((part: { orgId: string; amount: { amount: number } }) => [part.orgId, part.amount.amount])).toEqual([
      [owner.orgId, 30_000], [memberA.orgId, 18_000], [memberB.orgId, 12_000], [studio.orgId, 40_000],
    ]);
  });

  it('refuses licensing to co-funders on a request without a pool, writing nothing', async () => {
    const requestId = await poolRequest();
    const bid = await studio.caller.post(`/v1/requests/${requestId}/bids`, bidBody(studio.team));
    const before = await tableItemCount(api);
    const award = await owner.caller.post(`/v1/requests/${requestId}/award`, { bidId: bid.body.id, shares: { ...evenShares(owner.orgId, studio.orgId), ipOwnership: 'LICENSED_TO_COFUNDERS' } });
    expectError(award, 400, 'NO_COFUNDERS');
    expect(award.body.error.details.issues[0].path).toBe('shares.ipOwnership');
    expect(await tableItemCount(api)).toBe(before);
  });

  it('names the enterprise mentor from the owner’s or a co-funder’s engineers, never an outsider’s, and the award page offers them', async () => {
    const requestId = await poolRequest();
    expect((await join(memberC.caller, requestId, { pledgeBps: 3_000 })).status).toBe(200);
    const engineer = async (org: { caller: Caller; orgId: string }, name: string) => {
      const added = await org.caller.post(`/v1/orgs/${org.orgId}/people`, { kind: 'ENGINEER', name, title: '工程师' });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      return added.body.id as string;
    };
    const coFundersEngineer = await engineer(memberC, '共建企业刘工');
    const outsidersEngineer = await engineer(otherCluster, '外部企业陈工');
    const bid = await studio.caller.post(`/v1/requests/${requestId}/bids`, bidBody(studio.team));
    expect(bid.status, JSON.stringify(bid.body)).toBe(201);

    const page = await pageClient(api)(owner.caller.token, `/requests/${requestId}/award?bid=${bid.body.id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('共建企业刘工');
    expect(page.body).not.toContain('外部企业陈工');

    const award = (mentorPersonId: string) => owner.caller.post(`/v1/requests/${requestId}/award`, { bidId: bid.body.id, shares: evenShares(owner.orgId, studio.orgId), mentorPersonId });
    const before = await tableItemCount(api);
    expectError(await award(outsidersEngineer), 400, 'MENTOR_NOT_IN_ROSTER');
    expect(await tableItemCount(api)).toBe(before);
    const awarded = await award(coFundersEngineer);
    expect(awarded.status, JSON.stringify(awarded.body)).toBe(201);
    expect(awarded.body.enterpriseMentor).toMatchObject({ personId: coFundersEngineer, orgId: memberC.orgId, name: '共建企业刘工' });
  });
});
