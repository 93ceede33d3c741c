import { describe, expect, it } from 'vitest';
import { overheadSplit, splitAllocation, subsidyShare } from '@sharedtech/core';
import { startTestApi } from '../support/harness.js';
import { expectError, tableItemCount } from '../support/assertions.js';
import { activeContract, fen, key, ledgerOf, milestonePath, moneyConsortium } from '../support/money.js';

/**
 * College overhead (学校管理费): the college sets a versioned rate; the rate in
 * force at the last signature is recorded on the contract; every RELEASE and
 * SPLIT splits the studio's amount between studio and college in the same
 * entry. With a programme subsidy on the same contract, completion returns the
 * unused reservation and the programme's figures equal the ledger.
 */
const api = await startTestApi();
const parties = await moneyConsortium(api);
const { moderator, enterprise, studio, college, government } = parties;

const put = (caller: { token: string }, path: string, body: unknown) => api.call('PUT', path, caller.token, body);
const setRate = (bps: unknown, caller = college.caller, orgId = college.orgId) => put(caller, `/v1/orgs/${orgId}/overhead`, { bps });

describe('setting the rate', () => {
  it('refuses rates out of range, other organisations and non-colleges, writing nothing', async () => {
    const before = await tableItemCount(api);
    for (const bps of [-1, 10_001, 12.5, '10']) expectError(await setRate(bps), 400, 'VALIDATION_FAILED');
    expectError(await setRate(1_000, studio.caller), 403, 'NOT_ORG_OWNER');
    expectError(await setRate(1_000, studio.caller, studio.orgId), 404);
    expect(await tableItemCount(api)).toBe(before);
    const none = await studio.caller.get(`/v1/orgs/${college.orgId}/overhead`);
    expect(none.body).toMatchObject({ current: null, history: { items: [] } });
  });

  it('versions every change and shows the current rate and the history, newest first', async () => {
    expect((await setRate(1_500)).body).toMatchObject({ bps: 1_500, version: 1 });
    const second = await setRate(1_250);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body).toMatchObject({ collegeOrgId: college.orgId, bps: 1_250, version: 2 });
    const read = await studio.caller.get(`/v1/orgs/${college.orgId}/overhead`);
    expect(read.body.current).toMatchObject({ bps: 1_250, version: 2 });
    expect(read.body.history.items.map((rate: { bps: number }) => rate.bps)).toEqual([1_250, 1_500]);
    expect((await setRate(0)).body).toMatchObject({ bps: 0, version: 3 });
    expect((await setRate(10_000)).body).toMatchObject({ bps: 10_000, version: 4 });
    expect((await setRate(1_250)).body).toMatchObject({ version: 5 });
  });
});

