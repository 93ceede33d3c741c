import { z } from 'zod';
import { ConflictError } from './errors.js';
import { CURRENCIES } from './money.js';
import { MAX_POOL_MEMBERS } from './pool.js';

/**
 * The double-entry ledger of PRODUCT.md §3, as plain data and functions.
 *
 * Sign convention: a posting's `amount` is the change of that account's balance
 * in integer minor units; positive means money arrives in the account. Every
 * entry's postings sum to zero (debits = credits), so the sum of all balances
 * is always zero. Consequently an organisation's `external` balance is
 * negative by what it has paid into the platform net of refunds, an `escrow`
 * balance is what a contract holds, and an `earnings` balance is what a studio
 * has been paid out of escrow.
 */
export const ACCOUNT_KINDS = ['external', 'escrow', 'earnings'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/**
 * The most accounts a contract's money ever moves: its escrow, the studio's
 * earnings, with a college overhead rate the college's earnings, and the
 * external accounts of its funders — the enterprise (or the up to
 * MAX_POOL_MEMBERS funders of a pooled request) and, with a subsidy or a
 * programme's grant, one government (see fundingShares). A contract therefore
 * has at most this many balance items, and reading them is one bounded Query.
 */
export const MAX_ACCOUNTS_PER_CONTRACT = 4 + MAX_POOL_MEMBERS;

export const ENTRY_KINDS = ['FUND', 'RELEASE', 'REFUND', 'SPLIT'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Readable account names: `external:<orgId>`, `escrow:<contractId>`, `earnings:<orgId>`. */
export const ledgerAccount = {
  external: (orgId: string) => `external:${orgId}`,
  escrow: (contractId: string) => `escrow:${contractId}`,
  earnings: (orgId: string) => `earnings:${orgId}`,
} as const;

const ACCOUNT_PATTERN = /^(external|escrow|earnings):([A-Za-z0-9_]+)$/;

/** Splits an account name into its kind and the organisation or contract it belongs to. */
export function parseAccount(name: string): { kind: AccountKind; owner: string } {
  const match = ACCOUNT_PATTERN.exec(name);
  if (!match) throw new RangeError(`Not a ledger account name: ${name}`);
  return { kind: match[1] as AccountKind, owner: match[2]! };
}

/**
 * Escrow holds money for a milestone and earnings accumulate payouts; neither
 * can be spent below zero. An external account stands for money outside the
 * platform and goes negative as its organisation pays in.
 */
export const mayGoNegative = (account: string) => parseAccount(account).kind === 'external';

export const postingSchema = z.object({ account: z.string(), amount: z.number().int() });
export type Posting = z.infer<typeof postingSchema>;

export const journalEntrySchema = z.object({
  id: z.string(),
  contractId: z.string(),
  kind: z.enum(ENTRY_KINDS),
  currency: z.enum(CURRENCIES),
  postings: z.array(postingSchema),
  /** The milestone whose money moved. */
  milestoneN: z.number().int().optional(),
  disputeId: z.string().optional(),
  /** The settlement's split in basis points to the studio (SPLIT only). */
  studioBps: z.number().int().optional(),
  at: z.string(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

/** A bug in whoever built an entry; never the client's fault, so not a DomainError. */
export class LedgerInvariantError extends Error {
  override readonly name = 'LedgerInvariantError';
}

/**
 * Merges postings to the same account and drops zero postings. One account may
 * appear once per entry: DynamoDB cannot update one balance item twice in a
 * transaction, and a reader should see each account's net movement once.
 */
export function normalisePostings(postings: readonly Posting[]): Posting[] {
  const byAccount = new Map<string, number>();
  for (const posting of postings) {
    if (!Number.isSafeInteger(posting.amount)) throw new LedgerInvariantError(`Posting to ${posting.account} is not an integer amount`);
    parseAccount(posting.account);
    byAccount.set(posting.account, (byAccount.get(posting.account) ?? 0) + posting.amount);
  }
  return [...byAccount].filter(([, amount]) => amount !== 0).map(([account, amount]) => ({ account, amount }));
}

/** Throws unless the postings are non-empty, integral, to distinct accounts and sum to exactly zero. */
export function assertBalanced(postings: readonly Posting[]): void {
  if (postings.length < 2) throw new LedgerInvariantError('An entry moves money between at least two accounts');
  const seen = new Set<string>();
  let sum = 0;
  for (const posting of postings) {
    parseAccount(posting.account);
    if (!Number.isSafeInteger(posting.amount) || posting.amount === 0) {
      throw new LedgerInvariantError(`Posting to ${posting.account} must be a non-zero integer`);
    }
    if (seen.has(posting.account)) throw new LedgerInvariantError(`Account ${posting.account} appears twice in one entry`);
    seen.add(posting.account);
    sum += posting.amount;
  }
  if (sum !== 0) throw new LedgerInvariantError(`Postings sum to ${sum}, not zero`);
}

/** The postings of a balanced entry, normalised; throws if they do not balance. */
export function balancedPostings(postings: readonly Posting[]): Posting[] {
  const normalised = normalisePostings(postings);
  assertBalanced(normalised);
  return normalised;
}

/**
 * Applies an entry to a balance sheet and returns the new one, refusing (409)
 * an entry that would take escrow or earnings below zero. The database enforces
 * the same rule with condition expressions; this is the model tests reason with.
 */
export function applyPostings(balances: ReadonlyMap<string, number>, postings: readonly Posting[]): Map<string, number> {
  assertBalanced(postings);
  const next = new Map(balances);
  for (const posting of postings) {
    const balance = (next.get(posting.account) ?? 0) + posting.amount;
    if (balance < 0 && !mayGoNegative(posting.account)) {
      throw new ConflictError('INSUFFICIENT_BALANCE', `Account ${posting.account} cannot go below zero.`, { account: posting.account });
    }
    next.set(posting.account, balance);
  }
  return next;
}
