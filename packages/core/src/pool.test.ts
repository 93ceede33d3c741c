import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Contract, Milestone } from './contract.js';
import { contractParties } from './contract.js';
import { ConflictError, ForbiddenError, ValidationError } from './errors.js';
import { applyPostings, assertBalanced, ledgerAccount } from './ledger.js';
import { assertMilestoneRole, decideMilestone, fundingShares, type MilestoneCommand } from './milestone-money.js';
import { WHOLE_BPS } from './money.js';
import { contractPoolOf, expandPoolShares, membersAfterJoin, pledgeToBps, type ContractPool, type PoolMember } from './pool.js';
import { poolAwardDeltas, poolCounter } from './pool-stats.js';
import { allocateStatement } from './share-statement.js';

const OWNER = 'org_OWNER';
const STU = 'org_STUDIO';
const GOV = 'org_GOVERNMENT';
const CTR = 'ctr_POOL';
const T0 = new Date('2026-03-01T00:00:00.000Z');
const member = (orgId: string, bps: number): PoolMember => ({ orgId, bps, joinedBy: 'u', joinedAt: T0.toISOString() });

function pooledContract(pool: ContractPool, amounts: number[], subsidyBps?: number): Contract {
  const price = amounts.reduce((sum, amount) => sum + amount, 0);
  return {
    id: CTR, requestId: 'req_X', bidId: 'bid_X', title: '共性检测', enterpriseOrgId: OWNER, studioOrgId: STU,
    governmentOrgId: subsidyBps ? GOV : undefined, status: 'ACTIVE', price: { amount: price, currency: 'CNY' }, milestoneCount: amounts.length,
    shares: {
      benefitShares: [{ orgId: OWNER, bps: 6_000 }, { orgId: STU, bps: 4_000 }],
      riskShares: [{ orgId: OWNER, bps: 7_000 }, { orgId: STU, bps: 3_000 }],
      ipOwnership: 'LICENSED_TO_COFUNDERS',
      subsidy: subsidyBps ? { orgId: GOV, bps: subsidyBps } : undefined,
    },
    requiredSigners: [OWNER, STU], signatures: [], reviewWindowDays: 14, createdAt: T0.toISOString(), updatedAt: T0.toISOString(), version: 3, pool,
  };
}

const milestoneOf = (n: number, amount: number): Milestone => ({
  contractId: CTR, n, title: `M${n}`, amount: { amount, currency: 'CNY' }, dueInDays: 10 * n, status: 'PENDING', updatedAt: T0.toISOString(), version: 1,
});

