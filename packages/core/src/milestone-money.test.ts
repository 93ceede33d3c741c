import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Contract, Milestone } from './contract.js';
import { ConflictError, ForbiddenError, ValidationError } from './errors.js';
import { applyPostings, assertBalanced, ledgerAccount } from './ledger.js';
import {
  assertMilestoneRole, decideMilestone, fundingShares, releaseDueAt, splitAllocation, type MilestoneCommand,
} from './milestone-money.js';
import { WHOLE_BPS } from './money.js';

const ENT = 'org_ENTERPRISE';
const STU = 'org_STUDIO';
const GOV = 'org_GOVERNMENT';
const CTR = 'ctr_CONTRACT';
const T0 = new Date('2026-03-01T00:00:00.000Z');

function contractOf(amounts: number[], subsidyBps?: number, overrides: Partial<Contract> = {}): Contract {
  const price = amounts.reduce((sum, amount) => sum + amount, 0);
  return {
    id: CTR,
    requestId: 'req_X',
    bidId: 'bid_X',
    title: '焊缝检测',
    enterpriseOrgId: ENT,
    studioOrgId: STU,
    governmentOrgId: subsidyBps ? GOV : undefined,
    status: 'ACTIVE',
    price: { amount: price, currency: 'CNY' },
    milestoneCount: amounts.length,
    shares: {
      benefitShares: [{ orgId: ENT, bps: 6_000 }, { orgId: STU, bps: 4_000 }],
      riskShares: [{ orgId: ENT, bps: 7_000 }, { orgId: STU, bps: 3_000 }],
      ipOwnership: 'JOINT',
      subsidy: subsidyBps ? { orgId: GOV, bps: subsidyBps } : undefined,
    },
    requiredSigners: [ENT, STU],
    signatures: [],
    reviewWindowDays: 14,
    createdAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    version: 3,
    ...overrides,
  };
}

const milestoneOf = (n: number, amount: number, overrides: Partial<Milestone> = {}): Milestone => ({
  contractId: CTR,
  n,
  title: `M${n}`,
  amount: { amount, currency: 'CNY' },
  dueInDays: 10 * n,
  status: 'PENDING',
  updatedAt: T0.toISOString(),
  version: 1,
  ...overrides,
});

