import { readdirSync, readFileSync } from 'node:fs';
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_ACCOUNTS_PER_CONTRACT, MAX_MILESTONES, type JournalEntry } from '@sharedtech/core';
import { listLiveBidLocks } from './bids.js';
import { createDb } from './client.js';
import { listMilestones } from './contracts.js';
import { listBalancesOfOrganisation, listContractBalances, readAccountTotals, writesForEntry } from './ledger.js';
import { countItems, onTable, queryBounded, queryEntirePartition, queryPage, queryUpTo } from './query.js';
import { STATS_SHARDS } from './stats.js';

/**
 * No Query without `Limit`: a Query without one reads a whole partition,
 * however large it has grown. Every Query the data package sends must carry a
 * Limit — a page size, or a bound the domain guarantees (MAX_MILESTONES, …).
 */

const SOURCE_DIR = new URL('./', import.meta.url);

/** The argument text of every `new QueryCommand(…)` in a source file (balanced parentheses). */
function queryCommandArguments(source: string): string[] {
  const found: string[] = [];
  let at = source.indexOf('new QueryCommand(');
  while (at >= 0) {
    const open = at + 'new QueryCommand'.length;
    let depth = 0;
    let end = open;
    for (; end < source.length; end += 1) {
      if (source[end] === '(') depth += 1;
      if (source[end] === ')' && --depth === 0) break;
    }
    found.push(source.slice(open + 1, end));
    at = source.indexOf('new QueryCommand(', end);
  }
  return found;
}

describe('every Query of the data package has a Limit', () => {
  it('in the source: each `new QueryCommand(…)` sets Limit (or is built from an input that does)', () => {
    const files = readdirSync(SOURCE_DIR).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
    const missing: string[] = [];
    let seen = 0;
    for (const file of files) {
      const source = readFileSync(new URL(file, SOURCE_DIR), 'utf8');
      for (const argument of queryCommandArguments(source)) {
        seen += 1;
        // `new QueryCommand(input)`: the input object is built above; look for its Limit there.
        const named = /^\s*([A-Za-z_$][\w$]*)\s*$/.exec(argument)?.[1];
        const text = named ? (new RegExp(`const ${named}[^=]*=\\s*\\{[\\s\\S]*?\\n\\s*\\};`).exec(source)?.[0] ?? '') : argument;
        if (!/\bLimit\s*:/.test(text)) missing.push(`${file}: new QueryCommand(${argument.trim().slice(0, 80)}…)`);
      }
    }
    expect(seen).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });

  describe('at run time', () => {
    const db = createDb({ tableName: 'Bounded', cursorSecret: 'unit', endpoint: 'http://127.0.0.1:9', region: 'local' });
    const ddb = mockClient(db.doc);
    const sent = () => ddb.commandCalls(QueryCommand).map((call) => call.args[0].input as QueryCommandInput);
    afterEach(() => ddb.reset());

    it('the request-path readers send one Query each, with the Limit of their bound or page', async () => {
      ddb.on(QueryCommand).resolves({ Items: [] });
      await listMilestones(db, 'ctr_1');
      await listContractBalances(db, 'ctr_1');
      await readAccountTotals(db, 'org_1');
      await listLiveBidLocks(db, 'req_1', 31);
      await listBalancesOfOrganisation(db, 'org_1', { limit: 20 });
      expect(sent().map((input) => input.Limit)).toEqual([MAX_MILESTONES + 1, MAX_ACCOUNTS_PER_CONTRACT + 1, STATS_SHARDS + 1, 31, 20]);
    });

    it('operators’ whole-partition reads and counts page with a Limit too', async () => {
      ddb.on(QueryCommand).resolvesOnce({ Items: [{ a: 1 }], LastEvaluatedKey: { pk: 'P', sk: '1' } }).resolves({ Items: [{ a: 2 }], Count: 1 });
      const items = await queryEntirePartition(db, { ...onTable('P'), schema: z.object({ a: z.number() }) });
      await countItems(db, onTable('P'));
      await queryPage(db, { ...onTable('P'), schema: z.object({ a: z.number() }) });
      await queryUpTo(db, { ...onTable('P'), schema: z.object({ a: z.number() }) }, { limit: 3 });
      expect(items).toEqual([{ a: 1 }, { a: 2 }]);
      expect(sent().every((input) => typeof input.Limit === 'number' && input.Limit > 0)).toBe(true);
    });

    it('a range holding more than its bound fails instead of reading on', async () => {
      ddb.on(QueryCommand).resolves({ Items: [{ a: 1 }, { a: 2 }, { a: 3 }], LastEvaluatedKey: { pk: 'P', sk: '3' } });
      await expect(queryBounded(db, { ...onTable('P'), schema: z.object({ a: z.number() }) }, { max: 2 })).rejects.toThrow(/more than 2/);
      expect(sent()).toHaveLength(1);
    });
  });
});

describe('account totals', () => {
  const db = createDb({ tableName: 'unit', cursorSecret: 'unit', endpoint: 'http://127.0.0.1:9' });
  const split: JournalEntry = {
    id: 'jnl_1', contractId: 'ctr_1', kind: 'SPLIT', currency: 'CNY', milestoneN: 2, at: '2026-05-01T00:00:00.000Z',
    postings: [
      { account: 'escrow:ctr_1', amount: -100 },
      { account: 'earnings:org_S', amount: 40 },
      { account: 'external:org_E', amount: 60 },
    ],
  };

  it('each entry adds its postings to one totals shard per organisation, in the same transaction (escrow has none)', () => {
    const totals = writesForEntry(db, split).filter((write) => String(write.op.Update?.Key?.pk ?? '').endsWith('#TOTALS'));
    expect(totals.map((write) => write.op.Update!.Key)).toEqual([
      { pk: 'ORG#org_S#TOTALS', sk: expect.stringMatching(/^SHARD#[0-7]$/) },
      { pk: 'ORG#org_E#TOTALS', sk: expect.stringMatching(/^SHARD#[0-7]$/) },
    ]);
    expect(totals[0]!.op.Update).toMatchObject({ UpdateExpression: 'ADD #t0 :t0', ExpressionAttributeNames: { '#t0': 'T|CNY|earnings:org_S' }, ExpressionAttributeValues: { ':t0': 40 } });
    expect(totals[1]!.op.Update!.ExpressionAttributeValues).toEqual({ ':t0': 60 });
    // One contract's entries always land on the same shard of an organisation.
    expect(totals[0]!.op.Update!.Key!.sk).toBe(totals[1]!.op.Update!.Key!.sk);
  });

  it('reads the totals by summing the shards', async () => {
    const ddb = mockClient(db.doc);
    ddb.on(QueryCommand).resolves({ Items: [{ 'T|CNY|external:org_E': -100, other: 'x' }, { 'T|CNY|external:org_E': -50, 'T|CNY|earnings:org_E': 7 }] });
    expect(await readAccountTotals(db, 'org_E')).toEqual([
      { account: 'earnings:org_E', currency: 'CNY', amount: 7 },
      { account: 'external:org_E', currency: 'CNY', amount: -150 },
    ]);
    ddb.restore();
  });
});
