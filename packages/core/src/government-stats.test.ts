import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Contract } from './contract.js';
import { fundingShares } from './milestone-money.js';
import { governmentContractDeltas, governmentLedgerDeltas, governmentStatisticsFromCounters, subsidyCommitted, sumCounters, TOTAL_BUCKET } from './stats.js';

const contract = (bps: number | undefined, status: Contract['status'] = 'PENDING_SIGNATURES') =>
  ({
    id: 'ctr_1',
    enterpriseOrgId: 'org_E',
    governmentOrgId: bps ? 'org_G' : undefined,
    status,
    price: { amount: 300_004, currency: 'CNY' },
    shares: { benefitShares: [], riskShares: [], ipOwnership: 'JOINT', ...(bps ? { subsidy: { orgId: 'org_G', bps } } : {}) },
  }) as unknown as Contract;

describe('a government’s co-funding counters', () => {
  it('commit exactly what funding each milestone will take from the government', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9_999 }), fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 8 }), (bps, amounts) => {
        const funded = amounts.reduce(
          (sum, amount) => sum + fundingShares(contract(bps), { amount, currency: 'CNY' }).find((share) => share.orgId === 'org_G')!.amount,
          0,
        );
        expect(subsidyCommitted(contract(bps), amounts)).toBe(funded);
      }),
    );
  });

  it('count a co-funded contract by status under its government, and nothing for one without a government', () => {
    const created = governmentContractDeltas(undefined, contract(3_000), [100_001, 200_003]);
    expect(created).toEqual([{ cluster: 'GOV#org_G', bucket: TOTAL_BUCKET, subjectId: 'ctr_1', add: { 'contracts#PENDING_SIGNATURES': 1, contractValue: 300_004, committed: 30_000 + 60_001 } }]);
    expect(governmentContractDeltas(contract(3_000), contract(3_000, 'ACTIVE'))[0]!.add).toEqual({ 'contracts#PENDING_SIGNATURES': -1, 'contracts#ACTIVE': 1 });
    expect(governmentContractDeltas(contract(3_000, 'ACTIVE'), contract(3_000, 'ACTIVE'))).toEqual([]);
    expect(governmentContractDeltas(undefined, contract(undefined), [100])).toEqual([]);
  });

  it('split its account’s postings into funded and refunded, ignoring everyone else’s', () => {
    const deltas = governmentLedgerDeltas('org_G', [
      { contractId: 'ctr_1', postings: [{ account: 'external:org_G', amount: -300 }, { account: 'external:org_E', amount: -700 }, { account: 'escrow:ctr_1', amount: 1_000 }] },
      { contractId: 'ctr_1', postings: [{ account: 'external:org_G', amount: 120 }, { account: 'escrow:ctr_1', amount: -120 }] },
    ]);
    const counters = sumCounters(...deltas.map((delta) => delta.add));
    expect(counters).toEqual({ funded: 300, refunded: 120 });
    expect(governmentStatisticsFromCounters('org_G', counters)).toMatchObject({ funded: { amount: 300 }, refunded: { amount: 120 }, paid: { amount: 180 } });
    expect(governmentLedgerDeltas(undefined, [{ contractId: 'ctr_1', postings: [{ account: 'external:org_G', amount: -1 }] }])).toEqual([]);
  });
});
