/**
 * Per-endpoint measurement against the floor: each case is sent N times in
 * sequence, each request traced (latency, the DynamoDB calls it made, the
 * capacity they consumed); then the calls of every sample are replayed
 * directly through a plain document client, one after another, and the floor
 * of the case is the p50 of `/health` plus the p50 of those replays. The
 * machine may be shared, so the three are paired: each sample is a `/health`
 * request, the request itself and the replay of its calls, back to back.
 */
import { awardBody, bidBody, CLUSTER, idempotencyKey, TAG, type Consortium, type Loaded } from './consortium.js';
import { http, nextTraceId, type BenchServer, type HttpResult } from './server.js';
import { median, mode, percentile, round, summariseLabels } from './stats.js';
import { describeCall, isUnbounded, quiesce, replay, replayInput, seedShadow, sequentialDepth, type RecordedCall } from './trace.js';

export type CaseKind = 'baseline' | 'read' | 'write' | 'page';

export interface EndpointRow {
  name: string;
  kind: CaseKind;
  route: string;
  samples: number;
  p50: number;
  p95: number;
  /** DynamoDB calls per request (median, min, max over the samples). */
  calls: number;
  callsMin: number;
  callsMax: number;
  /** Round trips in sequence (overlapping calls count once), median. */
  roundTrips: number;
  /** Consumed capacity units per request, median. */
  capacity: number;
  /** The usual mix of calls, e.g. `Get(strong)×2, Query(gsi2)`. */
  mix: string;
  /** The calls of the sample whose capacity is the median, each with the items it returned and the capacity it consumed (`Query(gsi1) 50→6.5`). */
  callDetail: string[];
  /** Labels of calls that were a Scan or a Query without Limit. */
  unbounded: string[];
  /** Calls made after the response (not in `calls`). */
  lateCalls: number;
  /** p50 of replaying the sample's calls through the document client, sequentially. */
  replayP50: number;
  /** `/health` p50 + replayP50. */
  floorP50: number;
  /** p50 ÷ floorP50. */
  ratio: number;
  /** Statuses seen. */
  statuses: Record<string, number>;
  /** Samples answered with an unexpected status (e.g. a 503 when the database timed out). */
  errors: number;
  /** The floor's replay was scaled up from the first calls (requests with hundreds of calls). */
  replayEstimated: boolean;
}

interface Sample {
  ms: number;
  /** The same calls replayed through the plain document client right after the request (paired, so both see the same machine load). */
  replayMs: number;
  /** A `/health` request sent just before (the HTTP hop under the same conditions). */
  healthMs: number;
  status: number;
  calls: RecordedCall[];
  late: number;
  /** The replay covered only the first MAX_REPLAYED_CALLS calls and was scaled up. */
  estimated: boolean;
}

export interface MeasureOptions {
  samples: number;
  warmup: number;
  /** A read case stops early once this much time is spent (slow, growing endpoints), keeping at least 3 samples. */
  budgetMs: number;
}

/** Sends one request of a case; `null` skips index `i` (a write whose object an earlier step failed to make). */
type Send = (traceId: string, i: number) => Promise<HttpResult | null>;

/** Calls replayed per sample at most; beyond that the replay time is scaled up from a prefix (marked as estimated). */
const MAX_REPLAYED_CALLS = 300;

/**
 * Sends a case `count` times. A response with an unexpected status does not
 * stop the bench: it is kept as a sample (its status shows in the row and
 * fails the goals) and logged once. A slow case stops after `budgetMs` with
 * at least 3 samples; warm-up requests are skipped once a quarter of it is spent.
 */
async function collect(server: BenchServer, name: string, count: number, warmup: number, budgetMs: number, expected: number[], send: Send, log?: (line: string) => void) {
  const samples: Sample[] = [];
  const results: (HttpResult | null)[] = [];
  const started = performance.now();
  let reported = false;
  for (let i = 0; i < count; i++) {
    const warm = i < warmup && performance.now() - started < budgetMs / 4;
    const healthMs = (await http(server.base, 'GET', '/health')).ms;
    const traceId = nextTraceId();
    const result = await send(traceId, i);
    const trace = server.takeTrace(traceId);
    results.push(result && expected.includes(result.status) ? result : null);
    if (!result) continue;
    if (!expected.includes(result.status) && !reported) {
      reported = true;
      log?.(`  ${name}: HTTP ${result.status} ${typeof result.body === 'string' ? result.body.slice(0, 200) : JSON.stringify(result.body).slice(0, 200)}`);
    }
    const calls = trace?.calls ?? [];
    const replayed = calls.slice(0, MAX_REPLAYED_CALLS);
    await seedShadow(server.plain.doc, replayed, server.shadowTable);
    let replayMs = replayed.length ? await replay(server.plain.doc, replayed.map((call) => ({ op: call.op, input: replayInput(call, server.shadowTable) }))) : 0;
    if (replayed.length < calls.length) replayMs *= calls.length / replayed.length;
    if (!warm) samples.push({ ms: result.ms, replayMs, healthMs, status: result.status, calls, late: trace?.late ?? 0, estimated: replayed.length < calls.length });
    if (samples.length >= 3 && performance.now() - started > budgetMs) break;
  }
  return { samples, results };
}

