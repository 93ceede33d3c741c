import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Contract, Milestone } from './contract.js';
import { ConflictError, ValidationError } from './errors.js';
import { applyPostings, assertBalanced, ledgerAccount, parseAccount, type Posting } from './ledger.js';
import { decideMilestone, fundingShares, type MilestoneCommand } from './milestone-money.js';
import { overheadSplit, withOverhead } from './overhead.js';
import {
  assertApplicable, assertProgrammeFields, grantFundingShare, isProgrammeOpen, netSubsidyPaid, programmeFigures, reservationFor, subsidyFunded,
  subsidyShare, unspentReservation, type Programme,
} from './programme.js';
import { programmeCounter, subsidyDeltas } from './programme-stats.js';

const ENT = 'org_ENTERPRISE';
const STU = 'org_STUDIO';
const COL = 'org_COLLEGE';
const GOV = 'org_GOVERNMENT';
const CTR = 'ctr_CONTRACT';
const T0 = new Date('2026-03-01T00:00:00.000Z');

const programmeOf = (overrides: Partial<Programme> = {}): Programme => ({
  id: 'prg_P', governmentOrgId: GOV, name: '资助计划', budget: { amount: 1_000_000, currency: 'CNY' }, maxBps: 3_000, clusters: ['smart-manufacturing'],
  opensOn: '2026-03-01', closesOn: '2026-03-31', committed: 0, paid: 0, createdBy: 'gov', createdAt: T0.toISOString(), version: 1, ...overrides,
});

function contractOf(amounts: number[], overrides: Partial<Contract> = {}): Contract {
  return {
    id: CTR, requestId: 'req_X', bidId: 'bid_X', title: '焊缝检测', cluster: 'smart-manufacturing', enterpriseOrgId: ENT, studioOrgId: STU, collegeOrgId: COL,
    status: 'ACTIVE', price: { amount: amounts.reduce((a, b) => a + b, 0), currency: 'CNY' }, milestoneCount: amounts.length,
    shares: { benefitShares: [{ orgId: ENT, bps: 10_000 }], riskShares: [{ orgId: ENT, bps: 10_000 }], ipOwnership: 'JOINT' },
    requiredSigners: [ENT, STU], signatures: [], reviewWindowDays: 14, createdAt: T0.toISOString(), updatedAt: T0.toISOString(), version: 3, ...overrides,
  };
}

const milestoneOf = (n: number, amount: number, overrides: Partial<Milestone> = {}): Milestone => ({
  contractId: CTR, n, title: `M${n}`, amount: { amount, currency: 'CNY' }, dueInDays: 10, status: 'PENDING', updatedAt: T0.toISOString(), version: 1, ...overrides,
});

describe('a programme’s period and fields', () => {
  it('is open from the first Asia/Shanghai instant of its first day to the last of its last day', () => {
    const programme = programmeOf();
    expect(isProgrammeOpen(programme, new Date('2026-02-28T15:59:59.999Z'))).toBe(false);
    expect(isProgrammeOpen(programme, new Date('2026-02-28T16:00:00.000Z'))).toBe(true);
    expect(isProgrammeOpen(programme, new Date('2026-03-31T15:59:59.999Z'))).toBe(true);
    expect(isProgrammeOpen(programme, new Date('2026-03-31T16:00:00.000Z'))).toBe(false);
  });

  it('refuses a period that ends before it starts, an impossible date, a share out of range and an empty budget', () => {
    const ok = { opensOn: '2026-03-01', closesOn: '2026-03-01', maxBps: 3_000, budget: { amount: 1 } };
    expect(() => assertProgrammeFields(ok)).not.toThrow();
    expect(() => assertProgrammeFields({ ...ok, closesOn: '2026-02-28' })).toThrow(ValidationError);
    expect(() => assertProgrammeFields({ ...ok, opensOn: '2026-02-30' })).toThrow(ValidationError);
    expect(() => assertProgrammeFields({ ...ok, maxBps: 10_000 })).toThrow(ValidationError);
    expect(() => assertProgrammeFields({ ...ok, budget: { amount: 0 } })).toThrow(ValidationError);
  });
});

