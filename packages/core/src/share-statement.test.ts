import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Contract } from './contract.js';
import { ConflictError, ValidationError } from './errors.js';
import { allocateStatement } from './share-statement.js';

const contract = (status: Contract['status'], benefit: [string, number][], risk: [string, number][] = benefit) =>
  ({
    status,
    price: { amount: 1_000_000, currency: 'CNY' },
    shares: {
      benefitShares: benefit.map(([orgId, bps]) => ({ orgId, bps })),
      riskShares: risk.map(([orgId, bps]) => ({ orgId, bps })),
      ipOwnership: 'JOINT',
    },
  }) as Pick<Contract, 'status' | 'price' | 'shares'>;

describe('benefit and risk statements', () => {
  it('allocates a benefit by benefitShares and a loss by riskShares, summing exactly', () => {
    const active = contract('ACTIVE', [['org_E', 5_000], ['org_S', 3_000], ['org_C', 2_000]], [['org_E', 7_000], ['org_S', 3_000]]);
    // 100 001 × 50/30/20 % = 50 000.5, 30 000.3, 20 000.2: the half fen goes to the largest remainder.
    expect(allocateStatement(active, 'BENEFIT', { amount: 100_001, currency: 'CNY' })).toEqual([
      { orgId: 'org_E', bps: 5_000, amount: { amount: 50_001, currency: 'CNY' } },
      { orgId: 'org_S', bps: 3_000, amount: { amount: 30_000, currency: 'CNY' } },
      { orgId: 'org_C', bps: 2_000, amount: { amount: 20_000, currency: 'CNY' } },
    ]);
    expect(allocateStatement(active, 'RISK', { amount: 99_999, currency: 'CNY' }).map((part) => part.amount.amount)).toEqual([69_999, 30_000]);
  });

  it('works once the shares are fixed (ACTIVE, COMPLETED, TERMINATED) and not before', () => {
    const shares: [string, number][] = [['org_E', 10_000]];
    for (const status of ['ACTIVE', 'COMPLETED', 'TERMINATED'] as const) {
      expect(allocateStatement(contract(status, shares), 'BENEFIT', { amount: 7, currency: 'CNY' })[0]!.amount.amount).toBe(7);
    }
    expect(() => allocateStatement(contract('PENDING_SIGNATURES', shares), 'BENEFIT', { amount: 7, currency: 'CNY' })).toThrow(ConflictError);
  });

  it('refuses another currency than the contract’s', () => {
    expect(() => allocateStatement(contract('ACTIVE', [['org_E', 10_000]]), 'RISK', { amount: 7, currency: 'USD' as 'CNY' })).toThrow(ValidationError);
  });

  it('sums exactly for random amounts and three-party tables', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000_000_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (amount, a, b) => {
        const [low, high] = a < b ? [a, b] : [b, a];
        const parts = allocateStatement(contract('ACTIVE', [['x', low], ['y', high - low], ['z', 10_000 - high]]), 'BENEFIT', { amount, currency: 'CNY' });
        expect(parts.reduce((sum, part) => sum + part.amount.amount, 0)).toBe(amount);
      }),
      { numRuns: 1_000 },
    );
  });
});