const capacityOf = (sample: Sample) => sample.calls.reduce((sum, call) => sum + call.capacity, 0);
const medianCapacitySample = (samples: readonly Sample[]) => [...samples].sort((a, b) => capacityOf(a) - capacityOf(b))[Math.floor(samples.length / 2)];

function summarise(name: string, kind: CaseKind, route: string, samples: Sample[], expected: number[]): EndpointRow {
  const healthP50 = median(samples.map((sample) => sample.healthMs));
  const replays = samples.map((sample) => sample.replayMs);
  const latencies = samples.map((sample) => sample.ms);
  const callCounts = samples.map((sample) => sample.calls.length);
  const p50 = percentile(latencies, 0.5);
  const replayP50 = kind === 'baseline' ? 0 : median(replays);
  const floorP50 = kind === 'baseline' ? p50 : healthP50 + replayP50;
  const statuses: Record<string, number> = {};
  for (const sample of samples) statuses[sample.status] = (statuses[sample.status] ?? 0) + 1;
  const unbounded = [...new Set(samples.flatMap((sample) => sample.calls.filter(isUnbounded).map(describeCall)))];
  return {
    name,
    kind,
    route,
    samples: samples.length,
    p50: round(p50),
    p95: round(percentile(latencies, 0.95)),
    calls: median(callCounts),
    callsMin: Math.min(...callCounts),
    callsMax: Math.max(...callCounts),
    roundTrips: median(samples.map((sample) => sequentialDepth(sample.calls))),
    capacity: round(median(samples.map(capacityOf)), 1),
    mix: mode(samples.map((sample) => summariseLabels(sample.calls.map(describeCall)))) ?? '',
    callDetail: medianCapacitySample(samples)?.calls.map((call) => `${describeCall(call)} ${call.returned}→${call.capacity}`) ?? [],
    unbounded,
    lateCalls: samples.reduce((sum, sample) => sum + sample.late, 0),
    replayP50: round(replayP50),
    floorP50: round(floorP50),
    ratio: round(p50 / floorP50),
    statuses,
    errors: samples.filter((sample) => !expected.includes(sample.status)).length,
    replayEstimated: samples.some((sample) => sample.estimated),
  };
}

