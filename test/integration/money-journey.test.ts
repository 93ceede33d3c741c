import { describe, expect, it } from 'vitest';
import { startTestApi } from '../support/harness.js';
import { activeContract, fen, key, ledgerOf, milestonePath, moneyConsortium } from '../support/money.js';

const api = await startTestApi();
const parties = await moneyConsortium(api);
const { moderator, enterprise, studio, college, government, outsider } = parties;

const types = (page: { items: { type: string }[] }) => page.items.map((item) => item.type);

describe('a subsidised contract from funding to completion, over HTTP', () => {
  // Two odd milestones under a 30 % government subsidy.
  //   M1 1 234 567: government 370 370.1 → 370 370, enterprise 864 197.
  //   M2   333 333: government  99 999.9 → 100 000, enterprise 233 333.
  const M1 = 1_234_567;
  const M2 = 333_333;
  let contractId: string;
  const escrow = () => `escrow:${contractId}`;
  const external = (orgId: string) => `external:${orgId}`;
  const earnings = (orgId: string) => `earnings:${orgId}`;

  it('moves no money before every party has signed', async () => {
    contractId = await activeContract(api, parties, { milestones: [M1, M2], subsidyBps: 3_000, unsigned: true });
    const early = await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), {}, key());
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('CONTRACT_NOT_ACTIVE');
    for (const signer of [enterprise.caller, studio.caller, government.caller]) {
      expect((await signer.post(`/v1/contracts/${contractId}/sign`)).status).toBe(200);
    }
  });

  it('funds M1 70/30 from the enterprise and government accounts into escrow, in one entry', async () => {
    const funded = await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), { amount: fen(M1), reference: '银行流水 20260301-01' }, key());
    expect(funded.status, JSON.stringify(funded.body)).toBe(200);
    expect(funded.body).toMatchObject({
      n: 1,
      status: 'FUNDED',
      contractStatus: 'ACTIVE',
      funding: [{ orgId: enterprise.orgId, amount: 864_197 }, { orgId: government.orgId, amount: 370_370 }],
    });
    expect(funded.body.entry).toMatchObject({
      kind: 'FUND',
      currency: 'CNY',
      milestoneN: 1,
      postings: [
        { account: external(enterprise.orgId), amount: -864_197 },
        { account: external(government.orgId), amount: -370_370 },
        { account: escrow(), amount: M1 },
      ],
    });
    const ledger = await ledgerOf(enterprise.caller, contractId);
    expect(ledger.balance(escrow())).toBe(M1);
  });

  it('refuses wrong roles with 403, strangers with 404, and wrong states with 409', async () => {
    // Funding is the enterprise's.
    for (const caller of [studio.caller, college.caller, government.caller, moderator]) {
      const response = await caller.post(milestonePath(contractId, 2, 'fund'), {}, key());
      expect(response.status, JSON.stringify(response.body)).toBe(403);
    }
    expect((await outsider.caller.post(milestonePath(contractId, 2, 'fund'), {}, key())).status).toBe(404);
    // Submitting is the studio's; accepting the enterprise's.
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'submit'), { note: '交付' })).status).toBe(403);
    expect((await studio.caller.post(milestonePath(contractId, 1, 'accept'), {}, key())).status).toBe(403);
    // A second FUND of M1, an accept before any submission, a milestone that does not exist.
    const again = await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), {}, key());
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVALID_TRANSITION');
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'accept'), {}, key())).status).toBe(409);
    expect((await enterprise.caller.post(milestonePath(contractId, 9, 'fund'), {}, key())).status).toBe(404);
    // A stale expected amount, a missing Idempotency-Key, a malformed one.
    const mismatch = await enterprise.caller.post(milestonePath(contractId, 2, 'fund'), { amount: fen(M2 + 1) }, key());
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.error.code).toBe('AMOUNT_MISMATCH');
    const noKey = await enterprise.caller.post(milestonePath(contractId, 2, 'fund'), {});
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.details.issues[0].path).toBe('idempotency-key');
    expect((await enterprise.caller.post(milestonePath(contractId, 2, 'fund'), {}, key('bad key!'))).status).toBe(400);
    // None of it moved money.
    const ledger = await ledgerOf(enterprise.caller, contractId);
    expect(ledger.items).toHaveLength(1);
  });

  it('submits, sends back for revision, resubmits, and releases escrow to the studio on accept', async () => {
    const submitted = await studio.caller.post(milestonePath(contractId, 1, 'submit'), { note: '样机与检测报告', link: 'https://example.org/report.pdf' });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'SUBMITTED', submission: { note: '样机与检测报告', link: 'https://example.org/report.pdf' } });
    expect(submitted.body.entry).toBeUndefined();

    const revision = await enterprise.caller.post(milestonePath(contractId, 1, 'request-revision'), { reason: '漏检率偏高' });
    expect(revision.body).toMatchObject({ status: 'FUNDED' });
    expect(revision.body.submission).toBeUndefined();
    expect((await studio.caller.post(milestonePath(contractId, 1, 'submit'), { note: '第二版' })).body.status).toBe('SUBMITTED');

    const accepted = await enterprise.caller.post(milestonePath(contractId, 1, 'accept'), { note: '验收通过' }, key());
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'RELEASED', contractStatus: 'ACTIVE' });
    expect(accepted.body.entry.postings).toEqual([
      { account: escrow(), amount: -M1 },
      { account: earnings(studio.orgId), amount: M1 },
    ]);
    // Released means released: a second accept is a state conflict and moves nothing.
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'accept'), { note: '验收通过' }, key())).status).toBe(409);
    const ledger = await ledgerOf(enterprise.caller, contractId);
    expect(ledger.balance(escrow())).toBe(0);
    expect(ledger.balance(earnings(studio.orgId))).toBe(M1);
  });

  it('disputes M2, which an association splits 40 % to the studio, the rest back to both funders in proportion', async () => {
    expect((await enterprise.caller.post(milestonePath(contractId, 2, 'fund'), { amount: fen(M2) }, key())).status).toBe(200);
    const disputed = await studio.caller.post(milestonePath(contractId, 2, 'dispute'), { reason: '企业未提供现场条件' });
    expect(disputed.status, JSON.stringify(disputed.body)).toBe(200);
    expect(disputed.body).toMatchObject({ status: 'DISPUTED' });
    const disputeId = disputed.body.disputeId as string;
    expect(disputeId).toMatch(/^dsp_/);

    const queue = await moderator.get('/v1/disputes?status=OPEN');
    expect(queue.body.items.map((d: { id: string }) => d.id)).toContain(disputeId);
    expect((await enterprise.caller.get('/v1/disputes')).status).toBe(403);
    expect((await enterprise.caller.get(`/v1/disputes/${disputeId}`)).body).toMatchObject({ status: 'OPEN', milestoneN: 2, milestoneStatusBefore: 'FUNDED' });
    expect((await outsider.caller.get(`/v1/disputes/${disputeId}`)).status).toBe(404);

    // Only an association decides.
    for (const caller of [enterprise.caller, studio.caller, government.caller]) {
      expect((await caller.post(`/v1/disputes/${disputeId}/resolve`, { outcome: 'RELEASE' }, key())).status).toBe(403);
    }
    const badSplit = await moderator.post(`/v1/disputes/${disputeId}/resolve`, { outcome: 'SPLIT' }, key());
    expect(badSplit.status).toBe(400);

    // Held 333 333: enterprise paid 233 333, government 100 000. Exact shares over 40/60:
    // studio 133 333.2, enterprise 139 999.8, government 60 000.0 → the spare fen goes to the largest remainder (enterprise).
    const resolved = await moderator.post(`/v1/disputes/${disputeId}/resolve`, { outcome: 'SPLIT', studioBps: 4_000, note: '双方各有责任' }, key());
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'RESOLVED', outcome: 'SPLIT', studioBps: 4_000, milestone: { status: 'SPLIT', contractStatus: 'COMPLETED' } });
    expect(resolved.body.milestone.entry).toMatchObject({
      kind: 'SPLIT',
      disputeId,
      studioBps: 4_000,
      postings: [
        { account: escrow(), amount: -M2 },
        { account: earnings(studio.orgId), amount: 133_333 },
        { account: external(enterprise.orgId), amount: 140_000 },
        { account: external(government.orgId), amount: 60_000 },
      ],
    });
    expect(resolved.body.entryId).toBe(resolved.body.milestone.entry.id);
    // A dispute is decided once.
    const twice = await moderator.post(`/v1/disputes/${disputeId}/resolve`, { outcome: 'REFUND' }, key());
    expect(twice.status).toBe(409);
  });

  it('completes the contract with every entry balanced and all balances summing to zero', async () => {
    expect((await enterprise.caller.get(`/v1/contracts/${contractId}`)).body.status).toBe('COMPLETED');
    const ledger = await ledgerOf(college.caller, contractId);
    expect(ledger.items.map((entry) => entry.kind)).toEqual(['FUND', 'RELEASE', 'FUND', 'SPLIT']);
    expect(Object.fromEntries(ledger.balances.map((b) => [b.account, b.amount]))).toEqual({
      [escrow()]: 0,
      [earnings(studio.orgId)]: M1 + 133_333,
      [external(enterprise.orgId)]: -(864_197 + 233_333) + 140_000,
      [external(government.orgId)]: -(370_370 + 100_000) + 60_000,
    });
    // Money only moves while ACTIVE.
    const late = await enterprise.caller.post(milestonePath(contractId, 2, 'fund'), {}, key());
    expect(late.status).toBe(409);
    // Associations read every ledger; strangers see no contract at all.
    expect((await moderator.get(`/v1/contracts/${contractId}/ledger`)).status).toBe(200);
    expect((await outsider.caller.get(`/v1/contracts/${contractId}/ledger`)).status).toBe(404);
  });

  it('shows each organisation its own balances across contracts', async () => {
    const mine = await enterprise.caller.get('/v1/accounts/me');
    expect(mine.status).toBe(200);
    expect(mine.body.orgId).toBe(enterprise.orgId);
    expect(mine.body.accounts).toEqual([{ account: external(enterprise.orgId), currency: 'CNY', amount: -957_530 }]);
    expect(mine.body.byContract).toEqual(expect.arrayContaining([{ account: external(enterprise.orgId), contractId, currency: 'CNY', amount: -957_530 }]));
    const studioAccounts = await studio.caller.get('/v1/accounts/me');
    expect(studioAccounts.body.accounts).toEqual([{ account: earnings(studio.orgId), currency: 'CNY', amount: 1_367_900 }]);
    expect((await moderator.get(`/v1/accounts/${government.orgId}`)).body.accounts).toEqual([
      { account: external(government.orgId), currency: 'CNY', amount: -410_370 },
    ]);
    expect((await studio.caller.get(`/v1/accounts/${enterprise.orgId}`)).status).toBe(404); // another organisation's accounts do not exist for it
  });

  it('leaves an audit trail and notifies every party of every step', async () => {
    const trail = await government.caller.get(`/v1/audit?entity=contract:${contractId}`);
    expect(trail.status).toBe(200);
    const actions = trail.body.items.map((record: { action: string }) => record.action);
    expect(actions).toEqual(expect.arrayContaining([
      'milestone-fund', 'milestone-submit', 'milestone-request-revision', 'milestone-accept', 'milestone-dispute', 'milestone-resolve-split', 'complete',
    ]));
    const fund = trail.body.items.find((record: { action: string }) => record.action === 'milestone-fund');
    expect(fund).toMatchObject({ before: 'PENDING', after: 'FUNDED', actor: { sub: enterprise.caller.sub }, details: { milestone: 1, entryKind: 'FUND', reference: '银行流水 20260301-01' } });

    const resolved = await moderator.get(`/v1/disputes?status=RESOLVED`);
    const disputeId = resolved.body.items.find((d: { contractId: string }) => d.contractId === contractId).id;
    const disputeTrail = await enterprise.caller.get(`/v1/audit?entity=dispute:${disputeId}`);
    expect(disputeTrail.body.items.map((record: { action: string }) => record.action)).toEqual(['open', 'resolve']);
    expect((await outsider.caller.get(`/v1/audit?entity=dispute:${disputeId}`)).status).toBe(404); // the dispute itself is a 404 to a non-party

    expect(types((await studio.caller.get('/v1/notifications?limit=100')).body)).toEqual(
      expect.arrayContaining(['MILESTONE_FUNDED', 'REVISION_REQUESTED', 'MILESTONE_RELEASED', 'DISPUTE_RESOLVED', 'CONTRACT_COMPLETED']),
    );
    expect(types((await enterprise.caller.get('/v1/notifications?limit=100')).body)).toEqual(
      expect.arrayContaining(['MILESTONE_SUBMITTED', 'DISPUTE_OPENED', 'DISPUTE_RESOLVED', 'CONTRACT_COMPLETED']),
    );
    expect(types((await government.caller.get('/v1/notifications?limit=100')).body)).toEqual(
      expect.arrayContaining(['MILESTONE_FUNDED', 'DISPUTE_RESOLVED', 'CONTRACT_COMPLETED']),
    );
    expect(types((await moderator.get('/v1/notifications?limit=100')).body)).toContain('DISPUTE_OPENED');
  });
});

