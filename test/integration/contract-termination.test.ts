import { describe, expect, it } from 'vitest';
import { startTestApi } from '../support/harness.js';
import { activeContract, key, ledgerOf, milestonePath, moneyConsortium } from '../support/money.js';

const api = await startTestApi();
const parties = await moneyConsortium(api);
const { moderator, enterprise, studio, government } = parties;

describe('terminating an ACTIVE contract', () => {
  it('refunds what escrow holds to the funders in proportion, leaving released money with the studio', async () => {
    // Four odd milestones under a 30 % subsidy: M1 released, M2 submitted, M3 funded, M4 never funded.
    const contractId = await activeContract(api, parties, { milestones: [100_001, 200_003, 300_007, 400_009], subsidyBps: 3_000 });
    for (const n of [1, 2, 3]) expect((await enterprise.caller.post(milestonePath(contractId, n, 'fund'), {}, key())).status).toBe(200);
    expect((await studio.caller.post(milestonePath(contractId, 1, 'submit'), { note: '第一阶段' })).status).toBe(200);
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'accept'), {}, key())).status).toBe(200);
    expect((await studio.caller.post(milestonePath(contractId, 2, 'submit'), { note: '第二阶段' })).status).toBe(200);

    const path = `/v1/contracts/${contractId}/terminate`;
    for (const party of [enterprise.caller, studio.caller, government.caller]) {
      expect((await party.post(path, { reason: '项目无法继续' }, key())).status).toBe(403);
    }
    expect((await moderator.post(path, { reason: '项目无法继续' })).status).toBe(400);

    const idempotencyKey = key();
    const terminated = await moderator.post(path, { reason: '企业停产，双方同意终止' }, idempotencyKey);
    expect(terminated.status, JSON.stringify(terminated.body)).toBe(200);
    expect(terminated.body.status).toBe('TERMINATED');
    expect(terminated.body.milestones.map((m: { status: string }) => m.status)).toEqual(['RELEASED', 'REFUNDED', 'REFUNDED', 'PENDING']);
    expect(terminated.body.refunds.map((entry: { kind: string; milestoneN: number }) => [entry.kind, entry.milestoneN])).toEqual([['REFUND', 2], ['REFUND', 3]]);

    const replay = await moderator.post(path, { reason: '企业停产，双方同意终止' }, idempotencyKey);
    expect(replay.body).toEqual(terminated.body);

    // ledgerOf also checks that every entry balances and the balances sum to zero.
    const ledger = await ledgerOf(enterprise.caller, contractId);
    expect(ledger.balance(`escrow:${contractId}`)).toBe(0);
    expect(ledger.balance(`earnings:${studio.orgId}`)).toBe(100_001);
    // M2's and M3's refunds return exactly what each funder paid for them; only M1's funding stays spent.
    const m1Government = Math.round(100_001 * 0.3);
    expect(ledger.balance(`external:${government.orgId}`)).toBe(-m1Government);
    expect(ledger.balance(`external:${enterprise.orgId}`)).toBe(-(100_001 - m1Government));
    expect(ledger.items.map((entry) => entry.kind)).toEqual(['FUND', 'FUND', 'FUND', 'RELEASE', 'REFUND', 'REFUND']);

    expect((await enterprise.caller.post(milestonePath(contractId, 4, 'fund'), {}, key())).status).toBe(409);
    expect((await moderator.post(path, { reason: '再次终止' }, key())).status).toBe(409);
    const inbox = await government.caller.get('/v1/notifications');
    expect(inbox.body.items.map((n: { type: string }) => n.type)).toContain('CONTRACT_TERMINATED');
    const trail = await enterprise.caller.get(`/v1/audit?entity=contract:${contractId}`);
    expect(trail.body.items.map((r: { action: string }) => r.action)).toEqual(expect.arrayContaining(['terminate', 'milestone-terminate-refund']));
  });

  it('waits for an open dispute to be decided first', async () => {
    const contractId = await activeContract(api, parties, { milestones: [50_000] });
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), {}, key())).status).toBe(200);
    expect((await studio.caller.post(milestonePath(contractId, 1, 'dispute'), { reason: '付款条件有分歧' })).status).toBe(200);
    const refused = await moderator.post(`/v1/contracts/${contractId}/terminate`, { reason: '终止' }, key());
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('DISPUTE_OPEN');
  });
});