/** Every endpoint of the issue, in one run, at one data size. */
export async function measureEndpoints(server: BenchServer, consortium: Consortium, loaded: Loaded, options: MeasureOptions, log: (line: string) => void): Promise<EndpointRow[]> {
  const rows: EndpointRow[] = [];
  const enterprise = consortium.enterprises[0]!;
  const studio = consortium.studios[0]!;
  const association = consortium.association;
  const base = server.base;

  // The floor's first term: one HTTP hop through the same server and client.
  const health = await collect(server, 'health', Math.max(options.samples, 20) + 10, 10, Infinity, [200], (traceId) => http(base, 'GET', '/health', { traceId }));
  rows.push(summarise('health (one HTTP hop)', 'baseline', 'GET /health', health.samples, [200]));

  const pick = (ids: readonly string[], i: number) => {
    if (ids.length === 0) throw new Error('the load gave no ids for this case');
    return ids[i % ids.length]!;
  };
  const read = async (name: string, kind: CaseKind, route: string, send: Send) => {
    const { samples } = await collect(server, name, options.samples + options.warmup, options.warmup, options.budgetMs, [200], send, log);
    await quiesce();
    const row = summarise(name, kind, route, samples, [200]);
    rows.push(row);
    log(`  ${name.padEnd(34)} p50 ${row.p50.toFixed(1).padStart(7)} ms  calls ${String(row.calls).padStart(4)}  ×floor ${row.ratio.toFixed(2)}`);
  };

  await read('me', 'read', 'GET /v1/me', (t) => studio.caller.get('/v1/me', t));
  await read('requests by cluster', 'read', 'GET /v1/requests?cluster=', (t) => studio.caller.get(`/v1/requests?cluster=${CLUSTER}`, t));
  await read('requests by tag', 'read', 'GET /v1/requests?tag=', (t) => studio.caller.get(`/v1/requests?tag=${encodeURIComponent(TAG)}`, t));
  await read('request detail', 'read', 'GET /v1/requests/{id}', (t, i) => studio.caller.get(`/v1/requests/${pick(loaded.demoRequests, i)}`, t));
  await read('bid list', 'read', 'GET /v1/requests/{id}/bids', (t, i) => enterprise.caller.get(`/v1/requests/${pick(loaded.demoRequests, i)}/bids`, t));
  await read('my bids (studio)', 'read', 'GET /v1/bids', (t) => studio.caller.get('/v1/bids', t));
  await read('my contracts', 'read', 'GET /v1/contracts', (t) => enterprise.caller.get('/v1/contracts', t));
  await read('contract detail', 'read', 'GET /v1/contracts/{id}', (t, i) => enterprise.caller.get(`/v1/contracts/${pick(loaded.demoContracts, i)}`, t));
  await read('ledger', 'read', 'GET /v1/contracts/{id}/ledger', (t, i) => enterprise.caller.get(`/v1/contracts/${pick(loaded.demoContracts, i)}/ledger`, t));
  await read('my accounts', 'read', 'GET /v1/accounts/me', (t) => enterprise.caller.get('/v1/accounts/me', t));
  await read('notifications', 'read', 'GET /v1/notifications', (t) => enterprise.caller.get('/v1/notifications', t));
  await read('matches for a request', 'read', 'GET /v1/matches?requestId=', (t, i) => enterprise.caller.get(`/v1/matches?requestId=${pick(loaded.demoRequests, i)}`, t));
  await read('matches for my studio', 'read', 'GET /v1/matches', (t) => studio.caller.get('/v1/matches', t));
  await read('web: feed', 'page', 'GET /feed', (t) => studio.caller.page('/feed', t));
  await read('web: request', 'page', 'GET /requests/{id}', (t, i) => studio.caller.page(`/requests/${pick(loaded.demoRequests, i)}`, t));
  await read('web: contract', 'page', 'GET /contracts/{id}', (t, i) => enterprise.caller.page(`/contracts/${pick(loaded.demoContracts, i)}`, t));
  // Last of the reads: at large sizes it may time out, and a failed request can leave calls in flight behind it.
  await read('stats', 'read', 'GET /v1/stats?cluster=', (t) => association.get(`/v1/stats?cluster=${CLUSTER}`, t));

  // Writes: a chain over fresh objects, so every timed write is a real one —
  // bid on N fresh requests, award those bids, sign, fund, submit, accept the contracts.
  const n = Math.min(loaded.targets.length, options.samples + options.warmup);
  const write = async (name: string, route: string, expected: number[], send: Send) => {
    const { samples, results } = await collect(server, name, n, Math.min(options.warmup, Math.max(0, n - 3)), Infinity, expected, send, log);
    await quiesce();
    const row = summarise(name, 'write', route, samples, expected);
    rows.push(row);
    log(`  ${name.padEnd(34)} p50 ${row.p50.toFixed(1).padStart(7)} ms  calls ${String(row.calls).padStart(4)}  ×floor ${row.ratio.toFixed(2)}`);
    return results;
  };
  const targets = loaded.targets.slice(0, n);
  const bids = await write('submit bid', 'POST /v1/requests/{id}/bids', [201], (t, i) => studio.caller.post(`/v1/requests/${targets[i]}/bids`, bidBody(studio.team), undefined, t));
  const contracts = await write('award', 'POST /v1/requests/{id}/award', [201], async (t, i) =>
    bids[i] ? enterprise.caller.post(`/v1/requests/${targets[i]}/award`, awardBody(bids[i]!.body.id, enterprise.orgId, studio.orgId), undefined, t) : null,
  );
  // Each step acts only on the contracts every earlier step succeeded on.
  let ok = contracts.map((result) => result !== null);
  const contractIds = contracts.map((result) => result?.body.id as string);
  const step = async (name: string, route: string, send: (t: string, i: number) => Promise<HttpResult>) => {
    const results = await write(name, route, [200], async (t, i) => (ok[i] ? send(t, i) : null));
    ok = results.map((result, i) => ok[i]! && result !== null);
  };
  await step('sign (first party)', 'POST /v1/contracts/{id}/sign', (t, i) => enterprise.caller.post(`/v1/contracts/${contractIds[i]}/sign`, {}, undefined, t));
  await step('sign (last party, activates)', 'POST /v1/contracts/{id}/sign', (t, i) => studio.caller.post(`/v1/contracts/${contractIds[i]}/sign`, {}, undefined, t));
  const milestone = (i: number, action: string) => `/v1/contracts/${contractIds[i]}/milestones/1/${action}`;
  await step('fund', 'POST …/milestones/{n}/fund', (t, i) => enterprise.caller.post(milestone(i, 'fund'), {}, idempotencyKey(), t));
  await step('submit', 'POST …/milestones/{n}/submit', (t, i) => studio.caller.post(milestone(i, 'submit'), { note: '样机完成，附测试报告。' }, undefined, t));
  await step('accept', 'POST …/milestones/{n}/accept', (t, i) => enterprise.caller.post(milestone(i, 'accept'), {}, idempotencyKey(), t));
  return rows;
}
