import { z } from 'zod';
import type { Contract } from './contract.js';
import { ConflictError } from './errors.js';
import { allocateByBps, assertSameCurrency, CURRENCIES, type Money } from './money.js';
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

const moneySchema = z.object({ amount: z.number().int(), currency: z.enum(CURRENCIES) });

export const shareStatementSchema = z.object({
  id: z.string(),
  contractId: z.string(),
  kind: z.enum(STATEMENT_KINDS),
  amount: moneySchema,
  note: z.string().optional(),
  allocations: z.array(z.object({ orgId: z.string(), bps: z.number().int(), amount: moneySchema })),
  reportedBy: z.object({ sub: z.string(), orgId: z.string() }),
  at: z.string(),
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
