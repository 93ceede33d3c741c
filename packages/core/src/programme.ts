import { z } from 'zod';
import { ConflictError, ValidationError } from './errors.js';
import { endOfShanghaiDay, isCalendarDate, SHANGHAI_OFFSET_MS } from './due-dates.js';
import { ledgerAccount, type Posting } from './ledger.js';
import { moneySchema } from './money-schema.js';
import { allocateByBps, WHOLE_BPS } from './money.js';
import type { Contract, Milestone } from './contract.js';

/**
 * Subsidy programmes (政府资助计划): a government body publishes a programme
 * with a budget, a maximum share and the clusters it covers; an enterprise
 * applies for a share of one of its contracts; approval reserves the subsidy
 * against the budget. Pure rules here; the reservation's atomicity is a
 * condition on the programme item (data/programmes.ts).
 *
 * Money: the reservation of a contract is, for each milestone not yet funded,
 * the government's share of its amount exactly as funding will take it
 * (`subsidyShare`, largest remainder). FUND posts at most that reserved share
 * per milestone; what the government did not end up paying (never funded,
 * refunded, its part of a SPLIT) returns to the programme when the contract
 * ends. A programme item therefore keeps two sums moved by ADD:
 * `committed` (approved − returned, never above budget) and `paid` (net subsidy
 * in the ledger: FUND postings less what came back to the government).
 */

