import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startTestApi } from '../support/harness.js';
import { activeContract, fen, key, ledgerOf, milestonePath, moneyConsortium } from '../support/money.js';

const api = await startTestApi();
const parties = await moneyConsortium(api);
const { enterprise, studio, moderator } = parties;

const fundEntries = async (contractId: string) => (await ledgerOf(enterprise.caller, contractId)).items.filter((entry) => entry.kind === 'FUND');

describe('Idempotency-Key on money-moving requests', () => {
  it('replays a retried fund with the same body and moves nothing again', async () => {
    const contractId = await activeContract(api, parties, { milestones: [123_457, 10_000], subsidyBps: 3_000 });
    const headers = key();
    const first = await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), { reference: 'R-1' }, headers);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const retry = await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), { reference: 'R-1' }, headers);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');

    const ledger = await ledgerOf(enterprise.caller, contractId);
    expect(ledger.items).toHaveLength(1);
    expect(ledger.balance(`escrow:${contractId}`)).toBe(123_457);
  });

  it('refuses the same key with another body, or for another request, with 422', async () => {
    const contractId = await activeContract(api, parties, { milestones: [50_001, 50_001] });
    const headers = key();
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), { reference: 'A' }, headers)).status).toBe(200);

    const otherBody = await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), { reference: 'B' }, headers);
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherMilestone = await enterprise.caller.post(milestonePath(contractId, 2, 'fund'), { reference: 'A' }, headers);
    expect(otherMilestone.status).toBe(422);

    // Key order inside the body does not make it another request.
    const reordered = await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), { reference: 'A' }, headers);
    expect(reordered.status).toBe(200);
    expect((await fundEntries(contractId))).toHaveLength(1);
  });

  it('scopes keys to the caller: another user’s identical key is another request', async () => {
    const contractId = await activeContract(api, parties, { milestones: [40_000] });
    const shared = key();
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), {}, shared)).status).toBe(200);
    // The studio's request with the same key is judged on its own: a 403, not a replay of the enterprise's result.
    expect((await studio.caller.post(milestonePath(contractId, 1, 'fund'), {}, shared)).status).toBe(403);
  });

  it('moves money once when ten identical funds race, and every caller gets the first result', async () => {
    const contractId = await activeContract(api, parties, { milestones: [777_777], subsidyBps: 4_500 });
    const headers = key();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => enterprise.caller.post(milestonePath(contractId, 1, 'fund'), { amount: fen(777_777) }, headers)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    for (const response of responses) expect(response.body).toEqual(responses[0]!.body);
    expect(responses.filter((response) => response.headers.get('idempotent-replayed') === 'true')).toHaveLength(9);
    const ledger = await ledgerOf(enterprise.caller, contractId);
    expect(ledger.items).toHaveLength(1);
    expect(ledger.balance(`escrow:${contractId}`)).toBe(777_777);
  });

  it('moves money once when ten funds with different keys race; the others are state conflicts', async () => {
    const contractId = await activeContract(api, parties, { milestones: [777_777], subsidyBps: 4_500 });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => enterprise.caller.post(milestonePath(contractId, 1, 'fund'), {}, key(randomUUID()))),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const ledger = await ledgerOf(enterprise.caller, contractId);
    expect(ledger.items).toHaveLength(1);
    expect(ledger.balance(`escrow:${contractId}`)).toBe(777_777);
    expect(ledger.balance(`external:${enterprise.orgId}`) + ledger.balance(`external:${parties.government.orgId}`)).toBe(-777_777);
  });

  it('completes the contract when its last two milestones are accepted at the same moment', async () => {
    const contractId = await activeContract(api, parties, { milestones: [30_001, 30_002, 30_003] });
    for (const n of [1, 2, 3]) {
      expect((await enterprise.caller.post(milestonePath(contractId, n, 'fund'), {}, key())).status).toBe(200);
      expect((await studio.caller.post(milestonePath(contractId, n, 'submit'), { note: `交付 ${n}` })).status).toBe(200);
    }
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'accept'), {}, key())).status).toBe(200);
    // Each of the two settling steps sees the other still open when it reads; the guard on the other
    // milestone makes one of them retry, and that one completes the contract.
    const [second, third] = await Promise.all([2, 3].map((n) => enterprise.caller.post(milestonePath(contractId, n, 'accept'), {}, key())));
    expect([second!.status, third!.status]).toEqual([200, 200]);
    expect([second!.body.contractStatus, third!.body.contractStatus].sort()).toEqual(['ACTIVE', 'COMPLETED']);
    expect((await enterprise.caller.get(`/v1/contracts/${contractId}`)).body.status).toBe('COMPLETED');
    const ledger = await ledgerOf(moderator, contractId);
    expect(ledger.items.filter((entry) => entry.kind === 'RELEASE')).toHaveLength(3);
    expect(ledger.balance(`earnings:${studio.orgId}`)).toBe(90_006);
  });

  it('settles a disputed milestone once when the same decision is sent five times at once', async () => {
    const contractId = await activeContract(api, parties, { milestones: [99_999], subsidyBps: 3_333 });
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), {}, key())).status).toBe(200);
    const disputed = await studio.caller.post(milestonePath(contractId, 1, 'dispute'), { reason: '付款延迟' });
    const headers = key();
    const decisions = await Promise.all(
      Array.from({ length: 5 }, () => moderator.post(`/v1/disputes/${disputed.body.disputeId}/resolve`, { outcome: 'SPLIT', studioBps: 5_000 }, headers)),
    );
    expect(decisions.map((decision) => decision.status)).toEqual(Array(5).fill(200));
    const ledger = await ledgerOf(moderator, contractId);
    expect(ledger.items.map((entry) => entry.kind)).toEqual(['FUND', 'SPLIT']);
    expect(ledger.balance(`escrow:${contractId}`)).toBe(0);
  });
});
