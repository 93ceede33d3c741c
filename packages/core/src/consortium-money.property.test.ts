import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Contract, Milestone } from './contract.js';
import { applyPostings, assertBalanced, ledgerAccount, parseAccount, type Posting } from './ledger.js';
import { decideMilestone, type FundingShare, type MilestoneCommand } from './milestone-money.js';
import { WHOLE_BPS } from './money.js';
import type { ContractPool } from './pool.js';
import { netSubsidyPaid, reservationFor, unspentReservation } from './programme.js';

/**
 * #13 acceptance, all parts together: random pools (2–8 members, random
 * pledges), an award-time subsidy OR a programme grant (several contracts
 * under one budget), a college overhead rate and random milestone outcomes
 * (fund by parts, release, refund, split, terminate), driven through the pure
 * functions the services call (`decideMilestone`, `fundingShares` inside it,
 * the postings with `withOverhead`).
 */

const STU = 'org_STUDIO';
const COLLEGE = 'org_COLLEGE';
const GOV = 'org_GOV';
const T0 = new Date('2026-03-01T00:00:00.000Z');

type Outcome = { kind: 'release' } | { kind: 'refund' } | { kind: 'split'; studioBps: number } | { kind: 'leave' } | { kind: 'unfunded' };

const poolArb = fc
  .integer({ min: 2, max: 8 })
  .chain((size) => fc.array(fc.integer({ min: 1, max: 1_000 }), { minLength: size, maxLength: size }))
  .map((weights): ContractPool => {
    // Random pledges that total exactly 10 000 bps, every member at least 1 bp.
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    const bps = weights.map((weight) => 1 + Math.floor(((WHOLE_BPS - weights.length) * weight) / total));
    bps[0]! += WHOLE_BPS - bps.reduce((sum, part) => sum + part, 0);
    return { members: bps.map((part, index) => ({ orgId: `org_M${index}`, bps: part })) };
  });

const outcomeArb: fc.Arbitrary<Outcome> = fc.oneof(
  fc.constant({ kind: 'release' as const }),
  fc.constant({ kind: 'refund' as const }),
  fc.integer({ min: 1, max: WHOLE_BPS - 1 }).map((studioBps) => ({ kind: 'split' as const, studioBps })),
  fc.constant({ kind: 'leave' as const }),
  fc.constant({ kind: 'unfunded' as const }),
);

const contractArb = fc.record({
  pool: poolArb,
  milestones: fc.array(fc.record({ amount: fc.integer({ min: 1, max: 5_000_000 }), outcome: outcomeArb }), { minLength: 1, maxLength: 6 }),
  subsidy: fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.integer({ min: 1, max: 9_999 }).map((bps) => ({ kind: 'award' as const, bps })),
    fc.integer({ min: 1, max: 9_999 }).map((bps) => ({ kind: 'grant' as const, bps })),
  ),
  overheadBps: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: WHOLE_BPS })),
  terminate: fc.boolean(),
});

const scenarioArb = fc.record({ budget: fc.integer({ min: 1, max: 20_000_000 }), contracts: fc.array(contractArb, { minLength: 1, maxLength: 3 }) });

function contractOf(id: string, spec: ContractSpec): Contract {
  const price = spec.milestones.reduce((sum, milestone) => sum + milestone.amount, 0);
  const owner = spec.pool.members[0]!.orgId;
  return {
    id, requestId: `req_${id}`, bidId: `bid_${id}`, title: '共性技术', enterpriseOrgId: owner, studioOrgId: STU,
    governmentOrgId: spec.subsidy.kind === 'none' ? undefined : GOV, status: 'ACTIVE', price: { amount: price, currency: 'CNY' },
    milestoneCount: spec.milestones.length,
    shares: {
      benefitShares: [{ orgId: owner, bps: 6_000 }, { orgId: STU, bps: 4_000 }],
      riskShares: [{ orgId: owner, bps: 7_000 }, { orgId: STU, bps: 3_000 }],
      ipOwnership: 'LICENSED_TO_COFUNDERS',
      subsidy: spec.subsidy.kind === 'award' ? { orgId: GOV, bps: spec.subsidy.bps } : undefined,
    },
    requiredSigners: [...spec.pool.members.map((member) => member.orgId), STU], signatures: [], reviewWindowDays: 14,
    createdAt: T0.toISOString(), updatedAt: T0.toISOString(), version: 3, pool: spec.pool,
    ...(spec.overheadBps > 0 ? { overhead: { collegeOrgId: COLLEGE, bps: spec.overheadBps, version: 1 } } : {}),
  };
}
type ContractSpec = { pool: ContractPool; milestones: { amount: number; outcome: Outcome }[]; subsidy: { kind: 'none' } | { kind: 'award' | 'grant'; bps: number }; overheadBps: number; terminate: boolean };

