import { describe, expect, it } from 'vitest';
import { ConflictError, createIdGenerator, type JournalEntry } from '@sharedtech/core';
import {
  commitChange, getIdempotencyRecord, listContractBalances, listJournalEntries, putIdempotencyRecord, writesForEntry,
} from '@sharedtech/data';
import { startTestApi } from '../support/harness.js';

// These tests go below the services on purpose: they show the table itself refuses an overdraft,
// whatever a future caller of the data layer gets wrong.
const api = await startTestApi();
const db = api.deps.db;
const ids = createIdGenerator();
const contractId = ids('contract');
const at = new Date().toISOString();

const entry = (kind: JournalEntry['kind'], postings: JournalEntry['postings']): JournalEntry => ({
  id: ids('entry'), contractId, kind, currency: 'CNY', postings, milestoneN: 1, at,
});
const post = (value: JournalEntry) => commitChange(db, { writes: writesForEntry(db, value), audit: [], notifications: [] });
const balancesNow = async () => Object.fromEntries((await listContractBalances(db, contractId, true)).map((b) => [b.account, b.amount]));

describe('ledger guards in DynamoDB', () => {
  it('refuses to take escrow below zero and writes nothing of the refused entry', async () => {
    await post(entry('FUND', [{ account: 'external:org_A', amount: -1_000 }, { account: `escrow:${contractId}`, amount: 1_000 }]));
    const overdraft = entry('RELEASE', [{ account: `escrow:${contractId}`, amount: -1_001 }, { account: 'earnings:org_S', amount: 1_001 }]);
    const refused = await post(overdraft).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).code).toBe('INSUFFICIENT_BALANCE');
    expect((await listJournalEntries(db, contractId)).items.map((item) => item.kind)).toEqual(['FUND']);
    expect(await balancesNow()).toEqual({ 'external:org_A': -1_000, [`escrow:${contractId}`]: 1_000 });

    await post(entry('RELEASE', [{ account: `escrow:${contractId}`, amount: -1_000 }, { account: 'earnings:org_S', amount: 1_000 }]));
    expect(await balancesNow()).toEqual({ 'external:org_A': -1_000, [`escrow:${contractId}`]: 0, 'earnings:org_S': 1_000 });
  });

  it('never posts an entry id twice (entries are immutable)', async () => {
    const once = entry('FUND', [{ account: 'external:org_A', amount: -5 }, { account: `escrow:${contractId}`, amount: 5 }]);
    await post(once);
    const again = await post(once).catch((error: unknown) => error);
    expect((again as ConflictError).code).toBe('ENTRY_EXISTS');
    expect((await balancesNow())[`escrow:${contractId}`]).toBe(5);
  });

  it('treats an expired idempotency record as absent, even before DynamoDB’s TTL deletes it', async () => {
    const now = new Date('2026-05-01T00:00:00.000Z');
    const record = { scope: 'user-1', key: 'retry-key-1', fingerprint: 'f1', status: 200, body: '{"n":1}' };
    await commitChange(db, { writes: [putIdempotencyRecord(db, record, now, 60)], audit: [], notifications: [] });
    expect(await getIdempotencyRecord(db, 'user-1', 'retry-key-1', now)).toMatchObject({ fingerprint: 'f1' });
    // A second record under a live key is refused inside the transaction.
    const live = await commitChange(db, { writes: [putIdempotencyRecord(db, { ...record, fingerprint: 'f2' }, now, 60)], audit: [], notifications: [] }).catch((error: unknown) => error);
    expect((live as ConflictError).code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');

    const later = new Date(now.getTime() + 61_000);
    expect(await getIdempotencyRecord(db, 'user-1', 'retry-key-1', later)).toBeUndefined();
    await commitChange(db, { writes: [putIdempotencyRecord(db, { ...record, fingerprint: 'f3' }, later, 60)], audit: [], notifications: [] });
    expect(await getIdempotencyRecord(db, 'user-1', 'retry-key-1', later)).toMatchObject({ fingerprint: 'f3' });
  });
});
