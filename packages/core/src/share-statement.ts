import { z } from 'zod';
import type { Contract } from './contract.js';
import { shanghaiDate } from './due-dates.js';
import { ConflictError, ValidationError } from './errors.js';
import type { JournalEntry } from './ledger.js';
import { moneySchema } from './money-schema.js';
import { allocateByBps, assertSameCurrency, type Money } from './money.js';
import { expandPoolShares } from './pool.js';

/**
 * Benefit and risk statements (风险共担、利益共享): a party reports downstream
 * revenue (BENEFIT) or a loss (RISK) of a contract, and the platform records
 * how it divides among the parties by the contract's share agreement. A
 * statement is a record, not a ledger movement: the money lives outside the
 * platform (PRODUCT.md §3).
 */
export const STATEMENT_KINDS = ['BENEFIT', 'RISK'] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

export const shareStatementSchema = z.object({
  id: z.string(),
  contractId: z.string(),
  kind: z.enum(STATEMENT_KINDS),
  amount: moneySchema,
  note: z.string().optional(),
  allocations: z.array(z.object({ orgId: z.string(), bps: z.number().int(), amount: moneySchema })),
  reportedBy: z.object({ sub: z.string(), orgId: z.string() }),
  at: z.string(),
  /** The year (and quarter) the benefit or loss belongs to; absent on statements recorded before periods: the year of `at`. */
  period: z.object({ year: z.number().int(), quarter: z.number().int().min(1).max(4).optional() }).optional(),
});
export type ShareStatement = z.infer<typeof shareStatementSchema>;

/** Contract states in which the share agreement is fixed (every party signed). */
export const SHARES_FIXED_STATUSES: readonly Contract['status'][] = ['ACTIVE', 'COMPLETED', 'TERMINATED'];

/**
 * Each party's part of `amount` by the contract's benefitShares (BENEFIT) or
 * riskShares (RISK), with largest-remainder rounding: the parts sum exactly to
 * the amount and each is within one minor unit of its exact share; ties go to
 * the larger share, then to the party listed first in the agreement.
 */
export function allocateStatement(contract: Pick<Contract, 'status' | 'price' | 'shares'> & Partial<Pick<Contract, 'enterpriseOrgId' | 'pool'>>, kind: StatementKind, amount: Money) {
  if (!SHARES_FIXED_STATUSES.includes(contract.status)) {
    throw new ConflictError('SHARES_NOT_FIXED', 'The share agreement is fixed only once every party has signed the contract.', { status: contract.status });
  }
  assertSameCurrency(contract.price, amount, 'amount.currency');
  // A pooled contract's agreement names the enterprise for the pool: its line is divided across the members by their bps.
  const table = expandPoolShares(kind === 'BENEFIT' ? contract.shares.benefitShares : contract.shares.riskShares, contract.enterpriseOrgId ?? '', contract.pool);
  const parts = allocateByBps(amount.amount, table.map((share) => ({ key: share.orgId, bps: share.bps })));
  return parts.map((part, index) => ({ orgId: part.key, bps: table[index]!.bps, amount: { amount: part.amount, currency: amount.currency } }));
}

export type StatementPeriod = NonNullable<ShareStatement['period']>;

/** Years after the contract ends that benefits are still reported when the agreement names no term. */
export const DEFAULT_SHARE_TERM_YEARS = 3;

/** The Asia/Shanghai calendar year and quarter of an instant. */
export function shanghaiPeriod(instant: Date | string): { year: number; quarter: number } {
  const date = shanghaiDate(instant);
  return { year: Number(date.slice(0, 4)), quarter: Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1 };
}

/** The year a statement counts in: its period, or for an older statement without one the (Shanghai) year it was recorded. */
export const statementYear = (statement: Pick<ShareStatement, 'period' | 'at'>) => statement.period?.year ?? shanghaiPeriod(statement.at).year;

/**
 * A reported period must have begun: a year after this one, or a quarter of
 * this year that has not started, is refused (400), and so is a year before
 * the contract was awarded.
 */
export function assertStatementPeriod(period: StatementPeriod, now: Date, contractCreatedAt: string, path = 'period'): void {
  const current = shanghaiPeriod(now);
  if (period.year > current.year) {
    throw ValidationError.field(`${path}.year`, `The period cannot be in the future (this year is ${current.year}).`, 'PERIOD_IN_FUTURE');
  }
  if (period.year === current.year && period.quarter !== undefined && period.quarter > current.quarter) {
    throw ValidationError.field(`${path}.quarter`, `The period cannot be in the future (this is quarter ${current.quarter} of ${current.year}).`, 'PERIOD_IN_FUTURE');
  }
  const first = shanghaiPeriod(contractCreatedAt).year;
  if (period.year < first) {
    throw ValidationError.field(`${path}.year`, `The contract was awarded in ${first}; a period before that has nothing to report.`, 'PERIOD_BEFORE_CONTRACT');
  }
}

