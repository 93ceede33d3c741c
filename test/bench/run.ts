/**
 * `npm run bench`: the marketplace measured against its floor (issue 10).
 *
 *  1. Per endpoint, at each data size: p50/p95, the DynamoDB calls and the
 *     capacity they consumed, and the ratio to the floor (one HTTP hop + the
 *     same calls replayed directly through the document client).
 *  2. Calls and capacity at 1× and 100× side by side, Scans and Queries without Limit flagged.
 *  3. Cold start of the deployed API bundle (built by CDK) next to a floor bundle.
 *  4. A bounded load run with a mixed workload: 0 5xx, no lost writes, ledgers sum to zero.
 *
 * Loopback only; starts and stops its own DynamoDB Local. Writes the report as
 * JSON (`--out`, default test-results/bench.json). Never asserts timings.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { startDynamoDbLocal } from './app.js';
import { loadScale, type Loaded } from './consortium.js';
import { buildWorld, type World } from './world.js';
import { measureEndpoints, type EndpointRow } from './endpoints.js';
import { parseOptions } from './options.js';
import { compareScales, comparisonTable, endpointTable, type ScaleComparison } from './report.js';
import { measureColdStart, coldStartTable, type ColdStartReport } from './coldstart.js';
import { runLoad, loadTable, type LoadReport } from './load.js';

// Node 20 runs the bench; the SDK's upgrade notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface ScaleReport {
  scale: number;
  load: Omit<Loaded, 'demoRequests' | 'demoContracts' | 'targets'>;
  endpoints: EndpointRow[];
}

export interface BenchReport {
  version: 1;
  startedAt: string;
  seconds: number;
  machine: { cpus: number; node: string; platform: string };
  options: Record<string, unknown>;
  scales: ScaleReport[];
  comparison?: { small: number; large: number; rows: ScaleComparison[] };
  coldStart?: ColdStartReport;
  loadRun?: LoadReport;
  goals: { goal: string; met: boolean | null; detail: string }[];
}

const log = (line = '') => console.log(line);

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const { cpus } = await import('node:os');
  const report: BenchReport = {
    version: 1,
    startedAt: new Date().toISOString(),
    seconds: 0,
    machine: { cpus: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` },
    options: { ...options, skip: [...options.skip] },
    scales: [],
    goals: [],
  };
  const dynamo = await startDynamoDbLocal();
  log(`DynamoDB Local on ${dynamo.endpoint}`);
  let world: World | undefined;
  try {
    if (!options.skip.has('endpoints') || !options.skip.has('load')) world = await buildWorld(dynamo.endpoint, log, options.tiny ? { enterprises: 2, studios: 3 } : undefined);
    if (world && !options.skip.has('endpoints')) {
      for (const scale of options.scales) {
        const tableName = `bench-${String(scale).replace('.', '_')}x-${Date.now().toString(36)}`;
        const { server, consortium } = await world.instance(tableName);
        try {
          log(`\n── ${scale}× data (table ${tableName}) ──`);
          const loaded = await loadScale(server.plain, world.templates, scale, options.samples + options.warmup, { audit: options.audit, fillPages: true });
          log(
            `loaded ${loaded.items} items in ${loaded.seconds.toFixed(1)} s (${Math.round(loaded.items / loaded.seconds)}/s): ` +
              `${loaded.counts.requests} requests, ${loaded.counts.bids} bids, ${loaded.counts.contracts} contracts, ` +
              `${loaded.counts.journalEntries} journal entries, ${loaded.counts.notifications} notifications ` +
              `(of which full first pages: ${loaded.filled.requests} requests, ${loaded.filled.contracts} contracts, ${loaded.filled.notifications} notifications)`,
          );
          const endpoints = await measureEndpoints(server, consortium, loaded, options, log);
          const { demoRequests: _r, demoContracts: _c, targets: _t, ...load } = loaded;
          report.scales.push({ scale, load, endpoints });
          log(`\n${scale}× data: latency in ms (sequential requests), DynamoDB calls and capacity per request (median)`);
          log(endpointTable(endpoints));
        } finally {
          await server.close();
        }
      }
      if (report.scales.length >= 2) {
        const small = report.scales[0]!;
        const large = report.scales.at(-1)!;
        const rows = compareScales(small.endpoints, large.endpoints);
        report.comparison = { small: small.scale, large: large.scale, rows };
        log(`\nCost as data grows: ${small.scale}× → ${large.scale}× (goal: calls and capacity per request ≤ 1.1×)`);
        log(comparisonTable(rows, small.scale, large.scale));
      }
    }
    if (!options.skip.has('cold')) {
      log('\n── cold start ──');
      report.coldStart = await measureColdStart(dynamo.endpoint, options, log);
      log(coldStartTable(report.coldStart));
    }
    if (!options.skip.has('load')) {
      log('\n── load run ──');
      report.loadRun = await runLoad(world!, options, log);
      log(loadTable(report.loadRun));
    }
  } finally {
    await world?.close();
    await dynamo.stop();
  }
  report.goals = goals(report);
  report.seconds = Math.round((performance.now() - started) / 100) / 10;
  log('\nGoals (issue 10)');
  for (const goal of report.goals) log(`  ${goal.met === null ? '–  ' : goal.met ? 'met' : 'NOT'}  ${goal.goal}: ${goal.detail}`);
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  log(`\nreport: ${out} (${report.seconds} s)`);
}

function goals(report: BenchReport): BenchReport['goals'] {
  const result: BenchReport['goals'] = [];
  const first = report.scales[0];
  if (first) {
    const over = first.endpoints.filter((row) => row.kind !== 'baseline' && row.ratio > 1.3);
    result.push({
      goal: `every endpoint ≤ 1.3× its floor (${first.scale}× data)`,
      met: over.length === 0,
      detail: over.length ? `over: ${over.map((row) => `${row.name} ${row.ratio}×`).join(', ')}` : 'all within',
    });
    const me = first.endpoints.find((row) => row.name === 'me');
    if (me) result.push({ goal: 'authentication adds ≤ 1 round trip (GET /v1/me makes ≤ 1 call)', met: me.roundTrips <= 1, detail: `${me.calls} calls (${me.mix}), ${me.roundTrips} in sequence` });
  }
  if (report.comparison) {
    const grown = report.comparison.rows.filter((row) => !row.flat);
    result.push({
      goal: `calls and capacity per request at ${report.comparison.large}× ≤ 1.1× those at ${report.comparison.small}×`,
      met: grown.length === 0,
      detail: grown.length ? `grow: ${grown.map((row) => `${row.name} (calls ${row.callsRatio}×, capacity ${row.capacityRatio}×)`).join(', ')}` : 'all flat',
    });
  }
  const failing = report.scales.flatMap((scale) => scale.endpoints.filter((row) => row.errors > 0).map((row) => `${row.name} at ${scale.scale}×: ${Object.entries(row.statuses).map(([status, n]) => `HTTP ${status}×${n}`).join(' ')}`));
  if (report.scales.length) result.push({ goal: 'every endpoint answers at every data size', met: failing.length === 0, detail: failing.length ? failing.join('; ') : 'all did' });
  const unbounded = [...new Set(report.scales.flatMap((scale) => scale.endpoints.filter((row) => row.unbounded.length).map((row) => `${row.name}: ${row.unbounded.join(' ')}`)))];
  if (report.scales.length) result.push({ goal: 'no request path uses Scan or a Query without Limit', met: unbounded.length === 0, detail: unbounded.length ? unbounded.join('; ') : 'none seen' });
  if (report.coldStart) {
    const cold = report.coldStart;
    result.push({ goal: 'API init to first response ≤ 1.5× the floor bundle', met: cold.ratios.firstMe <= 1.5 && cold.ratios.firstHealth <= 1.5, detail: `GET /health ${cold.ratios.firstHealth}×, GET /v1/me ${cold.ratios.firstMe}× (and, outside the goal, a route with input: GET /v1/requests?cluster= ${cold.ratios.firstRequests}×)` });
    result.push({ goal: 'API bundle ≤ 2× the floor bundle size', met: cold.ratios.size <= 2, detail: `${(cold.api.bytes / 1024).toFixed(0)} KiB vs ${(cold.floor.bytes / 1024).toFixed(0)} KiB: ${cold.ratios.size}×` });
  }
  if (report.loadRun) {
    const load = report.loadRun;
    result.push({
      goal: 'load run: 0 errors, 0 lost writes, ledgers sum to zero',
      met: load.checks.serverErrors === 0 && load.checks.lostWrites === 0 && load.checks.ledgersUnbalanced === 0 && load.checks.otherErrors === 0,
      detail: `${load.checks.serverErrors} 5xx, ${load.checks.otherErrors} other failures, ${load.checks.lostWrites} lost of ${load.checks.acknowledgedWrites} acknowledged writes, ${load.checks.ledgersUnbalanced} of ${load.checks.ledgersChecked} ledgers off`,
    });
  }
  return result;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
