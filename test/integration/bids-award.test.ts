import { describe, expect, it } from 'vitest';
import { startTestApi } from '../support/harness.js';
import { consortium, organisation, openRequest, uniqueSub } from '../support/fixtures.js';
import { bidBody, evenShares, placeBid } from '../support/bids.js';

const api = await startTestApi();
const { moderator, enterprise, studio, college } = await consortium(api);
const rival = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId });
const government = await organisation(api, moderator, { type: 'GOVERNMENT' });
const otherEnterprise = await organisation(api, moderator, { type: 'ENTERPRISE' });

const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);

describe('bidding', () => {
  it('takes one live bid per studio, and a new one after withdrawal', async () => {
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const first = await placeBid(studio, requestId);
    const second = await studio.caller.post(`/v1/requests/${requestId}/bids`, bidBody(studio.team, 80_000));
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('LIVE_BID_EXISTS');

    const withdrawn = await studio.caller.post(`/v1/bids/${first}/withdraw`);
    expect(withdrawn.body.status).toBe('WITHDRAWN');
    expect((await studio.caller.post(`/v1/bids/${first}/withdraw`)).status).toBe(409);
    await placeBid(studio, requestId, 85_000);
    const inbox = await enterprise.caller.get('/v1/notifications');
    expect(inbox.body.items.map((n: { type: string }) => n.type)).toEqual(expect.arrayContaining(['BID_RECEIVED', 'BID_WITHDRAWN']));
  });

  it('refuses plans that do not add up, foreign currencies, and bidders that are not studios', async () => {
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const misSummed = await studio.caller.post(`/v1/requests/${requestId}/bids`, {
      ...bidBody(studio.team, 90_000),
      milestones: [{ title: '全部交付', amount: { amount: 8_999_999, currency: 'CNY' }, dueInDays: 60 }],
    });
    expect(misSummed.status).toBe(400);
    expect(misSummed.body.error.details.issues[0]).toMatchObject({ path: 'milestones', code: 'MILESTONES_NOT_PRICE' });

    const usd = await studio.caller.post(`/v1/requests/${requestId}/bids`, { ...bidBody(studio.team), price: { amount: 100, currency: 'USD' } });
    expect(usd.status).toBe(400);
    expect(usd.body.error.details.issues.map((issue: { path: string }) => issue.path)).toContain('price.currency');

    for (const notAStudio of [enterprise.caller, moderator, college.caller]) {
      const response = await notAStudio.post(`/v1/requests/${requestId}/bids`, bidBody(studio.team));
      expect(response.status).toBe(403);
    }
    const listed = await enterprise.caller.get(`/v1/requests/${requestId}/bids`);
    expect(listed.body.count).toBe(0);
  });

  it('keeps bids sealed: each studio sees its own, the owner and associations all, others the count', async () => {
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const mine = await placeBid(studio, requestId, 90_000);
    const theirs = await placeBid(rival, requestId, 95_000);

    const asStudio = await studio.caller.get(`/v1/requests/${requestId}/bids`);
    expect(asStudio.body).toMatchObject({ count: 2, sealed: true });
    expect(ids(asStudio.body)).toEqual([mine]);
    const asRival = await rival.caller.get(`/v1/requests/${requestId}/bids`);
    expect(ids(asRival.body)).toEqual([theirs]);
    for (const seer of [enterprise.caller, moderator]) {
      const all = await seer.get(`/v1/requests/${requestId}/bids`);
      expect(all.body).toMatchObject({ count: 2, sealed: false });
      expect(ids(all.body)).toEqual([mine, theirs]);
    }
    for (const outsider of [otherEnterprise.caller, college.caller]) {
      const counted = await outsider.get(`/v1/requests/${requestId}/bids`);
      expect(counted.body).toEqual({ items: [], nextCursor: null, count: 2, sealed: true });
    }
    expect((await rival.caller.get(`/v1/bids/${mine}`)).status).toBe(404);
    expect((await otherEnterprise.caller.get(`/v1/bids/${mine}`)).status).toBe(404);
    expect((await enterprise.caller.get(`/v1/bids/${mine}`)).body.price.amount).toBe(9_000_000);
    expect((await studio.caller.get(`/v1/requests/${requestId}`)).body.bidCount).toBe(2);
    expect((await rival.caller.patch(`/v1/bids/${mine}`, { durationDays: 10 })).status).toBe(404);
  });

  it('lets a studio change its live bid, keeping the plan consistent', async () => {
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const bidId = await placeBid(studio, requestId, 90_000);
    const inconsistent = await studio.caller.patch(`/v1/bids/${bidId}`, { price: { amount: 100, currency: 'CNY' } });
    expect(inconsistent.status).toBe(400);
    const changed = await studio.caller.patch(`/v1/bids/${bidId}`, bidBody(studio.team, 60_000));
    expect(changed.status).toBe(200);
    expect(changed.body.price.amount).toBe(6_000_000);
    const mine = await studio.caller.get('/v1/bids');
    expect(ids(mine.body)).toContain(bidId);
  });

  it('stores and lists 20 concurrent bids of 20 studios exactly once', async () => {
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const studios = await Promise.all(
      Array.from({ length: 20 }, () => organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId })),
    );
    const responses = await Promise.all(studios.map((s, i) => s.caller.post(`/v1/requests/${requestId}/bids`, bidBody(s.team, 50_000 + i))));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await enterprise.caller.get(`/v1/requests/${requestId}/bids?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      listed.push(...ids(page.body));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(listed).toHaveLength(20);
    expect(new Set(listed)).toEqual(new Set(responses.map((r) => r.body.id)));
    expect((await enterprise.caller.get(`/v1/requests/${requestId}/bids`)).body.count).toBe(20);
  });
});

describe('award and contract', () => {
  it('awards atomically, rejects the other bids, and needs every signature before the contract is ACTIVE', async () => {
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const winner = await placeBid(studio, requestId, 90_001);
    const loser = await placeBid(rival, requestId, 95_000);

    const byStudio = await studio.caller.post(`/v1/requests/${requestId}/award`, { bidId: winner, shares: evenShares(enterprise.orgId, studio.orgId) });
    expect(byStudio.status).toBe(403);
    const byOtherEnterprise = await otherEnterprise.caller.post(`/v1/requests/${requestId}/award`, { bidId: winner, shares: evenShares(enterprise.orgId, studio.orgId) });
    expect(byOtherEnterprise.status).toBe(403);
    const badShares = await enterprise.caller.post(`/v1/requests/${requestId}/award`, {
      bidId: winner,
      shares: { ...evenShares(enterprise.orgId, studio.orgId), riskShares: [{ orgId: enterprise.orgId, bps: 9000 }] },
    });
    expect(badShares.status).toBe(400);
    expect(badShares.body.error.code).toBe('SHARES_NOT_WHOLE');
    const outsiderShare = await enterprise.caller.post(`/v1/requests/${requestId}/award`, {
      bidId: winner,
      shares: { ...evenShares(enterprise.orgId, studio.orgId), benefitShares: [{ orgId: otherEnterprise.orgId, bps: 10_000 }] },
    });
    expect(outsiderShare.status).toBe(400);
    expect(outsiderShare.body.error.code).toBe('NOT_A_PARTY');

    const shares = {
      ...evenShares(enterprise.orgId, studio.orgId),
      benefitShares: [
        { orgId: enterprise.orgId, bps: 5000 },
        { orgId: studio.orgId, bps: 3000 },
        { orgId: college.orgId, bps: 2000 },
      ],
      subsidy: { orgId: government.orgId, bps: 3000 },
    };
    const awarded = await enterprise.caller.post(`/v1/requests/${requestId}/award`, { bidId: winner, shares });
    expect(awarded.status, JSON.stringify(awarded.body)).toBe(201);
    const contract = awarded.body;
    expect(contract).toMatchObject({
      status: 'PENDING_SIGNATURES',
      requestId,
      bidId: winner,
      enterpriseOrgId: enterprise.orgId,
      studioOrgId: studio.orgId,
      collegeOrgId: college.orgId,
      governmentOrgId: government.orgId,
      price: { amount: 9_000_100, currency: 'CNY' },
      requiredSigners: [enterprise.orgId, studio.orgId, government.orgId],
    });
    expect(contract.milestones.map((m: { n: number; status: string }) => [m.n, m.status])).toEqual([[1, 'PENDING'], [2, 'PENDING']]);

    const again = await enterprise.caller.post(`/v1/requests/${requestId}/award`, { bidId: loser, shares: evenShares(enterprise.orgId, rival.orgId) });
    expect(again.status).toBe(409);
    expect((await enterprise.caller.get(`/v1/requests/${requestId}`)).body.status).toBe('AWARDED');
    expect((await enterprise.caller.get(`/v1/bids/${winner}`)).body.status).toBe('ACCEPTED');
    expect((await enterprise.caller.get(`/v1/bids/${loser}`)).body.status).toBe('REJECTED');
    const rivalInbox = await rival.caller.get('/v1/notifications');
    expect(rivalInbox.body.items.map((n: { type: string }) => n.type)).toContain('BID_REJECTED');
    const studioInbox = await studio.caller.get('/v1/notifications');
    expect(studioInbox.body.items.map((n: { type: string }) => n.type)).toEqual(expect.arrayContaining(['BID_ACCEPTED', 'SIGNATURE_NEEDED']));

    // Readers: parties and associations only.
    expect((await rival.caller.get(`/v1/contracts/${contract.id}`)).status).toBe(404);
    expect((await otherEnterprise.caller.post(`/v1/contracts/${contract.id}/sign`)).status).toBe(404);
    expect((await moderator.get(`/v1/contracts/${contract.id}`)).status).toBe(200);
    expect((await college.caller.get(`/v1/contracts/${contract.id}`)).status).toBe(200);
    expect((await college.caller.post(`/v1/contracts/${contract.id}/sign`)).status).toBe(403);
    expect(ids((await government.caller.get('/v1/contracts')).body)).toContain(contract.id);

    expect((await enterprise.caller.post(`/v1/contracts/${contract.id}/sign`)).body.status).toBe('PENDING_SIGNATURES');
    expect((await enterprise.caller.post(`/v1/contracts/${contract.id}/sign`)).status).toBe(409);
    expect((await studio.caller.post(`/v1/contracts/${contract.id}/sign`)).body.status).toBe('PENDING_SIGNATURES');
    const active = await government.caller.post(`/v1/contracts/${contract.id}/sign`);
    expect(active.body.status).toBe('ACTIVE');
    expect(active.body.signatures.map((s: { orgId: string }) => s.orgId)).toEqual([enterprise.orgId, studio.orgId, government.orgId]);

    const trail = await studio.caller.get(`/v1/audit?entity=contract:${contract.id}`);
    expect(trail.body.items.map((r: { action: string }) => r.action)).toEqual(['create', 'sign', 'sign', 'sign', 'activate']);
  });

  it('of 10 concurrent awards of different bids, exactly one wins', async () => {
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const bidders = await Promise.all(
      Array.from({ length: 10 }, () => organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId })),
    );
    const bids = await Promise.all(bidders.map((b, i) => placeBid(b, requestId, 70_000 + i)));
    const responses = await Promise.all(
      bids.map((bidId, i) => enterprise.caller.post(`/v1/requests/${requestId}/award`, { bidId, shares: evenShares(enterprise.orgId, bidders[i]!.orgId) })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    const winner = responses.find((r) => r.status === 201)!.body;
    const contracts = await enterprise.caller.get('/v1/contracts?limit=100');
    expect(contracts.body.items.filter((c: { requestId: string }) => c.requestId === requestId)).toHaveLength(1);
    const all = await enterprise.caller.get(`/v1/requests/${requestId}/bids?limit=100`);
    const byStatus = all.body.items.reduce((acc: Record<string, number>, b: { status: string }) => ({ ...acc, [b.status]: (acc[b.status] ?? 0) + 1 }), {});
    expect(byStatus).toEqual({ ACCEPTED: 1, REJECTED: 9 });
    expect(all.body.items.find((b: { status: string }) => b.status === 'ACCEPTED').id).toBe(winner.bidId);
  });

  it('takes every signature when the parties sign at the same moment, and activates the contract once', async () => {
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const bidId = await placeBid(studio, requestId, 80_000);
    const award = await enterprise.caller.post(`/v1/requests/${requestId}/award`, { bidId, shares: evenShares(enterprise.orgId, studio.orgId) });
    expect(award.status, JSON.stringify(award.body)).toBe(201);
    const contractId = award.body.id as string;
    const signed = await Promise.all([enterprise.caller, studio.caller].map((signer) => signer.post(`/v1/contracts/${contractId}/sign`)));
    expect(signed.map((response) => response.status)).toEqual([200, 200]);
    const contract = (await enterprise.caller.get(`/v1/contracts/${contractId}`)).body;
    expect(contract.status).toBe('ACTIVE');
    expect(contract.signatures.map((signature: { orgId: string }) => signature.orgId).sort()).toEqual([enterprise.orgId, studio.orgId].sort());
    const trail = await moderator.get(`/v1/audit?entity=contract:${contractId}`);
    expect(trail.body.items.filter((record: { action: string }) => record.action === 'activate')).toHaveLength(1);
  });
});

describe('closing', () => {
  it('closes an OPEN request past its deadline by the scheduled job and expires its live bids', async () => {
    const { runScheduledJobs } = await import('@sharedtech/services');
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const bidId = await placeBid(studio, requestId);
    api.clock.advanceDays(21);
    const late = await rival.caller.post(`/v1/requests/${requestId}/bids`, bidBody(rival.team));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('BIDDING_CLOSED');
    const report = await runScheduledJobs(api.deps);
    expect(report.closedRequests).toBeGreaterThanOrEqual(1);
    expect(report.failures).toEqual([]);
    expect((await enterprise.caller.get(`/v1/requests/${requestId}`)).body.status).toBe('CLOSED');
    expect((await studio.caller.get(`/v1/bids/${bidId}`)).body.status).toBe('EXPIRED');
    const trail = await enterprise.caller.get(`/v1/audit?entity=request:${requestId}`);
    expect(trail.body.items.at(-1)).toMatchObject({ action: 'close', actor: { sub: 'system:scheduler' }, after: 'CLOSED' });
  });

  it('keeps deadlines given with an offset exact: edits and closing happen at the same instant', async () => {
    const { runScheduledJobs } = await import('@sharedtech/services');
    // A Beijing-time deadline (+08:00), as the web form writes it, ten days ahead.
    const deadline = new Date(api.clock().getTime() + 10 * 86_400_000);
    const beijing = `${new Date(deadline.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
    const requestId = await openRequest(api, enterprise.caller, moderator, { biddingDeadline: beijing });
    expect((await enterprise.caller.get(`/v1/requests/${requestId}`)).body.biddingDeadline).toBe(deadline.toISOString().replace(/\.\d{3}Z$/, '.000Z'));
    const bidId = await placeBid(studio, requestId);

    api.clock.advance(10 * 86_400_000 + 60_000); // one minute past the deadline
    const late = await studio.caller.patch(`/v1/bids/${bidId}`, { durationDays: 80 });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('BIDDING_CLOSED');
    await runScheduledJobs(api.deps);
    expect((await enterprise.caller.get(`/v1/requests/${requestId}`)).body.status).toBe('CLOSED');
  });

  it('lets the owner close an OPEN request early, expiring live bids', async () => {
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const bidId = await placeBid(studio, requestId);
    expect((await studio.caller.post(`/v1/requests/${requestId}/close`)).status).toBe(403);
    const closed = await enterprise.caller.post(`/v1/requests/${requestId}/close`, { reason: '需求已内部解决' });
    expect(closed.body.status).toBe('CLOSED');
    expect((await studio.caller.get(`/v1/bids/${bidId}`)).body.status).toBe('EXPIRED');
    expect((await enterprise.caller.post(`/v1/requests/${requestId}/award`, { bidId, shares: evenShares(enterprise.orgId, studio.orgId) })).status).toBe(409);
  });
});

it('an unknown identity without an organisation can read nothing sealed', async () => {
  const stranger = await api.as(uniqueSub('stranger'));
  expect((await stranger.get('/v1/contracts')).status).toBe(403);
  expect((await stranger.get('/v1/bids')).status).toBe(403);
});