/**
 * When the reporting term of an ended contract runs out: `termYears` after the
 * contract ended (the write that completed or terminated it). An ACTIVE
 * contract is always within its term.
 */
export function shareTermEndsAt(contract: Pick<Contract, 'status' | 'updatedAt' | 'shares'>): Date | undefined {
  if (contract.status !== 'COMPLETED' && contract.status !== 'TERMINATED') return undefined;
  const end = new Date(contract.updatedAt);
  end.setUTCFullYear(end.getUTCFullYear() + (contract.shares.termYears ?? DEFAULT_SHARE_TERM_YEARS));
  return end;
}

/** Reporting after the agreement's term is a 409. */
export function assertWithinShareTerm(contract: Pick<Contract, 'status' | 'updatedAt' | 'shares'>, now: Date): void {
  const ends = shareTermEndsAt(contract);
  if (ends && now.getTime() > ends.getTime()) {
    throw new ConflictError('SHARE_TERM_ENDED', `The share agreement's reporting term ended on ${shanghaiDate(ends)}.`, { termEndedAt: ends.toISOString() });
  }
}

export interface DistributionLine {
  statementId: string;
  at: string;
  period: StatementPeriod;
  kind: StatementKind;
  reported: number;
  reportedByOrgId: string;
  bps: number;
  allocated: number;
  note?: string;
}

export interface LedgerLine {
  entryId: string;
  kind: JournalEntry['kind'];
  at: string;
  milestoneN?: number;
  /** Money the party paid into escrow (FUND, positive) or had back (REFUND, SPLIT: negative), in fen. */
  paid: number;
  /** Money paid out to the party's earnings (RELEASE, SPLIT), in fen. */
  received: number;
}

/**
 * One party's distribution statement of one year: every statement of that year
 * with the party's allocation, and where money moved on the platform (the
 * ledger) what the party paid in and was paid out in that Shanghai year.
 */
export function distributionOf(
  orgId: string,
  year: number,
  statements: readonly ShareStatement[],
  entries: readonly Pick<JournalEntry, 'id' | 'kind' | 'at' | 'milestoneN' | 'postings'>[],
) {
  const lines: DistributionLine[] = statements
    .filter((statement) => statementYear(statement) === year)
    .map((statement) => {
      const allocation = statement.allocations.find((part) => part.orgId === orgId);
      return {
        statementId: statement.id,
        at: statement.at,
        period: statement.period ?? { year: statementYear(statement) },
        kind: statement.kind,
        reported: statement.amount.amount,
        reportedByOrgId: statement.reportedBy.orgId,
        bps: allocation?.bps ?? 0,
        allocated: allocation?.amount.amount ?? 0,
        ...(statement.note ? { note: statement.note } : {}),
      };
    });
  const ledger: LedgerLine[] = entries
    .filter((entry) => shanghaiPeriod(entry.at).year === year)
    .map((entry) => {
      const sum = (account: string) => entry.postings.filter((posting) => posting.account === account).reduce((total, posting) => total + posting.amount, 0);
      return {
        entryId: entry.id,
        kind: entry.kind,
        at: entry.at,
        ...(entry.milestoneN !== undefined ? { milestoneN: entry.milestoneN } : {}),
        paid: -sum(`external:${orgId}`),
        received: sum(`earnings:${orgId}`),
      };
    })
    .filter((line) => line.paid !== 0 || line.received !== 0);
  const total = (kind: StatementKind, field: 'reported' | 'allocated') => lines.filter((line) => line.kind === kind).reduce((sum, line) => sum + line[field], 0);
  return {
    orgId,
    year,
    lines,
    ledger,
    totals: {
      benefitReported: total('BENEFIT', 'reported'),
      benefitAllocated: total('BENEFIT', 'allocated'),
      riskReported: total('RISK', 'reported'),
      riskAllocated: total('RISK', 'allocated'),
      paid: ledger.reduce((sum, line) => sum + line.paid, 0),
      received: ledger.reduce((sum, line) => sum + line.received, 0),
    },
  };
}
export type Distribution = ReturnType<typeof distributionOf>;