describe('other dispute outcomes', () => {
  it('refunds every funder exactly what it paid, and a release after dispute pays the studio', async () => {
    const contractId = await activeContract(api, parties, { milestones: [100_001, 55_555], subsidyBps: 2_500 });
    for (const n of [1, 2]) expect((await enterprise.caller.post(milestonePath(contractId, n, 'fund'), {}, key())).status).toBe(200);
    // 100 001 × 25 % = 25 000.25 → 25 000 government, 75 001 enterprise.
    const first = await enterprise.caller.post(milestonePath(contractId, 1, 'dispute'), { reason: '交付物与合同不符' });
    const refund = await moderator.post(`/v1/disputes/${first.body.disputeId}/resolve`, { outcome: 'REFUND' }, key());
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    expect(refund.body.milestone.entry.postings).toEqual([
      { account: `escrow:${contractId}`, amount: -100_001 },
      { account: `external:${enterprise.orgId}`, amount: 75_001 },
      { account: `external:${government.orgId}`, amount: 25_000 },
    ]);
    expect(refund.body.milestone.contractStatus).toBe('ACTIVE');

    expect((await studio.caller.post(milestonePath(contractId, 2, 'submit'), { note: '交付' })).status).toBe(200);
    const second = await enterprise.caller.post(milestonePath(contractId, 2, 'dispute'), { reason: '验收标准有争议' });
    const release = await moderator.post(`/v1/disputes/${second.body.disputeId}/resolve`, { outcome: 'RELEASE' }, key());
    expect(release.body.milestone).toMatchObject({ status: 'RELEASED', contractStatus: 'COMPLETED' });
    const ledger = await ledgerOf(enterprise.caller, contractId);
    expect(ledger.balance(`escrow:${contractId}`)).toBe(0);
    expect(ledger.balance(`earnings:${studio.orgId}`)).toBe(55_555);
  });
});