describe('a contract under overhead and a programme subsidy', () => {
  const M1 = 123_457;
  const M2 = 99_999;
  const studioBps = 4_000;
  let contractId: string;
  let programmeId: string;
  const earnings = (orgId: string) => `earnings:${orgId}`;

  it('records the rate in force at the last signature, visible to every signer, and keeps it when the rate changes', async () => {
    contractId = await activeContract(api, parties, { milestones: [M1, M2], unsigned: true });
    expect((await enterprise.caller.post(`/v1/contracts/${contractId}/sign`)).status).toBe(200);
    expect((await enterprise.caller.get(`/v1/contracts/${contractId}`)).body.overhead).toBeUndefined();
    expect((await studio.caller.post(`/v1/contracts/${contractId}/sign`)).status).toBe(200);
    for (const reader of [enterprise.caller, studio.caller, college.caller]) {
      expect((await reader.get(`/v1/contracts/${contractId}`)).body.overhead).toEqual({ collegeOrgId: college.orgId, bps: 1_250, version: 5 });
    }
    expect((await setRate(3_000)).status).toBe(200);
    expect((await studio.caller.get(`/v1/contracts/${contractId}`)).body.overhead).toMatchObject({ bps: 1_250 });
  });

  it('takes a programme subsidy on the ACTIVE contract', async () => {
    const day = (offset: number) => new Date(api.clock().getTime() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    const published = await government.caller.post('/v1/programmes', {
      name: '产教融合专项', budget: fen(1_000_000), maxBps: 5_000, clusters: ['smart-manufacturing'], opensOn: day(0), closesOn: day(10),
    });
    programmeId = published.body.id;
    const applied = await enterprise.caller.post(`/v1/programmes/${programmeId}/applications`, { contractId, bps: 3_333 });
    const approved = await government.caller.post(`/v1/applications/${applied.body.id}/decision`, { decision: 'approve' }, key());
    expect(approved.body).toMatchObject({ status: 'APPROVED', reserved: subsidyShare(M1, 3_333) + subsidyShare(M2, 3_333) });
  });

  it('splits a RELEASE between the studio and the college in the same entry', async () => {
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), {}, key())).status).toBe(200);
    expect((await studio.caller.post(milestonePath(contractId, 1, 'submit'), { note: '交付' })).status).toBe(200);
    const accepted = await enterprise.caller.post(milestonePath(contractId, 1, 'accept'), {}, key());
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const { studio: studioPart, college: collegePart } = overheadSplit(M1, 1_250);
    expect(collegePart).toBe(15_432); // 123 457 × 12.5 % = 15 432.125
    expect(accepted.body.entry.postings).toEqual([
      { account: `escrow:${contractId}`, amount: -M1 },
      { account: earnings(studio.orgId), amount: studioPart },
      { account: earnings(college.orgId), amount: collegePart },
    ]);
  });

  it('splits the studio’s part of a SPLIT, completes the contract and returns the unused subsidy', async () => {
    expect((await enterprise.caller.post(milestonePath(contractId, 2, 'fund'), {}, key())).status).toBe(200);
    const disputeId = (await studio.caller.post(milestonePath(contractId, 2, 'dispute'), { reason: '验收条件争议' })).body.disputeId;
    const resolved = await moderator.post(`/v1/disputes/${disputeId}/resolve`, { outcome: 'SPLIT', studioBps, note: '各担一半' }, key());
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body.milestone.contractStatus).toBe('COMPLETED');
    const governmentShare = subsidyShare(M2, 3_333);
    const split = splitAllocation(studio.orgId, [{ orgId: enterprise.orgId, amount: M2 - governmentShare }, { orgId: government.orgId, amount: governmentShare }], studioBps);
    const { studio: studioPart, college: collegePart } = overheadSplit(split.studio.amount, 1_250);
    const postings = resolved.body.milestone.entry.postings as { account: string; amount: number }[];
    expect(postings).toEqual(expect.arrayContaining([
      { account: earnings(studio.orgId), amount: studioPart },
      { account: earnings(college.orgId), amount: collegePart },
    ]));

    const ledger = await ledgerOf(enterprise.caller, contractId);
    expect(ledger.balance(earnings(college.orgId))).toBe(overheadSplit(M1, 1_250).college + collegePart);
    const netPaid = -ledger.balance(`external:${government.orgId}`);
    expect(netPaid).toBe(subsidyShare(M1, 3_333) + governmentShare - split.refunds[1]!.amount);
    const programme = (await government.caller.get(`/v1/programmes/${programmeId}`)).body;
    expect(programme.figures).toEqual({ budget: 1_000_000, reserved: 0, paid: netPaid, remaining: 1_000_000 - netPaid });
    expect((await government.caller.get(`/v1/contracts/${contractId}`)).status).toBe(404); // a programme does not make the government a party
  });

  it('shows the college’s and the studio’s earnings on their accounts', async () => {
    const collegeAccounts = await college.caller.get('/v1/accounts/me');
    const studioAccounts = await studio.caller.get('/v1/accounts/me');
    const ledger = await ledgerOf(enterprise.caller, contractId);
    expect(collegeAccounts.body.accounts).toEqual([{ account: earnings(college.orgId), currency: 'CNY', amount: ledger.balance(earnings(college.orgId)) }]);
    expect(studioAccounts.body.accounts).toEqual([{ account: earnings(studio.orgId), currency: 'CNY', amount: ledger.balance(earnings(studio.orgId)) }]);
  });
});
