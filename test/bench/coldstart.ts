/**
 * Cold start of the deployed API function next to a floor bundle.
 *
 * Both bundles are built by CDK exactly as `cdk deploy` builds them: the API
 * function by synthesising the real app (test/support/lambda.ts), the floor
 * (test/bench/floor/handler.ts) through the same MarketplaceFunction construct
 * and shared bundling options in a one-function stack. Each run is a fresh
 * Node process with the function's deployed environment that imports the
 * bundle and answers one API Gateway v2 event against DynamoDB Local; the
 * API's token is checked against a loopback JWKS, its cursor secret read from
 * a loopback Secrets Manager. A CPU profile of one more run, mapped through
 * the bundle's source map, says what the init spends its time on.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { MarketplaceFunction } from '@sharedtech/infra';
import CDK_JSON from '../../cdk.json' with { type: 'json' };
import { cognitoAccessToken, rsaSigningKey, startJwksServer } from '../support/jwks.js';
import { deployedEnvironment, httpApiEvent, initFiles, lambdaContext, startAwsStubs, synthesiseFunctionBundles } from '../support/lambda.js';
import type { BenchOptions } from './options.js';
import { callerFor, startBenchServer } from './server.js';
import { benchCreditCode } from './credit-code.js';
import { median, round } from './stats.js';

export interface ColdRuns {
  /** ms from the start of the import to the end of init (module evaluation, top-level await). */
  initMs: number;
  /** ms from the start of the import to the first response. */
  totalMs: number;
  runs: { initMs: number; firstMs: number; totalMs: number }[];
}

export interface BundleReport {
  /** Bytes a cold start loads: the entry and the chunks it imports statically (transitively). */
  bytes: number;
  /** Every code file of the bundle, the chunks loaded on first use (`import()`) included. */
  totalBytes: number;
  health: ColdRuns;
  me: ColdRuns;
  /** A route with input (`GET /v1/requests?cluster=`): its first request loads the validation layer. */
  requests: ColdRuns;
}

export interface SourceProfile {
  totalMs: number;
  top: { source: string; ms: number; share: number }[];
}

export interface ColdStartReport {
  runs: number;
  api: BundleReport;
  floor: BundleReport;
  /** Size, and medians of the ratios within each interleaved API/floor pair of runs. */
  ratios: { size: number; initHealth: number; firstHealth: number; firstMe: number; firstRequests: number };
  /** Where the API bundle's init-to-first-response time goes, by original source (CPU profile self time). */
  profile: SourceProfile;
  /** The same for the first `/v1/me` response alone, after the init. */
  firstMeProfile: SourceProfile;
  summary: string;
}