describe('applying', () => {
  const now = new Date('2026-03-10T00:00:00.000Z');
  it('takes an awarded or ACTIVE contract of a covered cluster at most at the maximum share', () => {
    expect(() => assertApplicable(programmeOf(), contractOf([100]), 3_000, now)).not.toThrow();
    expect(() => assertApplicable(programmeOf(), contractOf([100], { status: 'PENDING_SIGNATURES' }), 1, now)).not.toThrow();
  });
  it('refuses a closed programme (409), another cluster, a share above the maximum (400) and a contract subsidised already or ended (409)', () => {
    const error = (fn: () => void) => {
      try {
        fn();
      } catch (caught) {
        return caught as ConflictError | ValidationError;
      }
      throw new Error('did not throw');
    };
    expect(error(() => assertApplicable(programmeOf(), contractOf([100]), 3_000, new Date('2026-04-01T00:00:00Z'))).code).toBe('PROGRAMME_CLOSED');
    expect(error(() => assertApplicable(programmeOf(), contractOf([100], { cluster: 'new-energy-vehicles' }), 3_000, now)).code).toBe('CLUSTER_NOT_COVERED');
    expect(error(() => assertApplicable(programmeOf(), contractOf([100]), 3_001, now)).code).toBe('BPS_ABOVE_MAXIMUM');
    expect(error(() => assertApplicable(programmeOf(), contractOf([100], { status: 'COMPLETED' }), 3_000, now)).code).toBe('CONTRACT_NOT_OPEN');
    const subsidised = contractOf([100], { shares: { ...contractOf([100]).shares, subsidy: { orgId: GOV, bps: 1_000 } } });
    expect(error(() => assertApplicable(programmeOf(), subsidised, 3_000, now)).code).toBe('ALREADY_SUBSIDISED');
  });
});

describe('reserving and funding', () => {
  it('reserves the subsidy share of each milestone not yet funded, rounded as funding rounds it', () => {
    const milestones = [milestoneOf(1, 100_001, { status: 'FUNDED' }), milestoneOf(2, 333_333), milestoneOf(3, 5)];
    // 333 333 × 25 % = 83 333.25 → 83 333; 5 × 25 % = 1.25 → 1.
    expect(reservationFor(milestones, 2_500)).toEqual({ reserved: 83_334, shares: { 2: 83_333, 3: 1 } });
    expect(subsidyShare(1_234_565, 3_000)).toBe(370_369);
  });

  it('funds a milestone with its reserved share, never more than reserved, nothing for a milestone without a reservation', () => {
    const grant = { programmeId: 'prg_P', applicationId: 'sap_A', orgId: GOV, bps: 2_500, reserved: 83_334, shares: { 2: 83_333, 3: 1 }, approvedAt: T0.toISOString() };
    const contract = contractOf([100_001, 333_333, 5], { grant });
    expect(fundingShares(contract, { amount: 333_333, currency: 'CNY' }, 2)).toEqual([{ orgId: ENT, amount: 250_000 }, { orgId: GOV, amount: 83_333 }]);
    // Re-priced up after approval: the subsidy stays at its reservation.
    expect(grantFundingShare(contract, 2, 400_000)).toBe(83_333);
    // Re-priced down: the share of the new amount.
    expect(grantFundingShare(contract, 2, 4)).toBe(1);
    expect(fundingShares(contract, { amount: 100_001, currency: 'CNY' }, 1)).toEqual([{ orgId: ENT, amount: 100_001 }]);
    expect(grantFundingShare(contractOf([1]), 1, 1)).toBe(0);
  });

  it('counts net subsidy, gross FUND subsidy, the unspent reservation and the page figures', () => {
    const fund: Posting[] = [{ account: ledgerAccount.external(ENT), amount: -70 }, { account: ledgerAccount.external(GOV), amount: -30 }, { account: ledgerAccount.escrow(CTR), amount: 100 }];
    const refund: Posting[] = [{ account: ledgerAccount.escrow(CTR), amount: -100 }, { account: ledgerAccount.external(ENT), amount: 70 }, { account: ledgerAccount.external(GOV), amount: 30 }];
    expect(netSubsidyPaid(GOV, fund)).toBe(30);
    expect(netSubsidyPaid(GOV, refund)).toBe(-30);
    expect(subsidyFunded(GOV, [{ kind: 'FUND', postings: fund }, { kind: 'REFUND', postings: refund }])).toBe(30);
    expect(unspentReservation({ reserved: 90 }, 30)).toBe(60);
    expect(programmeFigures({ budget: { amount: 1_000, currency: 'CNY' }, committed: 90, paid: 30 })).toEqual({ budget: 1_000, reserved: 60, paid: 30, remaining: 910 });
  });

  it('writes the shared counter names in the cluster and programme scopes, total and month', () => {
    const deltas = subsidyDeltas(programmeCounter.approved, 'smart-manufacturing', 'prg_P', CTR, 500, '2026-03-10T00:00:00Z');
    expect(deltas.map((d) => `${d.cluster}|${d.bucket}|${JSON.stringify(d.add)}`)).toEqual([
      'smart-manufacturing|#TOTAL|{"subsidy>APPROVED":500}',
      'smart-manufacturing|MONTH#2026-03|{"subsidy>APPROVED":500}',
      'prog~prg_P|#TOTAL|{"subsidy>APPROVED":500}',
      'prog~prg_P|MONTH#2026-03|{"subsidy>APPROVED":500}',
    ]);
    expect(subsidyDeltas(programmeCounter.paid, undefined, 'prg_P', CTR, 0, T0.toISOString())).toEqual([]);
  });
});

