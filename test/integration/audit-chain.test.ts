import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { auditLinkSk, readAuditPartition, verifyEntityAuditChain } from '@sharedtech/data';
import { startTestApi, type TestApi } from '../support/harness.js';
import { activeContract, key, milestonePath, moneyConsortium, type Parties } from '../support/money.js';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'sharedtech-audit-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

let api: TestApi;
let parties: Parties;
let contractId: string;

const ops = (...args: string[]) =>
  run('npx', ['tsx', 'packages/local/src/ops.ts', ...args, '--endpoint', inject('dynamoEndpoint'), '--table', api.tableName], {
    env: { ...process.env, DATA_DIR: dataDir },
  }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: `${error.stdout}${error.stderr}` }),
  );

beforeAll(async () => {
  api = await startTestApi();
  parties = await moneyConsortium(api);
  contractId = await activeContract(api, parties, { milestones: Array.from({ length: 8 }, (_, index) => 10_000 + index) });
}, 120_000);

describe('the audit trail is a hash chain per entity', () => {
  it('stays one unbroken chain when eight changes of one contract land at the same moment', async () => {
    // Act: eight milestones funded at once; every step appends to the contract's audit chain.
    const funded = await Promise.all(
      Array.from({ length: 8 }, (_, index) => parties.enterprise.caller.post(milestonePath(contractId, index + 1, 'fund'), {}, key())),
    );

    // Assess: all landed, and the chain has one link per change, in order, no fork, no gap.
    expect(funded.map((response) => response.status)).toEqual(Array(8).fill(200));
    const report = await verifyEntityAuditChain(api.deps.db, { type: 'contract', id: contractId });
    expect(report).toMatchObject({ ok: true, preChain: 0 });
    const items = await readAuditPartition(api.deps.db, { type: 'contract', id: contractId });
    const fundSteps = items.filter((item) => item.action === 'milestone-fund');
    expect(fundSteps.map((item) => (item.details as { milestone: number }).milestone).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(items.map((item) => item.seq)).toEqual(items.map((_, index) => index + 1));
    // The API's trail is unchanged in shape: oldest first, one record per change.
    const trail = await parties.enterprise.caller.get(`/v1/audit?entity=contract:${contractId}&limit=100`);
    expect(trail.status).toBe(200);
    expect(trail.body.items).toHaveLength(items.length);
  });

  it('npm run ops -- verify-audit passes an intact trail and names the first broken link after one record is edited in the table', { timeout: 60_000 }, async () => {
    // Prepare
    const intact = await ops('verify-audit');
    expect(intact.code, intact.output).toBe(0);
    expect(intact.output).toMatch(/Audit trail intact: \d+ audit chains, \d+ chained records\./);

    // Act: someone with table access changes who funded milestone 3 (one attribute of one record).
    const items = await readAuditPartition(api.deps.db, { type: 'contract', id: contractId });
    const victim = items.find((item) => item.action === 'milestone-fund' && (item.details as { milestone: number }).milestone === 3)!;
    await api.deps.db.doc.send(
      new UpdateCommand({
        TableName: api.tableName,
        Key: { pk: victim.pk, sk: victim.sk },
        UpdateExpression: 'SET #actor.#sub = :sub',
        ExpressionAttributeNames: { '#actor': 'actor', '#sub': 'sub' },
        ExpressionAttributeValues: { ':sub': 'someone-else' },
      }),
    );
    const broken = await ops('verify-audit');

    // Assess
    expect(broken.code).toBe(1);
    expect(broken.output).toContain(`BROKEN contract:${contractId}: record ${victim.seq} was changed after it was written`);
    expect(broken.output).toContain(`record ${victim.id as string}, sort key ${victim.sk as string}`);
    expect(await verifyEntityAuditChain(api.deps.db, { type: 'contract', id: contractId })).toMatchObject({ ok: false, broken: { seq: victim.seq } });
    // Associations see the same verdict beside the trail; the parties read the trail without it.
    const seenByAssociation = await parties.moderator.get(`/v1/audit?entity=contract:${contractId}`);
    expect(seenByAssociation.body.chain).toMatchObject({ entity: `contract:${contractId}`, ok: false, broken: { seq: victim.seq } });
    expect((await parties.enterprise.caller.get(`/v1/audit?entity=contract:${contractId}`)).body).not.toHaveProperty('chain');

    // Restoring the original value makes the chain whole again: the hash is over the content.
    await api.deps.db.doc.send(new PutCommand({ TableName: api.tableName, Item: victim }));
    expect((await ops('verify-audit')).code).toBe(0);
    expect((await parties.moderator.get(`/v1/audit?entity=contract:${contractId}`)).body.chain).toMatchObject({ ok: true });
  });

  it('counts records from before the chain as such, and upgrade-data chains them', { timeout: 60_000 }, async () => {
    // Prepare: two records as an earlier version wrote them (ULID sort key, no hash) on an entity with no chain yet.
    const entity = { type: 'request' as const, id: 'req_LEGACY0000000000000000001' };
    for (const [index, action] of ['create', 'submit'].entries()) {
      const id = `aud_01J0000000000000000000000${index}`;
      await api.deps.db.doc.send(
        new PutCommand({
          TableName: api.tableName,
          Item: { pk: `AUDIT#request:${entity.id}`, sk: id, id, entity, action, actor: { sub: 'old-user' }, at: `2025-01-0${index + 1}T00:00:00.000Z` },
        }),
      );
    }
    const before = await ops('verify-audit');
    expect(before.code, before.output).toBe(0);
    expect(before.output).toContain('2 records from before the chain (run upgrade-data to chain them)');

    // Act
    const upgraded = await ops('upgrade-data');

    // Assess: chained in their original order, nothing lost, and nothing left to do a second time.
    expect(upgraded.code, upgraded.output).toBe(0);
    expect(upgraded.output).toContain('"auditRecordsChained":2');
    const items = await readAuditPartition(api.deps.db, entity);
    expect(items.map((item) => [item.sk, item.action])).toEqual([
      [auditLinkSk(1), 'create'],
      [auditLinkSk(2), 'submit'],
    ]);
    expect(await verifyEntityAuditChain(api.deps.db, entity)).toMatchObject({ ok: true, chained: 2, preChain: 0 });
    const after = await ops('verify-audit');
    expect(after.code).toBe(0);
    expect(after.output).not.toContain('from before the chain');
    expect((await ops('upgrade-data')).output).toContain('"auditRecordsChained":0');
  });
});
