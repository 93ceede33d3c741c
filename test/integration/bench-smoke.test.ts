import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

/**
 * `npm run bench -- --tiny` as a process, once, so the bench cannot rot: it
 * must finish and write a well-formed report — every endpoint at both data
 * sizes with the calls it made, the cold start of both bundles, and a load
 * run with no 5xx, no lost write and balanced ledgers. No timing is asserted:
 * the numbers are the bench's business, not the test's.
 */
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'sharedtech-bench-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const ENDPOINTS = [
  'health (one HTTP hop)', 'me', 'requests by cluster', 'requests by tag', 'request detail', 'bid list', 'my bids (studio)', 'my contracts',
  'contract detail', 'ledger', 'my accounts', 'notifications', 'matches for a request', 'matches for my studio', 'web: feed',
  'web: request', 'web: contract', 'stats', 'submit bid', 'award', 'sign (first party)', 'sign (last party, activates)', 'fund', 'submit', 'accept',
];

function runBench(out: string) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/run.ts', '--tiny', '--out', out], {
      cwd: REPO_ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
    child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

it('runs the whole bench with tiny counts and writes a well-formed report', { timeout: 300_000 }, async () => {
  const out = join(outDir, 'bench.json');
  const { code, output } = await runBench(out);
  expect(code, output).toBe(0);
  const report = JSON.parse(readFileSync(out, 'utf8'));

  expect(report.scales).toHaveLength(2);
  for (const scale of report.scales) {
    expect(scale.load.items).toBeGreaterThan(0);
    expect(scale.endpoints.map((row: { name: string }) => row.name)).toEqual(ENDPOINTS);
    for (const row of scale.endpoints) {
      expect(row.samples, row.name).toBeGreaterThan(0);
      expect(Number.isFinite(row.p50) && Number.isFinite(row.floorP50) && Number.isFinite(row.ratio), row.name).toBe(true);
      if (row.kind === 'baseline') expect(row.calls).toBe(0);
      else expect(row.calls, `${row.name} made DynamoDB calls`).toBeGreaterThan(0);
      expect(row.errors, `${row.name}: ${JSON.stringify(row.statuses)}`).toBe(0);
      // No Scan and no Query without Limit on any measured request path (packages/data/src/bounded-queries.test.ts checks the source).
      expect(row.unbounded, row.name).toEqual([]);
    }
  }
  expect(report.comparison.rows).toHaveLength(ENDPOINTS.length - 1);

  expect(report.coldStart.api.bytes).toBeGreaterThan(0);
  expect(report.coldStart.floor.bytes).toBeGreaterThan(0);
  expect(report.coldStart.api.me.runs.length).toBeGreaterThan(0);
  expect(report.coldStart.api.requests.runs.length).toBeGreaterThan(0);
  expect(report.coldStart.profile.top.length).toBeGreaterThan(0);

  const checks = report.loadRun.checks;
  expect(report.loadRun.requests).toBeGreaterThan(0);
  expect(checks.acknowledgedWrites).toBeGreaterThan(0);
  expect(checks.serverErrors, JSON.stringify(checks.problems)).toBe(0);
  expect(checks.otherErrors, JSON.stringify(checks.problems)).toBe(0);
  expect(checks.lostWrites, JSON.stringify(checks.lost)).toBe(0);
  expect(checks.ledgersUnbalanced, JSON.stringify(checks.problems)).toBe(0);

  expect(report.goals.length).toBeGreaterThan(0);
});