describe('pool shares', () => {
  it('keeps the owner the remainder and refuses pledges that reach 100 %', () => {
    const pool = { ownerOrgId: OWNER, members: [member('org_A', 3_000)] };
    const members = membersAfterJoin(pool, member('org_B', 6_999));
    expect(contractPoolOf({ ownerOrgId: OWNER, members })).toEqual({
      members: [{ orgId: OWNER, bps: 1 }, { orgId: 'org_A', bps: 3_000 }, { orgId: 'org_B', bps: 6_999 }],
    });
    expect(() => membersAfterJoin(pool, member('org_B', 7_000))).toThrow(ConflictError);
    expect(() => membersAfterJoin(pool, member('org_A', 10))).toThrow(/already/);
    expect(() => membersAfterJoin(pool, member(OWNER, 10))).toThrow(ConflictError);
  });

  it('takes at most eight funders, the owner included', () => {
    const seven = Array.from({ length: 7 }, (_, index) => member(`org_${index}`, 100));
    expect(() => membersAfterJoin({ ownerOrgId: OWNER, members: seven }, member('org_8', 100))).toThrow(/at most 8/);
  });

  it('converts a money pledge to bps of the maximum budget, rounded down', () => {
    const max = { amount: 30_000_000, currency: 'CNY' as const };
    expect(pledgeToBps({ amount: 10_000_000, currency: 'CNY' }, max)).toBe(3_333);
    expect(() => pledgeToBps({ amount: 1_000, currency: 'CNY' }, max)).toThrow(ValidationError);
    expect(() => pledgeToBps({ amount: 30_000_000, currency: 'CNY' }, max)).toThrow(ValidationError);
  });

  it('splits the enterprise part across the members after the subsidy, in one FUND entry', () => {
    const pool = { members: [{ orgId: OWNER, bps: 5_000 }, { orgId: 'org_A', bps: 3_000 }, { orgId: 'org_B', bps: 2_000 }] };
    const contract = pooledContract(pool, [1_000_001], 3_000);
    // Subsidy first: 1 000 001 × 30 % = 300 000.3 → 300 000; the enterprise part 700 001 goes 50/30/20.
    expect(fundingShares(contract, { amount: 1_000_001, currency: 'CNY' })).toEqual([
      { orgId: OWNER, amount: 350_001 },
      { orgId: 'org_A', amount: 210_000 },
      { orgId: 'org_B', amount: 140_000 },
      { orgId: GOV, amount: 300_000 },
    ]);
  });

  it('funds by parts: PENDING until the last part, whose step posts one entry debiting every member', () => {
    const pool = { members: [{ orgId: OWNER, bps: 6_000 }, { orgId: 'org_A', bps: 4_000 }] };
    const contract = pooledContract(pool, [100_000]);
    const first = decideMilestone(contract, milestoneOf(1, 100_000), { action: 'fund', by: { orgId: 'org_A', sub: 'a' } }, T0);
    expect(first.action).toBe('fundPart');
    expect(first.milestone).toMatchObject({ status: 'PENDING', version: 2, fundedParts: [{ orgId: 'org_A', sub: 'a' }] });
    expect(first.entry).toBeUndefined();
    expect(() => decideMilestone(contract, first.milestone, { action: 'fund', by: { orgId: 'org_A', sub: 'a' } }, T0)).toThrow(/already funded/);
    const last = decideMilestone(contract, first.milestone, { action: 'fund', by: { orgId: OWNER, sub: 'o' } }, T0);
    expect(last.milestone.status).toBe('FUNDED');
    expect(last.entry?.postings).toEqual([
      { account: `external:${OWNER}`, amount: -60_000 },
      { account: 'external:org_A', amount: -40_000 },
      { account: `escrow:${CTR}`, amount: 100_000 },
    ]);
    expect(last.milestone.funding).toEqual([{ orgId: OWNER, amount: 60_000 }, { orgId: 'org_A', amount: 40_000 }]);
  });

  it('lets members fund and makes them parties, but nothing else', () => {
    const contract = pooledContract({ members: [{ orgId: OWNER, bps: 6_000 }, { orgId: 'org_A', bps: 4_000 }] }, [100]);
    expect(() => assertMilestoneRole(contract, 'fund', { orgId: 'org_A' })).not.toThrow();
    expect(() => assertMilestoneRole(contract, 'accept', { orgId: 'org_A' })).toThrow(ForbiddenError);
    expect(() => assertMilestoneRole(contract, 'fund', { orgId: 'org_Z' })).toThrow(ForbiddenError);
    expect(contractParties(contract)).toContain('org_A');
  });

  it('allocates benefit and risk statements across the members by the agreement', () => {
    const pool = { members: [{ orgId: OWNER, bps: 5_000 }, { orgId: 'org_A', bps: 2_500 }, { orgId: 'org_B', bps: 2_500 }] };
    expect(expandPoolShares([{ orgId: OWNER, bps: 6_000 }, { orgId: STU, bps: 4_000 }], OWNER, pool)).toEqual([
      { orgId: OWNER, bps: 3_000 }, { orgId: 'org_A', bps: 1_500 }, { orgId: 'org_B', bps: 1_500 }, { orgId: STU, bps: 4_000 },
    ]);
    const parts = allocateStatement(pooledContract(pool, [100]), 'BENEFIT', { amount: 1_000_000, currency: 'CNY' });
    expect(parts.map((part) => [part.orgId, part.amount.amount])).toEqual([[OWNER, 300_000], ['org_A', 150_000], ['org_B', 150_000], [STU, 400_000]]);
  });

  it('counts an awarded pool and its funders in the cluster total and the month', () => {
    const deltas = poolAwardDeltas('smart-manufacturing', 'req_X', { members: [{ orgId: OWNER, bps: 5_000 }, { orgId: 'org_A', bps: 5_000 }] }, '2026-03-05T00:00:00.000Z');
    expect(deltas.map((delta) => delta.bucket)).toEqual(['#TOTAL', 'MONTH#2026-03']);
    expect(deltas[0]!.add).toEqual({ [poolCounter.awarded]: 1, [poolCounter.members]: 2 });
    expect(poolAwardDeltas('smart-manufacturing', 'req_X', undefined, '2026-03-05T00:00:00.000Z')).toEqual([]);
  });
});