describe('college overhead', () => {
  it('splits by largest remainder, the parts summing to the amount', () => {
    expect(overheadSplit(123_457, 1_250)).toEqual({ studio: 108_025, college: 15_432 });
    expect(overheadSplit(1, 5_000)).toEqual({ studio: 1, college: 0 });
    expect(overheadSplit(100, 0)).toEqual({ studio: 100, college: 0 });
    expect(overheadSplit(100, 10_000)).toEqual({ studio: 0, college: 100 });
    expect(() => overheadSplit(100, 10_001)).toThrow(ValidationError);
    expect(() => overheadSplit(100, -1)).toThrow(ValidationError);
  });

  it('divides only the studio’s earnings posting of an entry, leaving the rest', () => {
    const release: Posting[] = [{ account: ledgerAccount.escrow(CTR), amount: -1_000 }, { account: ledgerAccount.earnings(STU), amount: 1_000 }];
    expect(withOverhead(release, STU, undefined)).toEqual(release);
    expect(withOverhead(release, STU, { collegeOrgId: COL, bps: 0, version: 1 })).toEqual(release);
    expect(withOverhead(release, STU, { collegeOrgId: COL, bps: 1_500, version: 2 })).toEqual([
      { account: ledgerAccount.escrow(CTR), amount: -1_000 },
      { account: ledgerAccount.earnings(STU), amount: 850 },
      { account: ledgerAccount.earnings(COL), amount: 150 },
    ]);
    // All to the college: the studio's posting of 0 is dropped, the entry still balances.
    expect(withOverhead(release, STU, { collegeOrgId: COL, bps: 10_000, version: 3 })).toEqual([
      { account: ledgerAccount.escrow(CTR), amount: -1_000 },
      { account: ledgerAccount.earnings(COL), amount: 1_000 },
    ]);
  });
});