describe('benefit and risk sharing', () => {
  it('allocates reported revenue and losses by the share tables, exactly, and lists the statements', async () => {
    const contractId = await activeContract(api, parties, { milestones: [10_000] });
    // benefitShares 60/40: 100 001 → 60 000.6 and 40 000.4 → 60 001 and 40 000.
    const benefit = await enterprise.caller.post(`/v1/contracts/${contractId}/benefits`, { amount: fen(100_001), note: '技术许可收入' });
    expect(benefit.status, JSON.stringify(benefit.body)).toBe(201);
    expect(benefit.body).toMatchObject({ kind: 'BENEFIT', amount: fen(100_001), reportedBy: { orgId: enterprise.orgId } });
    expect(benefit.body.allocations).toEqual([
      { orgId: enterprise.orgId, bps: 6_000, amount: fen(60_001) },
      { orgId: studio.orgId, bps: 4_000, amount: fen(40_000) },
    ]);
    // riskShares 70/30: 99 999 → 69 999.3 and 29 999.7 → 69 999 and 30 000.
    const risk = await studio.caller.post(`/v1/contracts/${contractId}/risks`, { amount: fen(99_999), note: '成本超支' });
    expect(risk.status).toBe(201);
    expect(risk.body.allocations.map((a: { amount: { amount: number } }) => a.amount.amount)).toEqual([69_999, 30_000]);

    const benefits = await college.caller.get(`/v1/contracts/${contractId}/benefits`);
    expect(benefits.body.items.map((s: { id: string }) => s.id)).toEqual([benefit.body.id]);
    const risks = await moderator.get(`/v1/contracts/${contractId}/risks`);
    expect(risks.body.items.map((s: { id: string }) => s.id)).toEqual([risk.body.id]);
    expect(types((await studio.caller.get('/v1/notifications?limit=100')).body)).toEqual(expect.arrayContaining(['BENEFIT_REPORTED', 'RISK_REPORTED']));

    // Only parties report; nobody outside sees the contract; amounts are positive integers of the contract currency.
    expect((await moderator.post(`/v1/contracts/${contractId}/benefits`, { amount: fen(100) })).status).toBe(403);
    expect((await outsider.caller.post(`/v1/contracts/${contractId}/benefits`, { amount: fen(100) })).status).toBe(404);
    expect((await enterprise.caller.post(`/v1/contracts/${contractId}/risks`, { amount: fen(0) })).status).toBe(400);
    expect((await enterprise.caller.post(`/v1/contracts/${contractId}/risks`, { amount: { amount: 1.5, currency: 'CNY' } })).status).toBe(400);
  });

  it('waits for the share agreement to be fixed by every signature', async () => {
    const contractId = await activeContract(api, parties, { milestones: [10_000], unsigned: true });
    const early = await enterprise.caller.post(`/v1/contracts/${contractId}/benefits`, { amount: fen(100) });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('SHARES_NOT_FIXED');
  });
});
