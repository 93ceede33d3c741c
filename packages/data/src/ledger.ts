import {
  ConflictError, LedgerInvariantError, MAX_ACCOUNTS_PER_CONTRACT, governmentLedgerDeltas, ledgerStatsDeltas, journalEntrySchema, mayGoNegative, normalisePostings, parseAccount, type Currency, type JournalEntry,
} from '@sharedtech/core';
import { z } from 'zod';
import type { Db } from './client.js';
import { deleteItem, putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { onIndex, onTable, queryBounded, queryPage, type PageRequest } from './query.js';
import { STATS_SHARDS, shardOf, statsWrites } from './stats.js';

/**
 * The ledger in the table. Entries are immutable items written with `putNew`
 * (a correction is a new entry, never an edit). Each entry updates the balance
 * items of its accounts in the same transaction, so balances can never
 * disagree with the entries.
 */

export const balanceSchema = z.object({
  account: z.string(),
  contractId: z.string(),
  /** The organisation owning an external or earnings account; absent for escrow. */
  orgId: z.string().optional(),
  currency: z.enum(['CNY']),
  amount: z.number().int(),
  updatedAt: z.string(),
});
export type Balance = z.infer<typeof balanceSchema>;

const entryItem = (entry: JournalEntry) => ({ ...keys.journalEntry(entry.contractId, entry.id), ...entry });

/**
 * One ADD per posting on the (contract, account) balance item. For escrow and
 * earnings a debit carries the condition `amount >= debit`, so even a buggy
 * caller or a lost race cannot take them below zero: the whole transaction,
 * entry included, is cancelled instead. ADD is commutative, so concurrent
 * entries on one account never overwrite each other.
 */
function balanceUpdate(db: Db, entry: Pick<JournalEntry, 'contractId' | 'currency' | 'at'>, posting: { account: string; amount: number }): Write {
  const { kind, owner } = parseAccount(posting.account);
  const orgId = kind === 'escrow' ? undefined : owner;
  const guarded = posting.amount < 0 && !mayGoNegative(posting.account);
  const orgIndex = orgId ? keys.balancesOfOrg(orgId, kind, entry.contractId) : undefined;
  const set = ['#account = :account', '#contractId = :contractId', '#currency = :currency', '#updatedAt = :at'];
  const names: Record<string, string> = {
    '#account': 'account', '#contractId': 'contractId', '#currency': 'currency', '#updatedAt': 'updatedAt', '#amount': 'amount',
  };
  const values: Record<string, unknown> = {
    ':account': posting.account, ':contractId': entry.contractId, ':currency': entry.currency, ':at': entry.at, ':delta': posting.amount,
  };
  if (orgId && orgIndex) {
    set.push('#orgId = :orgId', '#gsi2pk = :gsi2pk', '#gsi2sk = :gsi2sk');
    Object.assign(names, { '#orgId': 'orgId', '#gsi2pk': 'gsi2pk', '#gsi2sk': 'gsi2sk' });
    Object.assign(values, { ':orgId': orgId, ':gsi2pk': orgIndex.gsi2pk, ':gsi2sk': orgIndex.gsi2sk });
  }
  if (guarded) values[':debit'] = -posting.amount;
  return {
    op: {
      Update: {
        TableName: db.tableName,
        Key: keys.contractBalance(entry.contractId, posting.account),
        UpdateExpression: `SET ${set.join(', ')} ADD #amount :delta`,
        // A missing item fails the comparison too: nothing can be taken from an account never credited.
        ConditionExpression: guarded ? '#amount >= :debit' : undefined,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    onConflict: guarded
      ? () => new ConflictError('INSUFFICIENT_BALANCE', `Account ${posting.account} holds less than ${-posting.amount}; nothing was moved.`, { account: posting.account })
      : undefined,
  };
}

/**
 * The writes that post an entry: the immutable entry item and one balance update
 * per posting (and, given the contract's cluster, the statistics' escrow and earnings counters).
 */
export const writesForEntry = (db: Db, entry: JournalEntry, cluster?: string, governmentOrgId?: string): Write[] =>
  writesForEntries(db, [entry], cluster, governmentOrgId);

/**
 * The writes that post several entries of one contract in one transaction:
 * each entry item, and one balance update per account with the entries' net
 * movement on it — a transaction may touch each balance item only once.
 */
export function writesForEntries(db: Db, entries: readonly JournalEntry[], cluster?: string, governmentOrgId?: string): Write[] {
  const last = entries.at(-1);
  if (!last) return [];
  if (entries.some((entry) => entry.contractId !== last.contractId || entry.currency !== last.currency)) {
    throw new LedgerInvariantError('Entries posted together must belong to one contract and currency');
  }
  return [
    ...entries.map((entry) => putNew(db, entryItem(entry), () => new ConflictError('ENTRY_EXISTS', `Journal entry ${entry.id} exists already.`))),
    ...normalisePostings(entries.flatMap((entry) => entry.postings)).map((posting) => balanceUpdate(db, last, posting)),
    ...accountTotalUpdates(db, last, normalisePostings(entries.flatMap((entry) => entry.postings))),
    ...statsWrites(db, ledgerStatsDeltas(cluster, entries)),
    // A co-funded contract's government: what it paid in and got back (its counters of GET /v1/stats/funded).
    ...statsWrites(db, governmentLedgerDeltas(governmentOrgId, entries)),
  ];
}

/** Attributes of an account-totals item: `T|<currency>|<account>` → the sum of its postings on that shard. */
const TOTAL_PREFIX = 'T|';
const totalAttribute = (currency: Currency, account: string) => `${TOTAL_PREFIX}${currency}|${account}`;

/**
 * One ADD per organisation on its account-totals shard of this contract, in the
 * entry's transaction: `/v1/accounts` then reads an organisation's totals from
 * at most STATS_SHARDS items, however many contracts it has. Escrow belongs to
 * no organisation and has no total.
 */
function accountTotalUpdates(db: Db, entry: Pick<JournalEntry, 'contractId' | 'currency'>, postings: readonly { account: string; amount: number }[]): Write[] {
  const byOrg = new Map<string, Map<string, number>>();
  for (const posting of postings) {
    const { kind, owner } = parseAccount(posting.account);
    if (kind === 'escrow') continue;
    const add = byOrg.get(owner) ?? new Map<string, number>();
    const name = totalAttribute(entry.currency, posting.account);
    add.set(name, (add.get(name) ?? 0) + posting.amount);
    byOrg.set(owner, add);
  }
  return [...byOrg].map(([orgId, add]) => {
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const terms = [...add].map(([name, amount], index) => {
      names[`#t${index}`] = name;
      values[`:t${index}`] = amount;
      return `#t${index} :t${index}`;
    });
    return {
      op: {
        Update: {
          TableName: db.tableName,
          Key: keys.accountTotals(orgId, shardOf(entry.contractId)),
          UpdateExpression: `ADD ${terms.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    };
  });
}

export interface AccountTotal {
  account: string;
  currency: Currency;
  amount: number;
}

const totalsItemSchema = z.record(z.string(), z.unknown());

/** An organisation's totals per account across all its contracts: one Query of at most STATS_SHARDS items. */
export async function readAccountTotals(db: Db, orgId: string, consistent = false): Promise<AccountTotal[]> {
  const shards = await queryBounded(db, { ...onTable(keys.accountTotals(orgId, 0).pk), schema: totalsItemSchema, newestFirst: false }, { max: STATS_SHARDS, consistent });
  const totals = new Map<string, AccountTotal>();
  for (const shard of shards) {
    for (const [name, value] of Object.entries(shard)) {
      if (!name.startsWith(TOTAL_PREFIX) || typeof value !== 'number') continue;
      const [currency, account] = name.slice(TOTAL_PREFIX.length).split('|') as [Currency, string];
      const total = totals.get(name) ?? { account, currency, amount: 0 };
      total.amount += value;
      totals.set(name, total);
    }
  }
  return [...totals.values()].sort((a, b) => a.account.localeCompare(b.account) || a.currency.localeCompare(b.currency));
}

/**
 * The writes that make an organisation's stored totals equal `totals` (summed
 * from its per-contract balances by the upgrade): all of it on shard 0, the
 * other shards deleted. Not guarded: run while no money moves.
 */
export function writesToReplaceAccountTotals(db: Db, orgId: string, totals: readonly AccountTotal[]): Write[] {
  const item: Record<string, unknown> = { ...keys.accountTotals(orgId, 0) };
  for (const total of totals) item[totalAttribute(total.currency, total.account)] = total.amount;
  return [
    { op: { Put: { TableName: db.tableName, Item: item } } },
    ...Array.from({ length: STATS_SHARDS - 1 }, (_, index) => deleteItem(db, keys.accountTotals(orgId, index + 1))),
  ];
}

/** A contract's journal, oldest first. */
export const listJournalEntries = (db: Db, contractId: string, page?: PageRequest) =>
  queryPage(
    db,
    {
      ...onTable(keys.contract(contractId).pk),
      schema: journalEntrySchema,
      newestFirst: false,
      sortKeyCondition: { expression: 'begins_with(#sk, :prefix)', names: { '#sk': 'sk' }, values: { ':prefix': 'JNL#' } },
    },
    page,
  );

/** Every account balance of one contract (at most MAX_ACCOUNTS_PER_CONTRACT items in the contract's partition). */
export const listContractBalances = (db: Db, contractId: string, consistent = false) =>
  queryBounded(
    db,
    {
      ...onTable(keys.contract(contractId).pk),
      schema: balanceSchema,
      newestFirst: false,
      sortKeyCondition: { expression: 'begins_with(sk, :balances)', values: { ':balances': 'BAL#' } },
    },
    { max: MAX_ACCOUNTS_PER_CONTRACT, consistent },
  );

/**
 * A page of an organisation's per-contract balances of its external and
 * earnings accounts, by account kind and contract, read from the index
 * (eventually consistent, like every GSI read).
 */
export const listBalancesOfOrganisation = (db: Db, orgId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi2', keys.balancesOfOrg(orgId, '', '').gsi2pk), schema: balanceSchema, newestFirst: false }, page);

/** Sums balances by account (an organisation's totals across contracts), in one currency. */
export function totalByAccount(balances: readonly Balance[]): { account: string; currency: Currency; amount: number }[] {
  const totals = new Map<string, { account: string; currency: Currency; amount: number }>();
  for (const balance of balances) {
    const key = `${balance.currency}|${balance.account}`;
    const total = totals.get(key) ?? { account: balance.account, currency: balance.currency, amount: 0 };
    total.amount += balance.amount;
    totals.set(key, total);
  }
  return [...totals.values()].sort((a, b) => a.account.localeCompare(b.account));
}