describe('property: random programmes, subsidies, overhead rates and milestone outcomes', () => {
  const outcome = fc.oneof(
    fc.constant({ kind: 'RELEASE' as const }),
    fc.constant({ kind: 'REFUND' as const }),
    fc.integer({ min: 1, max: 9_999 }).map((studioBps) => ({ kind: 'SPLIT' as const, studioBps })),
    fc.constant({ kind: 'UNFUNDED' as const }),
  );
  const contractArb = fc.record({
    amounts: fc.array(fc.integer({ min: 1, max: 50_000_000 }), { minLength: 1, maxLength: 6 }),
    bps: fc.integer({ min: 1, max: 9_999 }),
    overheadBps: fc.integer({ min: 0, max: 10_000 }),
    fundedBefore: fc.integer({ min: 0, max: 2 }),
    outcomes: fc.array(outcome, { minLength: 6, maxLength: 6 }),
    terminate: fc.boolean(),
  });

  it('balances every entry, keeps escrow and earnings non-negative, never exceeds the budget, and ends with committed = paid = the ledger', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000_000 }), fc.array(contractArb, { minLength: 1, maxLength: 5 }), (budget, contracts) => {
        let committed = 0;
        let paid = 0;
        let ledgerSubsidy = 0;
        contracts.forEach((spec, index) => {
          const id = `ctr_${index}`;
          let contract = contractOf(spec.amounts, { id, overhead: { collegeOrgId: COL, bps: spec.overheadBps, version: 1 } });
          let milestones = spec.amounts.map((amount, i) => ({ ...milestoneOf(i + 1, amount), contractId: id }));
          let balances = new Map<string, number>();
          const post = (postings: Posting[]) => {
            assertBalanced(postings);
            balances = applyPostings(balances, postings);
            for (const [account, amount] of balances) if (parseAccount(account).kind !== 'external') expect(amount).toBeGreaterThanOrEqual(0);
            const net = netSubsidyPaid(GOV, postings);
            paid += net;
            ledgerSubsidy += net;
          };
          const step = (n: number, command: MilestoneCommand) => {
            const decision = decideMilestone(contract, milestones[n - 1]!, command, T0);
            milestones[n - 1] = decision.milestone;
            if (decision.entry) post(decision.entry.postings);
            return decision;
          };
          // Some milestones funded before the approval: they carry no subsidy.
          for (let n = 1; n <= Math.min(spec.fundedBefore, milestones.length); n += 1) step(n, { action: 'fund' });
          // Approval: a condition `committed + x <= budget`, as the programme item's update has.
          const reservation = reservationFor(milestones, spec.bps);
          const approved = reservation.reserved > 0 && committed + reservation.reserved <= budget;
          if (approved) {
            committed += reservation.reserved;
            contract = { ...contract, grant: { programmeId: 'prg_P', applicationId: `sap_${index}`, orgId: GOV, bps: spec.bps, ...reservation, approvedAt: T0.toISOString() } };
          }
          expect(committed).toBeLessThanOrEqual(budget);
          milestones.forEach((milestone, i) => {
            const plan = spec.outcomes[i]!;
            if (plan.kind === 'UNFUNDED' && milestone.status === 'PENDING') return;
            if (milestone.status === 'PENDING') step(milestone.n, { action: 'fund' });
            if (spec.terminate && i === milestones.length - 1) return; // left in escrow for termination
            if (plan.kind === 'RELEASE' || plan.kind === 'UNFUNDED') {
              step(milestone.n, { action: 'submit', note: '交付' });
              step(milestone.n, { action: 'accept' });
            } else {
              step(milestone.n, { action: 'dispute', disputeId: `dsp_${index}_${milestone.n}` });
              step(milestone.n, plan.kind === 'REFUND' ? { action: 'resolve', outcome: 'REFUND' } : { action: 'resolve', outcome: 'SPLIT', studioBps: plan.studioBps });
            }
          });
          if (spec.terminate) {
            for (const milestone of milestones) if (milestone.status === 'FUNDED') step(milestone.n, { action: 'terminateRefund' });
          }
          expect(balances.get(ledgerAccount.escrow(id)) ?? 0).toBe(0);
          // The contract ends: its unspent reservation goes back.
          if (contract.grant) committed -= unspentReservation(contract.grant, -(balances.get(ledgerAccount.external(GOV)) ?? 0));
          expect(committed).toBeLessThanOrEqual(budget);
          // The college's earnings are its overhead of what the studio earned.
          if (spec.overheadBps === 0) expect(balances.get(ledgerAccount.earnings(COL)) ?? 0).toBe(0);
        });
        expect(committed).toBe(paid);
        expect(paid).toBe(ledgerSubsidy);
        expect(programmeFigures({ budget: { amount: budget, currency: 'CNY' }, committed, paid }).reserved).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