describe('funding with a government subsidy', () => {
  it('splits an odd price 70/30, the government share rounded to the nearest fen', () => {
    // 1 234 567 × 30 % = 370 370.1 → 370 370; the enterprise pays the other 864 197.
    const contract = contractOf([1_234_567], 3_000);
    expect(fundingShares(contract, { amount: 1_234_567, currency: 'CNY' })).toEqual([
      { orgId: ENT, amount: 864_197 },
      { orgId: GOV, amount: 370_370 },
    ]);
    // 1 234 565 × 30 % = 370 369.5: an exact half goes to the larger share (the enterprise).
    expect(fundingShares(contract, { amount: 1_234_565, currency: 'CNY' })).toEqual([
      { orgId: ENT, amount: 864_196 },
      { orgId: GOV, amount: 370_369 },
    ]);
  });

  it('posts one balanced FUND entry: both external accounts pay, escrow receives the whole amount', () => {
    const decision = decideMilestone(contractOf([1_234_567], 3_000), milestoneOf(1, 1_234_567), { action: 'fund' }, T0);
    expect(decision.milestone).toMatchObject({ status: 'FUNDED', version: 2, fundedAt: T0.toISOString() });
    expect(decision.entry).toEqual({
      kind: 'FUND',
      postings: [
        { account: `external:${ENT}`, amount: -864_197 },
        { account: `external:${GOV}`, amount: -370_370 },
        { account: `escrow:${CTR}`, amount: 1_234_567 },
      ],
    });
  });

  it('keeps both shares within one fen of exact for any amount and subsidy', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000_000_000 }), fc.integer({ min: 1, max: WHOLE_BPS - 1 }), (amount, bps) => {
        const [enterprise, government] = fundingShares(contractOf([amount], bps), { amount, currency: 'CNY' });
        expect(enterprise!.amount + government!.amount).toBe(amount);
        const exactTimes10k = BigInt(amount) * BigInt(bps);
        const error = BigInt(government!.amount) * 10_000n - exactTimes10k;
        expect(error <= 5_000n && error >= -5_000n).toBe(true); // nearest fen: at most half a fen off
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('settling escrow', () => {
  const funded = (amount: number, bps?: number, status: Milestone['status'] = 'SUBMITTED') => {
    const contract = contractOf([amount], bps);
    return { contract, milestone: milestoneOf(1, amount, { status, funding: fundingShares(contract, { amount, currency: 'CNY' }), submittedAt: T0.toISOString() }) };
  };

  it('releases the whole escrow to the studio on accept', () => {
    const { contract, milestone } = funded(1_234_567, 3_000);
    const decision = decideMilestone(contract, milestone, { action: 'accept' }, T0);
    expect(decision.milestone.status).toBe('RELEASED');
    expect(decision.entry).toEqual({ kind: 'RELEASE', postings: [{ account: `escrow:${CTR}`, amount: -1_234_567 }, { account: `earnings:${STU}`, amount: 1_234_567 }] });
  });

  it('refunds each funder exactly what it paid', () => {
    const { contract, milestone } = funded(1_234_567, 3_000, 'DISPUTED');
    const decision = decideMilestone(contract, milestone, { action: 'resolve', outcome: 'REFUND' }, T0);
    expect(decision.milestone.status).toBe('REFUNDED');
    expect(decision.entry?.postings).toEqual([
      { account: `escrow:${CTR}`, amount: -1_234_567 },
      { account: `external:${ENT}`, amount: 864_197 },
      { account: `external:${GOV}`, amount: 370_370 },
    ]);
  });

  it('splits 40 % to the studio and refunds the rest in proportion to what each funder paid', () => {
    const { contract, milestone } = funded(1_234_567, 3_000, 'DISPUTED');
    const decision = decideMilestone(contract, milestone, { action: 'resolve', outcome: 'SPLIT', studioBps: 4_000 }, T0);
    // Studio 493 826.8 → 493 827; enterprise 864 197 × 60 % = 518 518.2 → 518 518; government 370 370 × 60 % = 222 222.
    expect(decision.entry).toEqual({
      kind: 'SPLIT',
      studioBps: 4_000,
      postings: [
        { account: `escrow:${CTR}`, amount: -1_234_567 },
        { account: `earnings:${STU}`, amount: 493_827 },
        { account: `external:${ENT}`, amount: 518_518 },
        { account: `external:${GOV}`, amount: 222_222 },
      ],
    });
  });

  it('keeps every SPLIT part within one fen of its exact share, summing to the held amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000_000_000 }),
        fc.option(fc.integer({ min: 1, max: WHOLE_BPS - 1 }), { nil: undefined }),
        fc.integer({ min: 1, max: WHOLE_BPS - 1 }),
        (amount, subsidyBps, studioBps) => {
          const funding = fundingShares(contractOf([amount], subsidyBps), { amount, currency: 'CNY' });
          const { held, studio, refunds } = splitAllocation(STU, funding, studioBps);
          expect(held).toBe(amount);
          expect(studio.amount + refunds.reduce((sum, refund) => sum + refund.amount, 0)).toBe(amount);
          // Exact shares over the common denominator 10 000 × held.
          const denominator = 10_000n * BigInt(held);
          const off = (part: number, numerator: bigint) => {
            const error = BigInt(part) * denominator - numerator * BigInt(held);
            return (error < 0n ? -error : error) < denominator;
          };
          expect(off(studio.amount, BigInt(studioBps) * BigInt(held))).toBe(true);
          refunds.forEach((refund, index) => {
            expect(refund.orgId).toBe(funding[index]!.orgId);
            expect(refund.amount).toBeGreaterThanOrEqual(0);
            expect(refund.amount).toBeLessThanOrEqual(funding[index]!.amount);
            expect(off(refund.amount, BigInt(WHOLE_BPS - studioBps) * BigInt(funding[index]!.amount))).toBe(true);
          });
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('auto-releases only after the review window', () => {
    const { contract, milestone } = funded(10_000);
    expect(releaseDueAt(contract, milestone).toISOString()).toBe('2026-03-15T00:00:00.000Z');
    const early = () => decideMilestone(contract, milestone, { action: 'autoRelease' }, new Date('2026-03-14T23:59:59.999Z'));
    expect(early).toThrow(expect.objectContaining({ code: 'REVIEW_WINDOW_OPEN' }));
    expect(decideMilestone(contract, milestone, { action: 'autoRelease' }, new Date('2026-03-15T00:00:00.000Z')).entry?.kind).toBe('RELEASE');
  });

  it('validates the resolution: SPLIT needs 1…9999 studio bps, the others none', () => {
    const { contract, milestone } = funded(10_000, undefined, 'DISPUTED');
    for (const studioBps of [undefined, 0, 10_000, 12.5]) {
      expect(() => decideMilestone(contract, milestone, { action: 'resolve', outcome: 'SPLIT', studioBps }, T0)).toThrow(ValidationError);
    }
    expect(() => decideMilestone(contract, milestone, { action: 'resolve', outcome: 'REFUND', studioBps: 10 }, T0)).toThrow(ValidationError);
  });
});

describe('states and roles', () => {
  it('moves no money unless the contract is ACTIVE', () => {
    for (const status of ['PENDING_SIGNATURES', 'COMPLETED', 'TERMINATED'] as const) {
      expect(() => decideMilestone(contractOf([100], undefined, { status }), milestoneOf(1, 100), { action: 'fund' }, T0)).toThrow(
        expect.objectContaining({ code: 'CONTRACT_NOT_ACTIVE', status: 409 }),
      );
    }
  });

  it('refuses transitions the lifecycle does not allow with 409', () => {
    const contract = contractOf([100]);
    expect(() => decideMilestone(contract, milestoneOf(1, 100), { action: 'accept' }, T0)).toThrow(ConflictError);
    expect(() => decideMilestone(contract, milestoneOf(1, 100, { status: 'RELEASED' }), { action: 'fund' }, T0)).toThrow(ConflictError);
    expect(() => decideMilestone(contract, milestoneOf(1, 100, { status: 'SUBMITTED' }), { action: 'resolve', outcome: 'RELEASE' }, T0)).toThrow(ConflictError);
  });

  it('lets only the right party act', () => {
    const contract = contractOf([100]);
    expect(() => assertMilestoneRole(contract, 'fund', { orgId: ENT })).not.toThrow();
    expect(() => assertMilestoneRole(contract, 'fund', { orgId: STU })).toThrow(ForbiddenError);
    expect(() => assertMilestoneRole(contract, 'submit', { orgId: ENT })).toThrow(ForbiddenError);
    expect(() => assertMilestoneRole(contract, 'dispute', { orgId: STU })).not.toThrow();
    expect(() => assertMilestoneRole(contract, 'dispute', { orgId: 'org_OTHER' })).toThrow(ForbiddenError);
    expect(() => assertMilestoneRole(contract, 'resolve', { orgId: ENT })).toThrow(ForbiddenError);
    expect(() => assertMilestoneRole(contract, 'resolve', { association: true })).not.toThrow();
    expect(() => assertMilestoneRole(contract, 'autoRelease', { orgId: ENT })).toThrow(ForbiddenError);
  });
});

describe('random sequences of milestone operations (model-based)', () => {
  const command: fc.Arbitrary<{ n: number; command: MilestoneCommand; advanceDays: number }> = fc.record({
    n: fc.integer({ min: 1, max: 4 }),
    advanceDays: fc.constantFrom(0, 0, 1, 15),
    command: fc.oneof(
      { weight: 2, arbitrary: fc.constant({ action: 'fund' as const }) },
      { weight: 2, arbitrary: fc.constant({ action: 'submit' as const, note: 'done' }) },
      { weight: 1, arbitrary: fc.constant({ action: 'accept' as const }) },
      { weight: 1, arbitrary: fc.constant({ action: 'requestRevision' as const }) },
      { weight: 2, arbitrary: fc.constant({ action: 'dispute' as const, disputeId: 'dsp_X' }) },
      { weight: 1, arbitrary: fc.constant({ action: 'autoRelease' as const }) },
      { weight: 2, arbitrary: fc.constantFrom('RELEASE', 'REFUND').map((outcome) => ({ action: 'resolve' as const, outcome })) },
      {
        weight: 2,
        arbitrary: fc.integer({ min: 1, max: WHOLE_BPS - 1 }).map((studioBps) => ({ action: 'resolve' as const, outcome: 'SPLIT' as const, studioBps })),
      },
    ),
  });

  it('never unbalances an entry, overdraws escrow, settles twice or lets balances drift from zero', () => {
    const kindsSeen = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10_000_000_000 }), { minLength: 1, maxLength: 4 }),
        fc.option(fc.integer({ min: 1, max: WHOLE_BPS - 1 }), { nil: undefined }),
        fc.array(command, { minLength: 5, maxLength: 60, size: 'max' }),
        (amounts, subsidyBps, steps) => {
          const contract = contractOf(amounts, subsidyBps);
          const milestones = amounts.map((amount, index) => milestoneOf(index + 1, amount));
          let balances = new Map<string, number>();
          let now = T0;
          const settlements = new Map<number, number>();
          const escrow = ledgerAccount.escrow(CTR);
          for (const step of steps) {
            now = new Date(now.getTime() + step.advanceDays * 86_400_000);
            // Any drawn number names one of the contract's milestones.
            const index = (step.n - 1) % milestones.length;
            const milestone = milestones[index]!;
            let decision;
            try {
              decision = decideMilestone(contract, milestone, step.command, now);
            } catch (error) {
              // A refused step changes nothing; it must be a domain refusal, never a ledger bug.
              expect(error instanceof ConflictError || error instanceof ValidationError).toBe(true);
              continue;
            }
            milestones[index] = decision.milestone;
            if (decision.entry) {
              assertBalanced(decision.entry.postings);
              expect(decision.entry.postings.reduce((sum, posting) => sum + posting.amount, 0)).toBe(0);
              balances = applyPostings(balances, decision.entry.postings); // throws if escrow or earnings < 0
              kindsSeen.set(decision.entry.kind, (kindsSeen.get(decision.entry.kind) ?? 0) + 1);
              if (decision.entry.kind !== 'FUND') settlements.set(index, (settlements.get(index) ?? 0) + 1);
            }
            // Invariants after every step.
            expect([...balances.values()].reduce((sum, balance) => sum + balance, 0)).toBe(0);
            const held = milestones.filter((m) => ['FUNDED', 'SUBMITTED', 'DISPUTED'].includes(m.status)).reduce((sum, m) => sum + m.amount.amount, 0);
            expect(balances.get(escrow) ?? 0).toBe(held);
            expect(balances.get(escrow) ?? 0).toBeGreaterThanOrEqual(0);
            for (const count of settlements.values()) expect(count).toBe(1);
          }
          // Money is conserved per party: what the funders are out of pocket is what the studio earned plus escrow.
          const paidIn = 0 - [...balances].filter(([account]) => account.startsWith('external:')).reduce((sum, [, balance]) => sum + balance, 0);
          expect(paidIn).toBe((balances.get(ledgerAccount.earnings(STU)) ?? 0) + (balances.get(escrow) ?? 0));
          // No funder is ever refunded more than it paid.
          for (const [account, balance] of balances) if (account.startsWith('external:')) expect(balance).toBeLessThanOrEqual(0);
        },
      ),
      { numRuns: 1_500 },
    );
    // The generator must actually reach every kind of movement, or the property proves little.
    for (const kind of ['FUND', 'RELEASE', 'REFUND', 'SPLIT']) expect(kindsSeen.get(kind) ?? 0).toBeGreaterThan(100);
  });
});
