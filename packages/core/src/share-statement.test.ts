import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Contract } from './contract.js';
import { ConflictError, ValidationError } from './errors.js';
import { allocateStatement, assertStatementPeriod, assertWithinShareTerm, distributionOf, shanghaiPeriod, shareTermEndsAt, statementYear } from './share-statement.js';

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

describe('statement periods, the reporting term and the distribution statement', () => {
  const now = new Date('2026-05-10T02:00:00Z');
  it('refuses a future year or quarter and a year before the award', () => {
    expect(() => assertStatementPeriod({ year: 2026, quarter: 2 }, now, '2025-12-31T17:00:00Z')).not.toThrow();
    const codeOf = (fn: () => void) => {
      try {
        fn();
        return undefined;
      } catch (error) {
        return ((error as ValidationError).details as { issues: { path: string; code: string }[] }).issues[0];
      }
    };
    expect(codeOf(() => assertStatementPeriod({ year: 2027 }, now, '2026-01-01T00:00:00Z'))).toMatchObject({ path: 'period.year', code: 'PERIOD_IN_FUTURE' });
    expect(codeOf(() => assertStatementPeriod({ year: 2026, quarter: 3 }, now, '2026-01-01T00:00:00Z'))).toMatchObject({ path: 'period.quarter', code: 'PERIOD_IN_FUTURE' });
    // 2025-12-31T17:00Z is already 2026 in Shanghai.
    expect(codeOf(() => assertStatementPeriod({ year: 2025 }, now, '2025-12-31T17:00:00Z'))).toMatchObject({ path: 'period.year', code: 'PERIOD_BEFORE_CONTRACT' });
  });

  it('counts an older statement without a period in the Shanghai year it was recorded', () => {
    expect(statementYear({ at: '2026-12-31T16:00:00Z' })).toBe(2027);
    expect(statementYear({ at: '2026-12-31T15:59:59Z' })).toBe(2026);
    expect(statementYear({ at: '2026-12-31T16:00:00Z', period: { year: 2026, quarter: 4 } })).toBe(2026);
    expect(shanghaiPeriod('2026-03-31T16:00:00Z')).toEqual({ year: 2026, quarter: 2 });
  });

  it('lets an ended contract be reported on for its term (default three years), then 409', () => {
    const ended = { status: 'COMPLETED' as const, updatedAt: '2026-05-10T00:00:00Z', shares: { benefitShares: [], riskShares: [], ipOwnership: 'JOINT' as const } };
    expect(shareTermEndsAt(ended)?.toISOString()).toBe('2029-05-10T00:00:00.000Z');
    expect(shareTermEndsAt({ ...ended, status: 'ACTIVE' })).toBeUndefined();
    expect(() => assertWithinShareTerm(ended, new Date('2029-05-10T00:00:00Z'))).not.toThrow();
    expect(() => assertWithinShareTerm(ended, new Date('2029-05-10T00:00:01Z'))).toThrow(ConflictError);
    expect(() => assertWithinShareTerm({ ...ended, shares: { ...ended.shares, termYears: 1 } }, new Date('2027-06-01T00:00:00Z'))).toThrow(ConflictError);
  });

  it('gives one party its lines of a year and what the ledger moved for it that year', () => {
    const statement = (id: string, kind: 'BENEFIT' | 'RISK', amount: number, at: string, period?: { year: number; quarter?: number }) => ({
      id, contractId: 'ctr_1', kind, amount: { amount, currency: 'CNY' as const }, at, reportedBy: { sub: 's', orgId: 'org_E' },
      allocations: [{ orgId: 'org_E', bps: 6_000, amount: { amount: Math.round(amount * 0.6), currency: 'CNY' as const } }, { orgId: 'org_S', bps: 4_000, amount: { amount: amount - Math.round(amount * 0.6), currency: 'CNY' as const } }],
      ...(period ? { period } : {}),
    });
    const entries = [
      { id: 'j1', kind: 'FUND' as const, at: '2026-03-01T00:00:00Z', milestoneN: 1, postings: [{ account: 'external:org_E', amount: -1_000 }, { account: 'escrow:ctr_1', amount: 1_000 }] },
      { id: 'j2', kind: 'RELEASE' as const, at: '2026-04-01T00:00:00Z', milestoneN: 1, postings: [{ account: 'escrow:ctr_1', amount: -1_000 }, { account: 'earnings:org_S', amount: 1_000 }] },
      { id: 'j3', kind: 'FUND' as const, at: '2027-01-05T00:00:00Z', milestoneN: 2, postings: [{ account: 'external:org_E', amount: -500 }, { account: 'escrow:ctr_1', amount: 500 }] },
    ];
    const statements = [statement('s1', 'BENEFIT', 10_000, '2026-06-01T00:00:00Z', { year: 2026, quarter: 2 }), statement('s2', 'RISK', 1_000, '2026-07-01T00:00:00Z'), statement('s3', 'BENEFIT', 5_000, '2027-02-01T00:00:00Z', { year: 2026, quarter: 4 })];
    const enterprise = distributionOf('org_E', 2026, statements, entries);
    expect(enterprise.lines.map((line) => [line.statementId, line.allocated])).toEqual([['s1', 6_000], ['s2', 600], ['s3', 3_000]]);
    expect(enterprise.ledger).toEqual([{ entryId: 'j1', kind: 'FUND', at: '2026-03-01T00:00:00Z', milestoneN: 1, paid: 1_000, received: 0 }]);
    expect(enterprise.totals).toEqual({ benefitReported: 15_000, benefitAllocated: 9_000, riskReported: 1_000, riskAllocated: 600, paid: 1_000, received: 0 });
    expect(distributionOf('org_S', 2026, statements, entries).totals).toMatchObject({ benefitAllocated: 6_000, received: 1_000, paid: 0 });
    expect(distributionOf('org_E', 2027, statements, entries).totals).toMatchObject({ benefitReported: 0, paid: 500 });
  });
});
