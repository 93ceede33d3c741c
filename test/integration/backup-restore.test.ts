import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startTestApi, type TestApi } from '../support/harness.js';
import { activeContract, key, milestonePath, moneyConsortium, type Parties } from '../support/money.js';
import { checkTable, dbFor, scanAll } from '../support/invariants.js';
import { requestBody } from '../support/fixtures.js';

const run = promisify(execFile);
const folder = mkdtempSync(join(tmpdir(), 'sharedtech-backup-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** `npm run ops -- …` as an operator runs it, against the run's DynamoDB Local and the given table. */
const ops = (table: string, ...args: string[]) =>
  run('npx', ['tsx', 'packages/local/src/ops.ts', ...args, '--endpoint', inject('dynamoEndpoint'), '--table', table], {
    env: { ...process.env, DATA_DIR: join(folder, 'data') },
  }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: `${error.stdout}${error.stderr}` }),
  );

const freshTable = () => `restore_${randomUUID().slice(0, 8)}`;
const sortedKeys = (items: Record<string, any>[]) => items.map((item) => `${item.pk}|${item.sk}`).sort();

let api: TestApi;
let parties: Parties;
const contracts: string[] = [];

beforeAll(async () => {
  // A consortium with money in every state: released, submitted, funded, pending.
  api = await startTestApi();
  parties = await moneyConsortium(api);
  for (let index = 0; index < 2; index++) {
    const contractId = await activeContract(api, parties, { milestones: [10_001, 20_002, 30_003, 40_004], subsidyBps: 3_000 });
    contracts.push(contractId);
    const { enterprise, studio } = parties;
    for (const n of [1, 2, 3]) expect((await enterprise.caller.post(milestonePath(contractId, n, 'fund'), {}, key())).status).toBe(200);
    for (const n of [1, 2]) expect((await studio.caller.post(milestonePath(contractId, n, 'submit'), { note: '交付说明' })).status).toBe(200);
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'accept'), {}, key())).status).toBe(200);
  }
}, 120_000);

describe('npm run ops -- backup / restore', () => {
  it('exports the table as checksummed JSON lines while it is written to, and restores every item into an empty table', { timeout: 120_000 }, async () => {
    // Act: back up while milestone steps keep landing, as with `npm start` running.
    const file = join(folder, 'marketplace.backup.jsonl');
    let writing = true;
    const writer = (async () => {
      let count = 0;
      while (writing && count < 40) {
        expect((await parties.enterprise.caller.post('/v1/requests', requestBody(api))).status).toBe(201);
        await parties.studio.caller.post('/v1/notifications/read', {});
        count++;
      }
    })();
    const backup = await ops(api.tableName, 'backup', file);
    writing = false;
    await writer;

    // Assess: the file: a header with count and checksum, then one item per line.
    expect(backup.code, backup.output).toBe(0);
    expect(backup.output).toMatch(/Backed up \d+ items of t_\w+ to .* \(sha256 [0-9a-f]{64}; \d+ scans agreed\)/);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const header = JSON.parse(lines[0]!);
    expect(header).toMatchObject({ format: 'sharedtech-table-backup', version: 1, table: api.tableName, items: lines.length - 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.parse(lines[1]!).pk).toEqual({ S: expect.any(String) });

    // Act: restore into an empty table.
    const target = freshTable();
    const restored = await ops(target, 'restore', file);

    // Assess: every item is back, byte for byte (the restored table hashes like the backup), and the invariants hold.
    expect(restored.code, restored.output).toBe(0);
    expect(restored.output).toContain(`Restored ${header.items} items`);
    expect(restored.output).toContain(`hashes to ${header.sha256}`);
    const restoredItems = await scanAll(dbFor(inject('dynamoEndpoint'), target));
    expect(restoredItems).toHaveLength(header.items);
    const check = await checkTable(dbFor(inject('dynamoEndpoint'), target));
    expect(check.problems).toEqual([]);
    expect(check.contracts).toBe(2);
    expect(check.entries).toBe(2 * (3 + 1)); // three FUND and one RELEASE per contract
    expect(check.auditChains.length).toBeGreaterThan(5);
    expect(check.auditChains.every((chain) => chain.ok && chain.chained > 0)).toBe(true);
    // Aggregates equal recounts: the same milestones in the same states as the source.
    const source = await checkTable(dbFor(inject('dynamoEndpoint'), api.tableName));
    expect([...check.milestones].sort()).toEqual([...source.milestones].sort());

    // And the API serves the restored ledger like the original.
    const original = await parties.enterprise.caller.get(`/v1/contracts/${contracts[1]}/ledger?limit=100`);
    const sourceKeys = sortedKeys(await scanAll(dbFor(inject('dynamoEndpoint'), api.tableName))).filter((k) => k.startsWith(`CTR#${contracts[1]}|`));
    expect(sortedKeys(restoredItems).filter((k) => k.startsWith(`CTR#${contracts[1]}|`))).toEqual(sourceKeys);
    expect(original.body.balances.reduce((sum: number, balance: { amount: number }) => sum + balance.amount, 0)).toBe(0);

    // Restoring again over data is refused, and writes nothing.
    const again = await ops(target, 'restore', file);
    expect(again.code).toBe(1);
    expect(again.output).toContain('restore into an empty data folder');
    expect(await scanAll(dbFor(inject('dynamoEndpoint'), target))).toHaveLength(header.items);
  });

  it('refuses a tampered or truncated backup before writing anything', { timeout: 60_000 }, async () => {
    // Prepare
    const file = join(folder, 'tamper.backup.jsonl');
    expect((await ops(api.tableName, 'backup', file)).code).toBe(0);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const balanceLine = lines.findIndex((line) => line.includes('"BAL#escrow:'));
    expect(balanceLine).toBeGreaterThan(0);

    // Act: someone moves one fen into escrow.
    const tampered = [...lines];
    tampered[balanceLine] = tampered[balanceLine]!.replace(/"amount":\{"N":"(\d+)"\}/, (_, amount) => `"amount":{"N":"${Number(amount) + 1}"}`);
    expect(tampered[balanceLine]).not.toBe(lines[balanceLine]);
    writeFileSync(join(folder, 'tampered.jsonl'), `${tampered.join('\n')}\n`);
    writeFileSync(join(folder, 'truncated.jsonl'), `${lines.slice(0, -3).join('\n')}\n`);
    const target = freshTable();
    const refusedTampered = await ops(target, 'restore', join(folder, 'tampered.jsonl'));
    const refusedTruncated = await ops(target, 'restore', join(folder, 'truncated.jsonl'));

    // Assess
    expect(refusedTampered.code).toBe(1);
    expect(refusedTampered.output).toMatch(/Refused: checksum mismatch/);
    expect(refusedTruncated.code).toBe(1);
    expect(refusedTruncated.output).toMatch(/Refused: the header announces \d+ items, the file holds \d+/);
    expect(await scanAll(dbFor(inject('dynamoEndpoint'), target))).toEqual([]);
  });
});