/** Builds the floor bundle with the API function's construct and bundling, in a stack of its own. */
function synthesiseFloorBundle(): { entry: string; cleanup: () => void } {
  const outdir = mkdtempSync(join(tmpdir(), 'sharedtech-floor-'));
  const cleanup = () => rmSync(outdir, { recursive: true, force: true });
  process.once('exit', cleanup);
  const app = new App({ outdir, context: { ...CDK_JSON.context, 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'BenchFloor', { env: { account: '123456789012', region: 'cn-north-1' } });
  const fn = new MarketplaceFunction(stack, 'FloorFunction', {
    entry: fileURLToPath(new URL('./floor/handler.ts', import.meta.url)),
    serviceName: 'bench-floor',
    metricsNamespace: 'Bench',
    logRetention: RetentionDays.ONE_DAY,
    logLevel: 'INFO',
    stage: 'bench',
  });
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, { Metadata?: Record<string, string> }> };
  const assetPath = template.Resources[stack.getLogicalId(fn.node.defaultChild as never)]?.Metadata?.['aws:asset:path'];
  if (!assetPath) throw new Error('the floor function has no staged asset');
  return { entry: join(outdir, assetPath, 'index.mjs'), cleanup };
}

/** Bytes of code a cold start loads (entry + static chunks), and of every code file of the bundle. */
export function bundleBytes(entry: string): { bytes: number; totalBytes: number } {
  const bytes = initFiles(entry).reduce((sum, file) => sum + statSync(file).size, 0);
  const code = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((item) => (item.isDirectory() ? code(join(dir, item.name)) : /\.m?js$/.test(item.name) ? [join(dir, item.name)] : []));
  // The API reference's browser script is served as a file, never imported.
  const totalBytes = code(dirname(entry)).filter((file) => !file.endsWith('api-reference.js')).reduce((sum, file) => sum + statSync(file).size, 0);
  return { bytes, totalBytes };
}

const RUNNER = fileURLToPath(new URL('./cold-runner.mjs', import.meta.url));

function coldRun(entry: string, env: Record<string, string>, event: unknown, execArgv: string[] = [], firstResponseProfile?: string) {
  return new Promise<{ initMs: number; firstMs: number; totalMs: number; statusCode?: number }>((resolve, reject) => {
    const child = fork(RUNNER, firstResponseProfile ? [entry, firstResponseProfile] : [entry], { env: { PATH: process.env.PATH ?? '', ...env }, execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    let outcome: any;
    const { getRemainingTimeInMillis: _r, ...context } = lambdaContext('ColdStart');
    child.on('message', (message: any) => {
      if (message.ready) child.send({ event, context });
      else outcome = message;
    });
    // Settled on exit, not on the message: a CPU profile is written as the process exits.
    child.once('exit', (code) => {
      if (outcome && !outcome.error) resolve(outcome);
      else reject(new Error(`cold run failed (exit ${code}): ${outcome?.error ?? ''}\n${stderr}`));
    });
  });
}

function summarise(results: { initMs: number; firstMs: number; totalMs: number }[]): ColdRuns {
  const runs = results.map((r) => ({ initMs: round(r.initMs), firstMs: round(r.firstMs), totalMs: round(r.totalMs) }));
  return { initMs: round(median(runs.map((r) => r.initMs))), totalMs: round(median(runs.map((r) => r.totalMs))), runs };
}

/**
 * The API's and the floor's cold runs of one event, interleaved (API, floor,
 * API, floor, …) so both see the same machine: the ratios are medians of the
 * ratios within each pair, which hold up when other work shares the cores.
 */
async function pairedRuns(
  api: { entry: string; env: Record<string, string> },
  floor: { entry: string; env: Record<string, string> },
  event: unknown,
  runs: number,
) {
  type Run = { initMs: number; firstMs: number; totalMs: number };
  const a: Run[] = [];
  const b: Run[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [side, results] of [[api, a], [floor, b]] as const) {
      const result = await coldRun(side.entry, side.env, event);
      if (result.statusCode !== 200) throw new Error(`cold run answered ${result.statusCode}, expected 200`);
      results.push(result);
    }
  }
  return {
    api: summarise(a),
    floor: summarise(b),
    initRatio: round(median(a.map((run, i) => run.initMs / b[i]!.initMs))),
    totalRatio: round(median(a.map((run, i) => run.totalMs / b[i]!.totalMs))),
  };
}

/** Self time per original source (package, or file of this repository), from a CPU profile of the bundle. */
function profileBySource(profileFile: string, bundleEntry: string) {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as {
    nodes: { id: number; callFrame: { url: string; functionName: string; lineNumber: number; columnNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  // The entry and its chunks, each through its own source map.
  const bundleDir = new URL(`file://${dirname(bundleEntry)}/`).href;
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (url: string) => {
    if (!maps.has(url)) {
      const file = fileURLToPath(url);
      maps.set(url, existsSync(`${file}.map`) ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))) : undefined);
    }
    return maps.get(url);
  };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((node, i) => selfUs.set(node, (selfUs.get(node) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const bySource = new Map<string, number>();
  let totalUs = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (!us) continue;
    const { url, functionName, lineNumber, columnNumber } = node.callFrame;
    let source: string;
    if (url.startsWith(bundleDir) && mapOf(url)) {
      const entry = mapOf(url)!.findEntry(lineNumber, columnNumber) as { originalSource?: string };
      source = sourceGroup(entry.originalSource ?? 'bundle (unmapped)');
    } else if (functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)') {
      source = functionName;
    } else if (url.startsWith('node:')) {
      source = NODE_INTERNALS[url] ?? url.replace(/^node:internal\//, 'node internal: ');
    } else if (url === '') {
      source = `native: ${functionName || '(anonymous)'}`;
    } else {
      source = url.includes('cold-runner') ? 'bench runner' : url;
    }
    if (source === '(idle)') continue;
    totalUs += us;
    bySource.set(source, (bySource.get(source) ?? 0) + us);
  }
  const top = [...bySource]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 14)
    .map(([source, us]) => ({ source, ms: round(us / 1000, 1), share: round(us / totalUs, 3) }));
  return { totalMs: round(totalUs / 1000, 1), top };
}

/** What the busiest Node internals are doing while a bundle loads. */
const NODE_INTERNALS: Record<string, string> = {
  'node:internal/modules/esm/utils': 'compiling the bundle (node internal: modules/esm/utils)',
  'node:internal/source_map/source_map_cache': 'reading the source map, NODE_OPTIONS=--enable-source-maps (node internal: source_map_cache)',
  'node:internal/deps/undici/undici': 'Node’s fetch (undici), first use',
};

/** `node_modules/@scope/pkg/...` → `@scope/pkg`; `packages/api/src/web/x.tsx` → `packages/api/src/web/x.tsx`. */
function sourceGroup(original: string): string {
  const path = original.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = path.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const repo = path.search(/(packages|functions|test)\//);
  return repo >= 0 ? path.slice(repo) : path;
}

export async function measureColdStart(dynamoEndpoint: string, options: BenchOptions, log: (line: string) => void): Promise<ColdStartReport> {
  const started = performance.now();
  const api = synthesiseFunctionBundles();
  const floor = synthesiseFloorBundle();
  log(`bundles built by CDK in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const poolKey = rsaSigningKey();
  const jwks = await startJwksServer([poolKey.publicJwk]);
  const cursorSecretArn = 'arn:aws:secretsmanager:cn-north-1:123456789012:secret:CursorSigningKey-Bench';
  const aws = await startAwsStubs({ [cursorSecretArn]: 'bench-cursor-secret-0123456789-abcdefghijklmnopqrstuvwxyz' });
  // A table with one member: the caller of GET /v1/me, registered through the local app.
  const server = await startBenchServer(dynamoEndpoint, `bench-cold-${Date.now().toString(36)}`);
  try {
    const sub = 'bench-cold-user';
    const member = await callerFor(server.base, sub);
    const registered = await member.post('/v1/orgs', { type: 'ENTERPRISE', name: '冷启动测试企业', cluster: 'smart-manufacturing', creditCode: benchCreditCode() });
    if (registered.status !== 201) throw new Error(`could not register the cold-start caller: ${registered.status}`);
    const clientId = 'bench-client-id';
    const token = await cognitoAccessToken(poolKey, { sub, issuer: jwks.issuer, clientId });
    const claims = { sub, iss: jwks.issuer, client_id: clientId, token_use: 'access' };
    const runtime = {
      AWS_REGION: 'cn-north-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: aws.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const apiEnv: Record<string, string> = {
      ...api.api.runtimeEnvironment,
      ...deployedEnvironment(api.api.environment, {
        TABLE_NAME: server.tableName,
        CURSOR_SECRET_ARN: cursorSecretArn,
        EVENT_BUS_NAME: 'bench-bus',
        JWT_ISSUER: jwks.issuer,
        JWT_AUDIENCE: clientId,
        AUTH_BASE_URL: 'https://sharedtech-bench.auth.cn-north-1.amazoncognito.com',
        // Presigning is local: the bucket is only named, never called, on the way to the first response.
        ATTACHMENT_BUCKET: 'sharedtech-bench-attachments',
      }),
      ...runtime,
    };
    // The floor gets the same construct's environment (NODE_OPTIONS included) and the table.
    const floorEnv = { NODE_OPTIONS: apiEnv.NODE_OPTIONS ?? '', TABLE_NAME: server.tableName, ...runtime };
    const healthEvent = httpApiEvent('GET', '/health');
    const meEvent = httpApiEvent('GET', '/v1/me', { token, claims });
    const requestsEvent = httpApiEvent('GET', '/v1/requests', { token, claims, query: 'cluster=smart-manufacturing' });
    const runs = Math.max(1, options.coldRuns);
    // One unmeasured run each, so the OS file cache is warm for both (not in --tiny: it only has to work).
    if (!options.tiny) {
      await coldRun(api.api.entry, apiEnv, healthEvent);
      await coldRun(floor.entry, floorEnv, healthEvent);
    }
    const health = await pairedRuns({ entry: api.api.entry, env: apiEnv }, { entry: floor.entry, env: floorEnv }, healthEvent, runs);
    const me = await pairedRuns({ entry: api.api.entry, env: apiEnv }, { entry: floor.entry, env: floorEnv }, meEvent, runs);
    const requests = await pairedRuns({ entry: api.api.entry, env: apiEnv }, { entry: floor.entry, env: floorEnv }, requestsEvent, runs);
    const report = {
      api: { ...bundleBytes(api.api.entry), health: health.api, me: me.api, requests: requests.api },
      floor: { ...bundleBytes(floor.entry), health: health.floor, me: me.floor, requests: requests.floor },
    };
    const profileDir = mkdtempSync(join(tmpdir(), 'sharedtech-prof-'));
    let profile: SourceProfile = { totalMs: 0, top: [] };
    let firstMeProfile: SourceProfile = { totalMs: 0, top: [] };
    try {
      await coldRun(api.api.entry, apiEnv, meEvent, ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-interval', '100']);
      const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
      if (file) profile = profileBySource(join(profileDir, file), api.api.entry);
      const firstResponseFile = join(profileDir, 'first-response.json');
      await coldRun(api.api.entry, apiEnv, meEvent, [], firstResponseFile);
      firstMeProfile = profileBySource(firstResponseFile, api.api.entry);
    } finally {
      rmSync(profileDir, { recursive: true, force: true });
    }
    const ratios = {
      size: round(report.api.bytes / report.floor.bytes),
      initHealth: health.initRatio,
      firstHealth: health.totalRatio,
      firstMe: me.totalRatio,
      firstRequests: requests.totalRatio,
    };
    const top = profile.top.filter((entry) => !entry.source.startsWith('(')).slice(0, 5);
    const summary =
      `The API bundle's init loads ${(report.api.bytes / 1024).toFixed(0)} KiB of code (${(report.api.totalBytes / 1024).toFixed(0)} KiB with the chunks loaded on first use) against the floor's ${(report.floor.bytes / 1024).toFixed(0)} KiB (${ratios.size}×). ` +
      `Its init (module evaluation and top-level await) takes ${report.api.health.initMs} ms against ${report.floor.health.initMs} ms; ` +
      `to the first GET /v1/me response ${report.api.me.totalMs} ms against ${report.floor.me.totalMs} ms (${ratios.firstMe}×); ` +
      `to the first response of a route with input, GET /v1/requests?cluster=, ${report.api.requests.totalMs} ms against ${report.floor.requests.totalMs} ms (${ratios.firstRequests}×). ` +
      `By CPU self time over init and the first response (${profile.totalMs} ms profiled): ${top.map((entry) => `${entry.source} ${entry.ms} ms`).join(', ')}.`;
    return { runs, ...report, ratios, profile, firstMeProfile, summary };
  } finally {
    await server.close();
    await aws.close();
    await jwks.close();
    api.cleanup();
    floor.cleanup();
  }
}

const profileLines = (profile: SourceProfile) =>
  profile.top.map((entry) => `  ${entry.ms.toFixed(1).padStart(7)} ms ${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.source}`);

export function coldStartTable(report: ColdStartReport): string {
  const line = (name: string, bundle: BundleReport) =>
    `${name.padEnd(8)} ${`${(bundle.bytes / 1024).toFixed(0)} KiB`.padStart(9)} ${bundle.health.initMs.toFixed(1).padStart(9)} ${bundle.health.totalMs.toFixed(1).padStart(13)} ${bundle.me.totalMs.toFixed(1).padStart(13)} ${bundle.requests.totalMs.toFixed(1).padStart(18)}`;
  return [
    `median of ${report.runs} fresh processes each, API and floor interleaved; ms from the start of the import; ratios are medians of the paired ratios`,
    `size: code the init loads (entry + static chunks); the API bundle is ${(report.api.totalBytes / 1024).toFixed(0)} KiB with the chunks loaded on first use`,
    `${'bundle'.padEnd(8)} ${'size'.padStart(9)} ${'init'.padStart(9)} ${'→ /health'.padStart(13)} ${'→ /v1/me'.padStart(13)} ${'→ /v1/requests?…'.padStart(18)}`,
    line('api', report.api),
    line('floor', report.floor),
    `${'ratio'.padEnd(8)} ${`${report.ratios.size}×`.padStart(9)} ${`${report.ratios.initHealth}×`.padStart(9)} ${`${report.ratios.firstHealth}×`.padStart(13)} ${`${report.ratios.firstMe}×`.padStart(13)} ${`${report.ratios.firstRequests}×`.padStart(18)}`,
    '',
    'where the API function spends init + first response (CPU self time, by original source):',
    ...profileLines(report.profile),
    '',
    `of which the first GET /v1/me response alone, after the init (${report.firstMeProfile.totalMs} ms profiled):`,
    ...profileLines(report.firstMeProfile),
    '',
    report.summary,
  ].join('\n');
}
