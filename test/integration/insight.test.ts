import { describe, expect, it } from 'vitest';
import { startTestApi } from '../support/harness.js';
import { consortium, organisation, openRequest } from '../support/fixtures.js';
import { evenShares, placeBid } from '../support/bids.js';

const api = await startTestApi();
const { moderator, enterprise, studio, college } = await consortium(api);
const cluster = 'insight-cluster';

describe('consortium statistics', () => {
  it('counts requests, bids, awards, contract value and people of one cluster', async () => {
    const awardedId = await openRequest(api, enterprise.caller, moderator, { cluster });
    const rival = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId });
    const winning = await placeBid(studio, awardedId, 90_000);
    await placeBid(rival, awardedId, 95_000);
    const awarded = await enterprise.caller.post(`/v1/requests/${awardedId}/award`, { bidId: winning, shares: evenShares(enterprise.orgId, studio.orgId) });
    expect(awarded.status).toBe(201);

    const closedId = await openRequest(api, enterprise.caller, moderator, { cluster });
    await enterprise.caller.post(`/v1/requests/${closedId}/close`);
    await openRequest(api, enterprise.caller, moderator, { cluster });
    const draft = await enterprise.caller.post('/v1/requests', { ...(await import('../support/fixtures.js')).requestBody(api, { cluster }) });
    expect(draft.status).toBe(201);

    const stats = await moderator.get(`/v1/stats?cluster=${cluster}`);
    expect(stats.status).toBe(200);
    expect(stats.body.requests.byStatus).toMatchObject({ AWARDED: 1, CLOSED: 1, OPEN: 1, DRAFT: 1, SUBMITTED: 0 });
    expect(stats.body.requests.total).toBe(4);
    expect(stats.body.bids).toEqual({ total: 2, perRequest: 0.67 });
    expect(stats.body.award).toMatchObject({ awarded: 1, closedWithoutAward: 1, rateBps: 5000 });
    expect(stats.body.award.medianDaysToAward).toBeGreaterThanOrEqual(0);
    expect(stats.body.contracts).toMatchObject({ total: 1, byStatus: { PENDING_SIGNATURES: 1 }, value: { amount: 9_000_000, currency: 'CNY' } });
    expect(stats.body.contracts.escrowHeld.amount).toBe(0);
    // The winning team of the studio's roster: a teacher and two students (its team names no engineer).
    expect(stats.body.education).toEqual({ teachers: 1, students: 2, mentors: 0 });

    // Money figures follow the ledger: funded milestone 1 sits in escrow, then moves to the studio.
    const contract = awarded.body;
    await enterprise.caller.post(`/v1/contracts/${contract.id}/sign`);
    await studio.caller.post(`/v1/contracts/${contract.id}/sign`);
    const milestone = `/v1/contracts/${contract.id}/milestones/1`;
    const first = contract.milestones[0].amount.amount;
    expect((await enterprise.caller.post(`${milestone}/fund`, {}, { 'Idempotency-Key': `fund-${contract.id}` })).status).toBe(200);
    const funded = await moderator.get(`/v1/stats?cluster=${cluster}`);
    expect(funded.body.contracts).toMatchObject({ byStatus: { ACTIVE: 1 }, escrowHeld: { amount: first }, released: { amount: 0 } });
    expect((await studio.caller.post(`${milestone}/submit`, { note: '样机交付' })).status).toBe(200);
    expect((await enterprise.caller.post(`${milestone}/accept`, {}, { 'Idempotency-Key': `accept-${contract.id}` })).status).toBe(200);
    const released = await moderator.get(`/v1/stats?cluster=${cluster}`);
    expect(released.body.contracts).toMatchObject({ escrowHeld: { amount: 0 }, released: { amount: first } });

    expect((await enterprise.caller.get(`/v1/stats?cluster=${cluster}`)).status).toBe(403);
    expect((await moderator.get('/v1/stats?cluster=Not A Slug')).status).toBe(400);
  });
});

describe('matching', () => {
  it('ranks studios by shared capability tags for the request owner', async () => {
    const visionStudio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, capabilities: ['机器视觉', '质量检测'], cluster: 'smart-manufacturing' });
    await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, capabilities: ['数控编程'] });
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const matches = await enterprise.caller.get(`/v1/matches?requestId=${requestId}`);
    expect(matches.status).toBe(200);
    expect(matches.body.items[0]).toMatchObject({ studio: { id: visionStudio.orgId }, sharedTags: ['机器视觉', '质量检测'] });
    // Each studio's track record: the consortium studio's contract of the statistics case is ACTIVE; the new studio has none.
    const pastContracts = new Map(matches.body.items.map((m: { studio: { id: string }; pastContracts: number }) => [m.studio.id, m.pastContracts]));
    expect(pastContracts.get(visionStudio.orgId)).toBe(0);
    expect(pastContracts.get(studio.orgId)).toBe(1);
    expect(matches.body.items.map((m: { studio: { capabilities: string[] } }) => m.studio.capabilities)).not.toContainEqual(['数控编程']);
    expect((await studio.caller.get(`/v1/matches?requestId=${requestId}`)).status).toBe(403);

    const feed = await visionStudio.caller.get('/v1/matches');
    expect(feed.status).toBe(200);
    expect(feed.body.items.map((m: { request: { id: string } }) => m.request.id)).toContain(requestId);
    expect(feed.body.items[0].request.details).toBeUndefined();
    expect((await enterprise.caller.get('/v1/matches')).status).toBe(403);

    // Only verified studios are matched: a suspended one drops out of the capability index.
    expect((await moderator.post(`/v1/orgs/${visionStudio.orgId}/verification`, { decision: 'SUSPEND', reason: '资质复核中' })).status).toBe(200);
    const afterSuspension = await enterprise.caller.get(`/v1/matches?requestId=${requestId}`);
    expect(afterSuspension.body.items.map((m: { studio: { id: string } }) => m.studio.id)).not.toContain(visionStudio.orgId);
    expect((await moderator.post(`/v1/orgs/${visionStudio.orgId}/verification`, { decision: 'VERIFY' })).status).toBe(200);
    const restored = await enterprise.caller.get(`/v1/matches?requestId=${requestId}`);
    expect(restored.body.items[0].studio.id).toBe(visionStudio.orgId);
  });
});