export const APPLICATION_STATUSES = ['PENDING', 'APPROVED', 'REJECTED'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
export const DECISIONS = ['approve', 'reject'] as const;
export type ApplicationDecision = (typeof DECISIONS)[number];

export const programmeSchema = z.object({
  id: z.string(),
  governmentOrgId: z.string(),
  name: z.string(),
  description: z.string().optional(),
  budget: moneySchema,
  maxBps: z.number().int(),
  clusters: z.array(z.string()),
  /** First and last calendar day (Asia/Shanghai) on which applications are taken. */
  opensOn: z.string(),
  closesOn: z.string(),
  /** Approved reservations less what was returned (fen); a condition keeps it ≤ budget. */
  committed: z.number().int(),
  /** Net subsidy posted in the ledger under this programme (fen). */
  paid: z.number().int(),
  createdBy: z.string(),
  createdAt: z.string(),
  version: z.number().int(),
});
export type Programme = z.infer<typeof programmeSchema>;

export const programmeApplicationSchema = z.object({
  id: z.string(),
  programmeId: z.string(),
  programmeName: z.string(),
  governmentOrgId: z.string(),
  contractId: z.string(),
  contractTitle: z.string(),
  applicantOrgId: z.string(),
  cluster: z.string().optional(),
  bps: z.number().int(),
  status: z.enum(APPLICATION_STATUSES),
  /** Fen reserved at approval. */
  reserved: z.number().int().optional(),
  reason: z.string().optional(),
  appliedBy: z.string(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type ProgrammeApplication = z.infer<typeof programmeApplicationSchema>;

export const applicationLifecycleNext = (status: ApplicationStatus, decision: ApplicationDecision): ApplicationStatus => {
  if (status !== 'PENDING') throw new ConflictError('ALREADY_DECIDED', `The application is ${status}; it was decided already.`, { status });
  return decision === 'approve' ? 'APPROVED' : 'REJECTED';
};

/** The first instant of a programme's period and the instant after its last day. */
export const programmePeriod = (programme: Pick<Programme, 'opensOn' | 'closesOn'>) => ({
  from: new Date(Date.parse(`${programme.opensOn}T00:00:00Z`) - SHANGHAI_OFFSET_MS),
  to: endOfShanghaiDay(programme.closesOn),
});

export const isProgrammeOpen = (programme: Pick<Programme, 'opensOn' | 'closesOn'>, now: Date) => {
  const { from, to } = programmePeriod(programme);
  return now.getTime() >= from.getTime() && now.getTime() <= to.getTime();
};

/** Checks a new programme's fields that zod cannot (period order, real dates). */
export function assertProgrammeFields(input: { opensOn: string; closesOn: string; maxBps: number; budget: { amount: number } }): void {
  if (!isCalendarDate(input.opensOn)) throw ValidationError.field('opensOn', 'Not a calendar date (yyyy-mm-dd).', 'INVALID_DATE');
  if (!isCalendarDate(input.closesOn)) throw ValidationError.field('closesOn', 'Not a calendar date (yyyy-mm-dd).', 'INVALID_DATE');
  if (input.closesOn < input.opensOn) throw ValidationError.field('closesOn', 'The period ends before it starts.', 'PERIOD_ORDER');
  if (input.maxBps < 1 || input.maxBps > 9_999) throw ValidationError.field('maxBps', 'A programme co-funds between 1 and 9999 basis points.', 'BPS_RANGE');
  if (input.budget.amount <= 0) throw ValidationError.field('budget.amount', 'The budget must be positive.', 'AMOUNT_RANGE');
}

/**
 * May this contract apply to this programme with this share? 409 outside the
 * period, 400 for a share above the maximum or a cluster the programme does not cover.
 */
export function assertApplicable(
  programme: Programme,
  contract: Pick<Contract, 'status' | 'cluster' | 'shares' | 'grant'>,
  bps: number,
  now: Date,
): void {
  if (!isProgrammeOpen(programme, now)) {
    throw new ConflictError('PROGRAMME_CLOSED', `The programme takes applications from ${programme.opensOn} to ${programme.closesOn}.`, {
      opensOn: programme.opensOn,
      closesOn: programme.closesOn,
    });
  }
  if (!contract.cluster || !programme.clusters.includes(contract.cluster)) {
    throw ValidationError.field('contractId', `The programme covers ${programme.clusters.join(', ')}; this contract is in ${contract.cluster ?? 'no cluster'}.`, 'CLUSTER_NOT_COVERED');
  }
  if (bps > programme.maxBps) throw ValidationError.field('bps', `The programme funds at most ${programme.maxBps} basis points.`, 'BPS_ABOVE_MAXIMUM');
  if (contract.status !== 'PENDING_SIGNATURES' && contract.status !== 'ACTIVE') {
    throw new ConflictError('CONTRACT_NOT_OPEN', `A subsidy is applied for on an awarded or ACTIVE contract; this one is ${contract.status}.`, { status: contract.status });
  }
  if (contract.shares.subsidy || contract.grant) {
    throw new ConflictError('ALREADY_SUBSIDISED', 'This contract already has a government subsidy.');
  }
}

/** The government's share of an amount at `bps`, rounded exactly as a FUND entry takes it (largest remainder). */
export function subsidyShare(amount: number, bps: number): number {
  return allocateByBps(amount, [
    { key: 'enterprise', bps: WHOLE_BPS - bps },
    { key: 'government', bps },
  ])[1]!.amount;
}

/** What approval reserves: the subsidy share of every milestone not yet funded. */
export function reservationFor(milestones: readonly Pick<Milestone, 'n' | 'status' | 'amount'>[], bps: number) {
  const shares: Record<string, number> = {};
  let reserved = 0;
  for (const milestone of milestones) {
    if (milestone.status !== 'PENDING') continue;
    const share = subsidyShare(milestone.amount.amount, bps);
    shares[String(milestone.n)] = share;
    reserved += share;
  }
  return { reserved, shares };
}

/**
 * The subsidy a FUND of milestone `n` takes from the contract's approved grant:
 * its share at the grant's rate, but never more than was reserved for it (a
 * change order may have re-priced it since); 0 without a reservation.
 */
export function grantFundingShare(contract: Pick<Contract, 'grant'>, n: number, amount: number): number {
  const reservedForIt = contract.grant?.shares[String(n)];
  if (!contract.grant || reservedForIt === undefined) return 0;
  return Math.min(reservedForIt, subsidyShare(amount, contract.grant.bps));
}

/** Net subsidy the government paid through these postings (FUND positive, money back negative). */
export const netSubsidyPaid = (governmentOrgId: string, postings: readonly Posting[]) =>
  -postings.filter((posting) => posting.account === ledgerAccount.external(governmentOrgId)).reduce((sum, posting) => sum + posting.amount, 0);

/** Gross subsidy paid into escrow by FUND postings (the `subsidy>PAID` counter). */
export const subsidyFunded = (governmentOrgId: string, entries: readonly { kind: string; postings: readonly Posting[] }[]) =>
  entries.filter((entry) => entry.kind === 'FUND').reduce((sum, entry) => sum + netSubsidyPaid(governmentOrgId, entry.postings), 0);

/** What a contract ending returns to its programme: the reservation less the subsidy the government paid net. */
export const unspentReservation = (grant: Pick<NonNullable<Contract['grant']>, 'reserved'>, netPaid: number) => Math.max(0, grant.reserved - netPaid);

/** The figures of a programme's page. */
export function programmeFigures(programme: Pick<Programme, 'budget' | 'committed' | 'paid'>) {
  return {
    budget: programme.budget.amount,
    /** Reserved for approved contracts and not yet paid. */
    reserved: programme.committed - programme.paid,
    paid: programme.paid,
    remaining: programme.budget.amount - programme.committed,
  };
}

