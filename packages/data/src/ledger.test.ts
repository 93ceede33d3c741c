import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '@sharedtech/core';
import { createDb } from './client.js';
import { totalByAccount, writesForEntry } from './ledger.js';

const db = createDb({ tableName: 'unit', cursorSecret: 'unit', endpoint: 'http://127.0.0.1:9' });
const split: JournalEntry = {
  id: 'jnl_1',
  contractId: 'ctr_1',
  kind: 'SPLIT',
  currency: 'CNY',
  postings: [
    { account: 'escrow:ctr_1', amount: -100 },
    { account: 'earnings:org_S', amount: 40 },
    { account: 'external:org_E', amount: 60 },
  ],
  milestoneN: 2,
  at: '2026-05-01T00:00:00.000Z',
};

describe('writesForEntry', () => {
  const [entry, escrow, earnings, external] = writesForEntry(db, split).map((write) => write.op);

  it('puts the entry only if its id is new (entries are immutable)', () => {
    expect(entry!.Put).toMatchObject({ Item: { pk: 'CTR#ctr_1', sk: 'JNL#jnl_1', kind: 'SPLIT' }, ConditionExpression: 'attribute_not_exists(pk)' });
  });

  it('guards an escrow debit with "amount >= debit" and adds the signed delta', () => {
    expect(escrow!.Update).toMatchObject({
      Key: { pk: 'CTR#ctr_1', sk: 'BAL#escrow:ctr_1' },
      ConditionExpression: '#amount >= :debit',
      ExpressionAttributeValues: expect.objectContaining({ ':delta': -100, ':debit': 100 }),
    });
    expect(escrow!.Update!.UpdateExpression).toMatch(/ADD #amount :delta$/);
    // Escrow belongs to a contract, not an organisation: no organisation index.
    expect(escrow!.Update!.ExpressionAttributeValues).not.toHaveProperty(':gsi2pk');
  });

  it('credits need no guard and index organisation accounts under the organisation', () => {
    expect(earnings!.Update!.ConditionExpression).toBeUndefined();
    expect(earnings!.Update!.ExpressionAttributeValues).toMatchObject({ ':orgId': 'org_S', ':gsi2pk': 'ORG#org_S#BALANCES', ':gsi2sk': 'earnings#ctr_1' });
    expect(external!.Update!.ExpressionAttributeValues).toMatchObject({ ':gsi2pk': 'ORG#org_E#BALANCES', ':gsi2sk': 'external#ctr_1' });
  });

  it('lets an external account go negative (paying in) without a guard', () => {
    const [, debit] = writesForEntry(db, { ...split, kind: 'FUND', postings: [{ account: 'external:org_E', amount: -5 }, { account: 'escrow:ctr_1', amount: 5 }] });
    expect(debit!.op.Update!.ConditionExpression).toBeUndefined();
  });
});

describe('totalByAccount', () => {
  it('sums an organisation’s per-contract balances per account', () => {
    const row = (account: string, contractId: string, amount: number) => ({ account, contractId, currency: 'CNY' as const, amount, updatedAt: '' });
    expect(totalByAccount([row('external:org_E', 'ctr_1', -100), row('external:org_E', 'ctr_2', -50), row('earnings:org_E', 'ctr_2', 7)])).toEqual([
      { account: 'earnings:org_E', currency: 'CNY', amount: 7 },
      { account: 'external:org_E', currency: 'CNY', amount: -150 },
    ]);
  });
});
