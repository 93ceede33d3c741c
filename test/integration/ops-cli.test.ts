import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { loadPrincipal } from '@sharedtech/services';
import { LOCAL_TABLE_NAME, createLocalDeps } from '@sharedtech/local';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'sharedtech-ops-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The operator CLI as a person runs it, against the test run's DynamoDB Local. */
const ops = (...args: string[]) =>
  run('npx', ['tsx', 'packages/local/src/ops.ts', ...args, '--endpoint', inject('dynamoEndpoint')], {
    env: { ...process.env, DATA_DIR: dataDir },
  }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: `${error.stdout}${error.stderr}` }),
  );

describe('npm run ops -- create-association', () => {
  it('creates a verified association owned by the given identity, once', async () => {
    const owner = `ops-owner-${Date.now()}`;
    const created = await ops('create-association', '--name', '新能源汽车产业协会', '--owner', owner, '--cluster', 'new-energy-vehicles');
    expect(created.code, created.output).toBe(0);
    expect(created.output).toMatch(/Created association org_[0-9A-Z]{26}/);

    const deps = createLocalDeps({ endpoint: inject('dynamoEndpoint'), secret: 'unused', tableName: LOCAL_TABLE_NAME });
    const principal = await loadPrincipal(deps.db, owner);
    expect(principal.membership?.role).toBe('OWNER');
    expect(principal.org).toMatchObject({ type: 'ASSOCIATION', status: 'VERIFIED', name: '新能源汽车产业协会', cluster: 'new-energy-vehicles' });

    const again = await ops('create-association', '--name', '另一个协会', '--owner', owner);
    expect(again.code).toBe(1);
    expect(again.output).toContain('already belongs to an organisation');
  });

  it('upgrades the data to the current design, idempotently', async () => {
    for (let run = 0; run < 2; run++) {
      const upgraded = await ops('upgrade-data');
      expect(upgraded.code, upgraded.output).toBe(0);
      expect(upgraded.output).toContain('Data is up to date');
    }
  });

  it('explains its usage and fails on anything else', async () => {
    const wrong = await ops('create-enterprise', '--name', 'x');
    expect(wrong.code).toBe(2);
    expect(wrong.output).toContain('create-association --name');
  });
});