describe('pooled milestone money (property)', () => {
  /** A pool of 2–8 funders: the owner's remainder and 1–7 members' positive pledges below 100 % together. */
  const poolArb = fc.integer({ min: 1, max: 7 }).chain((others) =>
    fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: others + 1, maxLength: others + 1 }).map((weights) => {
      const sum = weights.reduce((total, weight) => total + weight, 0);
      // Scale to 10 000 bps, every member at least 1 bp, the owner the remainder (at least 1).
      const memberBps = weights.slice(1).map((weight) => Math.max(1, Math.floor((weight * (WHOLE_BPS - others - 1)) / sum)));
      const owner = WHOLE_BPS - memberBps.reduce((total, bps) => total + bps, 0);
      return { members: [{ orgId: OWNER, bps: owner }, ...memberBps.map((bps, index) => ({ orgId: `org_M${index}`, bps }))] } as ContractPool;
    }),
  );
  type Step = { n: number; who: number; command: MilestoneCommand };
  const stepArb: fc.Arbitrary<Step> = fc.record({
    n: fc.integer({ min: 1, max: 4 }),
    who: fc.integer({ min: 0, max: 7 }),
    command: fc.oneof(
      { weight: 6, arbitrary: fc.constant({ action: 'fund' as const }) },
      { weight: 2, arbitrary: fc.constant({ action: 'submit' as const, note: 'done' }) },
      { weight: 1, arbitrary: fc.constant({ action: 'accept' as const }) },
      { weight: 2, arbitrary: fc.constant({ action: 'dispute' as const, disputeId: 'dsp_X' }) },
      { weight: 1, arbitrary: fc.constant({ action: 'terminateRefund' as const }) },
      { weight: 2, arbitrary: fc.constantFrom('RELEASE', 'REFUND').map((outcome) => ({ action: 'resolve' as const, outcome })) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: WHOLE_BPS - 1 }).map((studioBps) => ({ action: 'resolve' as const, outcome: 'SPLIT' as const, studioBps })) },
    ),
  });

  it('balances every entry, never overdraws escrow or earnings, and charges each member its share within one fen', () => {
    const kinds = new Map<string, number>();
    fc.assert(
      fc.property(
        poolArb,
        fc.array(fc.integer({ min: 1, max: 10_000_000_000 }), { minLength: 1, maxLength: 4 }),
        fc.option(fc.integer({ min: 1, max: WHOLE_BPS - 1 }), { nil: undefined }),
        fc.array(stepArb, { minLength: 10, maxLength: 80, size: 'max' }),
        (pool, amounts, subsidyBps, steps) => {
          const contract = pooledContract(pool, amounts, subsidyBps);
          const milestones = amounts.map((amount, index) => milestoneOf(index + 1, amount));
          let balances = new Map<string, number>();
          const escrow = ledgerAccount.escrow(CTR);
          for (const step of steps) {
            const index = (step.n - 1) % milestones.length;
            const milestone = milestones[index]!;
            const by = pool.members[step.who % pool.members.length]!.orgId;
            const command: MilestoneCommand = step.command.action === 'fund' ? { action: 'fund', by: { orgId: by, sub: 'u' } } : step.command;
            let decision;
            try {
              decision = decideMilestone(contract, milestone, command, T0);
            } catch (error) {
              expect(error instanceof ConflictError || error instanceof ValidationError).toBe(true);
              continue;
            }
            milestones[index] = decision.milestone;
            if (decision.action === 'fundPart') expect(decision.entry).toBeUndefined();
            if (!decision.entry) continue;
            assertBalanced(decision.entry.postings);
            expect(decision.entry.postings.reduce((sum, posting) => sum + posting.amount, 0)).toBe(0);
            balances = applyPostings(balances, decision.entry.postings); // throws if escrow or earnings would go below zero
            kinds.set(decision.entry.kind, (kinds.get(decision.entry.kind) ?? 0) + 1);
            if (decision.entry.kind === 'FUND') {
              // Every member funded its part first, and the one FUND entry debits each by its share of the enterprise part.
              expect(new Set(decision.milestone.fundedParts?.map((part) => part.orgId))).toEqual(new Set(pool.members.map((m) => m.orgId)));
              const amount = milestone.amount.amount;
              const enterprisePart = subsidyBps ? amount - (decision.milestone.funding!.find((share) => share.orgId === GOV)?.amount ?? 0) : amount;
              for (const { orgId, bps } of pool.members) {
                const paid = -(decision.entry.postings.find((posting) => posting.account === ledgerAccount.external(orgId))?.amount ?? 0);
                expect(Math.abs(paid * WHOLE_BPS - enterprisePart * bps)).toBeLessThan(WHOLE_BPS);
              }
            }
            const held = milestones.filter((m) => ['FUNDED', 'SUBMITTED', 'DISPUTED'].includes(m.status)).reduce((sum, m) => sum + m.amount.amount, 0);
            expect(balances.get(escrow) ?? 0).toBe(held);
          }
          expect([...balances.values()].reduce((sum, balance) => sum + balance, 0)).toBe(0);
          // Refunds and splits go back by what each paid: nobody gets back more than it paid.
          for (const [account, balance] of balances) if (account.startsWith('external:')) expect(balance).toBeLessThanOrEqual(0);
          // Each member's funding across the milestones: its share of the enterprise parts funded, within one fen per FUND entry.
          const funded = milestones.filter((m) => m.funding);
          for (const { orgId, bps } of pool.members) {
            const paid = funded.reduce((sum, m) => sum + (m.funding!.find((share) => share.orgId === orgId)?.amount ?? 0), 0);
            const exact = funded.reduce((sum, m) => sum + ((m.amount.amount - (m.funding!.find((share) => share.orgId === GOV)?.amount ?? 0)) * bps) / WHOLE_BPS, 0);
            expect(Math.abs(paid - exact)).toBeLessThan(Math.max(1, funded.length));
          }
        },
      ),
      { numRuns: 500 },
    );
    // Every kind of entry was exercised (a bound well below the usual 40–150 per kind, so no seed fails it by chance).
    for (const kind of ['FUND', 'RELEASE', 'REFUND', 'SPLIT']) expect(kinds.get(kind) ?? 0).toBeGreaterThan(10);
  });
});