const milestoneOf = (contractId: string, n: number, amount: number): Milestone => ({
  contractId, n, title: `M${n}`, amount: { amount, currency: 'CNY' }, dueInDays: 10 * n, status: 'PENDING', updatedAt: T0.toISOString(), version: 1,
});

describe('consortium money: pools × programmes × overhead × outcomes', () => {
  it('balances every entry, keeps escrow and earnings non-negative, members within one fen of their share, budgets never exceeded', () => {
    fc.assert(
      fc.property(scenarioArb, ({ budget, contracts: specs }) => {
        let balances = new Map<string, number>();
        let committed = 0;
        let programmePaid = 0;
        const post = (postings: Posting[]) => {
          assertBalanced(postings);
          expect(postings.reduce((sum, posting) => sum + posting.amount, 0)).toBe(0);
          balances = applyPostings(balances, postings); // refuses escrow or earnings below zero
        };

        specs.forEach((spec, c) => {
          const id = `ctr_${c}`;
          let contract = contractOf(id, spec);
          const milestones = spec.milestones.map((milestone, index) => milestoneOf(id, index + 1, milestone.amount));
          // A programme grant: approval reserves the subsidy of every milestone, only if the budget still holds it.
          if (spec.subsidy.kind === 'grant') {
            const { reserved, shares } = reservationFor(milestones, spec.subsidy.bps);
            if (committed + reserved <= budget) {
              committed += reserved;
              contract = { ...contract, grant: { programmeId: 'prog_1', applicationId: `app_${c}`, orgId: GOV, bps: spec.subsidy.bps, reserved, shares, approvedAt: T0.toISOString() } };
            }
          }
          const entries: Posting[][] = [];
          const run = (milestone: Milestone, command: MilestoneCommand) => {
            const decision = decideMilestone(contract, milestone, command, T0);
            if (decision.entry) {
              post(decision.entry.postings);
              entries.push(decision.entry.postings);
            }
            return decision.milestone;
          };
          // Milestones in order: each member funds its part (the last part posts FUND), then the outcome.
          spec.milestones.forEach((plan, index) => {
            if (plan.outcome.kind === 'unfunded') return;
            let milestone = milestones[index]!;
            for (const member of contract.pool!.members) {
              const fundedBefore: FundingShare[] = milestones.filter((other) => other.n !== milestone.n).flatMap((other) => other.funding ?? []);
              milestone = run(milestone, { action: 'fund', by: { orgId: member.orgId, sub: 'u' }, fundedBefore });
            }
            expect(milestone.status).toBe('FUNDED');
            if (plan.outcome.kind === 'release') {
              milestone = run(run(milestone, { action: 'submit', note: 'done' }), { action: 'accept' });
            } else if (plan.outcome.kind === 'refund') {
              milestone = run(run(milestone, { action: 'dispute', disputeId: 'd' }), { action: 'resolve', outcome: 'REFUND' });
            } else if (plan.outcome.kind === 'split') {
              milestone = run(run(milestone, { action: 'dispute', disputeId: 'd' }), { action: 'resolve', outcome: 'SPLIT', studioBps: plan.outcome.studioBps });
            }
            milestones[index] = milestone;
          });
          // Termination refunds whatever escrow still holds.
          if (spec.terminate) {
            milestones.forEach((milestone, index) => {
              if (milestone.status === 'FUNDED') milestones[index] = run(milestone, { action: 'terminateRefund' });
            });
            expect(balances.get(ledgerAccount.escrow(id)) ?? 0).toBe(0);
          }

          // Each member paid its share of the enterprise part of everything funded, within one fen.
          const funds = milestones.flatMap((milestone) => milestone.funding ?? []);
          const subsidyFunded = funds.filter((share) => share.orgId === GOV).reduce((sum, share) => sum + share.amount, 0);
          const enterprisePart = funds.reduce((sum, share) => sum + share.amount, 0) - subsidyFunded;
          for (const member of contract.pool!.members) {
            const paid = funds.filter((share) => share.orgId === member.orgId).reduce((sum, share) => sum + share.amount, 0);
            expect(paid).toBeGreaterThanOrEqual(0);
            const off = BigInt(paid) * BigInt(WHOLE_BPS) - BigInt(enterprisePart) * BigInt(member.bps);
            expect(off <= BigInt(WHOLE_BPS) && off >= -BigInt(WHOLE_BPS), `${member.orgId} paid ${paid} of ${enterprisePart} at ${member.bps} bps`).toBe(true);
            funds.filter((share) => share.orgId === member.orgId).forEach((share) => expect(share.amount).toBeGreaterThanOrEqual(0));
          }

          // The programme: the subsidy paid never exceeds what approval reserved; an ended contract returns the rest.
          if (contract.grant) {
            const netPaid = entries.reduce((sum, postings) => sum + netSubsidyPaid(GOV, postings), 0);
            expect(subsidyFunded).toBeLessThanOrEqual(contract.grant.reserved);
            expect(netPaid).toBeGreaterThanOrEqual(0);
            programmePaid += netPaid;
            if (spec.terminate) committed -= unspentReservation(contract.grant, netPaid);
          } else if (spec.subsidy.kind !== 'award') {
            expect(subsidyFunded).toBe(0);
          }
          expect(committed).toBeLessThanOrEqual(budget);
          expect(programmePaid).toBeLessThanOrEqual(committed);
        });

        // The whole ledger still sums to zero; escrow and earnings never went negative along the way.
        expect([...balances.values()].reduce((sum, amount) => sum + amount, 0)).toBe(0);
        for (const [account, amount] of balances) {
          const { kind } = parseAccount(account);
          if (kind === 'escrow' || kind === 'earnings') expect(amount).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('allocates a pool cumulatively: after many odd milestones every member is within one fen of its share', () => {
    const pool: ContractPool = { members: [{ orgId: 'org_M0', bps: 3_334 }, { orgId: 'org_M1', bps: 3_333 }, { orgId: 'org_M2', bps: 3_333 }] };
    const spec: ContractSpec = { pool, milestones: Array.from({ length: 6 }, () => ({ amount: 1, outcome: { kind: 'leave' } })), subsidy: { kind: 'none' }, overheadBps: 0, terminate: false };
    const contract = contractOf('ctr_ones', spec);
    const funding: FundingShare[] = [];
    for (let n = 1; n <= 6; n++) {
      let milestone = milestoneOf(contract.id, n, 1);
      for (const member of pool.members) milestone = decideMilestone(contract, milestone, { action: 'fund', by: { orgId: member.orgId, sub: 'u' }, fundedBefore: [...funding] }, T0).milestone;
      funding.push(...milestone.funding!);
    }
    // Six milestones of one fen: per entry, the first member would have paid all six; cumulatively each pays two.
    const paid = (orgId: string) => funding.filter((share) => share.orgId === orgId).reduce((sum, share) => sum + share.amount, 0);
    expect(pool.members.map((member) => paid(member.orgId))).toEqual([2, 2, 2]);
  });

  it('never charges a member a negative part when the cumulative allocation takes a fen from it (the Alabama paradox)', () => {
    // Largest remainder of 24 fen gives [3, 4, 8, 5, 4], of 25 fen [2, 5, 8, 6, 4]: the first member's total would drop.
    const bps = [986, 1_803, 3_245, 2_229, 1_737];
    const pool: ContractPool = { members: bps.map((part, index) => ({ orgId: `org_M${index}`, bps: part })) };
    const contract = contractOf('ctr_alabama', { pool, milestones: [{ amount: 24, outcome: { kind: 'leave' } }, { amount: 1, outcome: { kind: 'leave' } }], subsidy: { kind: 'none' }, overheadBps: 0, terminate: false });
    const funding: FundingShare[] = [];
    for (const [n, amount] of [[1, 24], [2, 1]] as const) {
      let milestone = milestoneOf(contract.id, n, amount);
      for (const member of pool.members) milestone = decideMilestone(contract, milestone, { action: 'fund', by: { orgId: member.orgId, sub: 'u' }, fundedBefore: [...funding] }, T0).milestone;
      expect(milestone.funding!.every((share) => share.amount >= 0)).toBe(true);
      expect(milestone.funding!.reduce((sum, share) => sum + share.amount, 0)).toBe(amount);
      funding.push(...milestone.funding!);
    }
    for (const member of pool.members) {
      const paid = funding.filter((share) => share.orgId === member.orgId).reduce((sum, share) => sum + share.amount, 0);
      expect(Math.abs(paid * WHOLE_BPS - 25 * member.bps)).toBeLessThanOrEqual(WHOLE_BPS);
    }
    expect(funding.slice(5).find((share) => share.orgId === 'org_M0')!.amount).toBe(0);
  });
});
