/**
 * The load run: a bounded, loopback-only, mixed workload — browsing, studios
 * bidding on many requests, awards, and contracts moved through signatures
 * and milestone steps with idempotency keys (some sent twice, which must be
 * replayed) — at `connections` concurrent connections for `loadSeconds`.
 * Afterwards every acknowledged write is read back, every touched contract's
 * ledger is checked (entries and balances sum to zero, balances equal the
 * postings, one FUND/RELEASE entry per acknowledged fund/accept), and the
 * report gives throughput, p50/p99 and the status counts.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from './app.js';
import { awardBody, batchWrite, bidBody, cloneTemplate, CLUSTER, loadScale, TAG, type Consortium, type Org, type Templates } from './consortium.js';
import type { BenchOptions } from './options.js';
import type { HttpResult } from './server.js';
import { percentile, round } from './stats.js';
import type { World } from './world.js';

type Action = 'browse' | 'bid' | 'award' | 'step' | 'duplicate';

interface ContractState {
  id: string;
  studio: Org;
  /** Index into STEPS of the next step. */
  next: number;
  busy: boolean;
  funds: number;
  accepts: number;
}

/** The life of a contract after its award, in order. */
const STEPS = [
  { who: 'enterprise', path: 'sign', body: {} },
  { who: 'studio', path: 'sign', body: {} },
  { who: 'enterprise', path: 'milestones/1/fund', body: {} },
  { who: 'studio', path: 'milestones/1/submit', body: { note: '第一阶段完成，附测试报告。' } },
  { who: 'enterprise', path: 'milestones/1/accept', body: {} },
  { who: 'enterprise', path: 'milestones/2/fund', body: {} },
  { who: 'studio', path: 'milestones/2/submit', body: { note: '全部完成，附验收材料。' } },
  { who: 'enterprise', path: 'milestones/2/accept', body: {} },
] as const;

const EXPECTED_AFTER = [
  { status: 'PENDING_SIGNATURES', milestones: ['PENDING', 'PENDING'] },
  { status: 'PENDING_SIGNATURES', milestones: ['PENDING', 'PENDING'] },
  { status: 'ACTIVE', milestones: ['PENDING', 'PENDING'] },
  { status: 'ACTIVE', milestones: ['FUNDED', 'PENDING'] },
  { status: 'ACTIVE', milestones: ['SUBMITTED', 'PENDING'] },
  { status: 'ACTIVE', milestones: ['RELEASED', 'PENDING'] },
  { status: 'ACTIVE', milestones: ['RELEASED', 'FUNDED'] },
  { status: 'ACTIVE', milestones: ['RELEASED', 'SUBMITTED'] },
  { status: 'COMPLETED', milestones: ['RELEASED', 'RELEASED'] },
];

export interface LoadReport {
  seconds: number;
  connections: number;
  requests: number;
  throughput: number;
  p50: number;
  p99: number;
  byAction: Record<string, { count: number; p50: number; p99: number; statuses: Record<string, number> }>;
  prepared: { openRequests: number; items: number };
  checks: {
    serverErrors: number;
    /** 4xx other than the expected conflicts (a bid racing an award), and replays that did not replay. */
    otherErrors: number;
    expectedConflicts: number;
    acknowledgedWrites: number;
    lostWrites: number;
    lost: string[];
    duplicatesReplayed: number;
    ledgersChecked: number;
    ledgersUnbalanced: number;
    problems: string[];
  };
}

const shuffle = <T>(items: T[]) => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
};

export async function runLoad(world: World, options: BenchOptions, log: (line: string) => void): Promise<LoadReport> {
  const { server, consortium } = await world.instance(`bench-load-${Date.now().toString(36)}`);
  try {
    const openCount = Math.max(30, Math.min(2_000, Math.round(options.loadSeconds * 20)));
    const loaded = await loadScale(server.plain, world.templates, options.tiny ? 0.1 : 1, 0, {});
    const bare = await loadBare(server.plain, world.templates, openCount);
    log(`prepared ${loaded.items + bare.items} items (1× consortium data, ${openCount} fresh OPEN requests) in ${(loaded.seconds + bare.seconds).toFixed(1)} s`);
    return await drive(server.base, consortium, loaded.demoRequests, loaded.demoContracts, bare.requestIds, options, loaded.items + bare.items, log);
  } finally {
    await server.close();
  }
}

/** `count` clones of the demo enterprise's OPEN request without bids. */
async function loadBare(db: Db, templates: Templates, count: number) {
  const started = performance.now();
  const requestIds: string[] = [];
  function* items() {
    for (let i = 0; i < count; i++) {
      const { items: cloned, idMap } = cloneTemplate(templates.bare, (item) => !String(item.pk).startsWith('AUDIT#'));
      requestIds.push(idMap.get(templates.bare.root.requestId!)!);
      yield* cloned;
    }
  }
  const written = await batchWrite(db, items());
  return { requestIds, items: written, seconds: (performance.now() - started) / 1000 };
}

async function drive(
  base: string,
  consortium: Consortium,
  browseRequests: string[],
  browseContracts: string[],
  openRequests: string[],
  options: BenchOptions,
  preparedItems: number,
  log: (line: string) => void,
): Promise<LoadReport> {
  const enterprise = consortium.enterprises[0]!;
  const studios = consortium.studios;
  const pairs = shuffle(openRequests.flatMap((requestId) => studios.map((studio) => ({ requestId, studio }))));
  const closed = new Set<string>();
  const inFlightBids = new Map<string, number>();
  /** Requests with acknowledged bids, waiting for an award. */
  const awardable = new Map<string, { bidId: string; studio: Org }>();
  const contracts: ContractState[] = [];
  const acknowledged = { bids: [] as { id: string; studio: Org }[], contracts: [] as ContractState[] };
  const latencies: Record<Action, number[]> = { browse: [], bid: [], award: [], step: [], duplicate: [] };
  const statuses: Record<Action, Record<string, number>> = { browse: {}, bid: {}, award: {}, step: {}, duplicate: {} };
  const problems: string[] = [];
  let serverErrors = 0;
  let otherErrors = 0;
  let expectedConflicts = 0;
  let duplicatesReplayed = 0;
  const note = (action: Action, result: HttpResult, what: string, conflictExpected = false) => {
    latencies[action].push(result.ms);
    statuses[action][result.status] = (statuses[action][result.status] ?? 0) + 1;
    if (result.status >= 500) {
      serverErrors++;
      if (problems.length < 20) problems.push(`${what}: HTTP ${result.status} ${JSON.stringify(result.body).slice(0, 200)}`);
    } else if (result.status >= 400) {
      if (conflictExpected && result.status === 409) expectedConflicts++;
      else {
        otherErrors++;
        if (problems.length < 20) problems.push(`${what}: HTTP ${result.status} ${JSON.stringify(result.body).slice(0, 200)}`);
      }
    }
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;

  const browse = async () => {
    const studio = pick(studios);
    const choice = Math.floor(Math.random() * 6);
    const requestId = pick(browseRequests.length ? browseRequests : openRequests);
    const result =
      choice === 0 ? await studio.caller.get(`/v1/requests?cluster=${CLUSTER}`)
      : choice === 1 ? await studio.caller.get(`/v1/requests?tag=${encodeURIComponent(TAG)}`)
      : choice === 2 ? await studio.caller.get(`/v1/requests/${requestId}`)
      : choice === 3 ? await enterprise.caller.get('/v1/notifications')
      : choice === 4 && browseContracts.length ? await enterprise.caller.get(`/v1/contracts/${pick(browseContracts)}`)
      : await studio.caller.page('/feed');
    note('browse', result, 'browse');
  };

  const bid = async (): Promise<boolean> => {
    let pair = pairs.pop();
    while (pair && closed.has(pair.requestId)) pair = pairs.pop();
    if (!pair) return false;
    inFlightBids.set(pair.requestId, (inFlightBids.get(pair.requestId) ?? 0) + 1);
    try {
      const result = await pair.studio.caller.post(`/v1/requests/${pair.requestId}/bids`, bidBody(pair.studio.team, 80_000 + Math.floor(Math.random() * 20_000)));
      note('bid', result, `bid on ${pair.requestId}`, true);
      if (result.status === 201) {
        acknowledged.bids.push({ id: result.body.id, studio: pair.studio });
        if (!closed.has(pair.requestId) && !awardable.has(pair.requestId)) awardable.set(pair.requestId, { bidId: result.body.id, studio: pair.studio });
      }
    } finally {
      inFlightBids.set(pair.requestId, (inFlightBids.get(pair.requestId) ?? 1) - 1);
    }
    return true;
  };

  const award = async (): Promise<boolean> => {
    const entry = [...awardable].find(([requestId]) => !inFlightBids.get(requestId));
    if (!entry) return false;
    const [requestId, { bidId, studio }] = entry;
    awardable.delete(requestId);
    closed.add(requestId);
    const result = await enterprise.caller.post(`/v1/requests/${requestId}/award`, awardBody(bidId, enterprise.orgId, studio.orgId));
    note('award', result, `award ${requestId}`);
    if (result.status === 201) {
      const contract: ContractState = { id: result.body.id, studio, next: 0, busy: false, funds: 0, accepts: 0 };
      contracts.push(contract);
      acknowledged.contracts.push(contract);
    }
    return true;
  };

  const step = async (): Promise<boolean> => {
    const contract = contracts.find((candidate) => !candidate.busy && candidate.next < STEPS.length);
    if (!contract) return false;
    contract.busy = true;
    try {
      const spec = STEPS[contract.next]!;
      const caller = spec.who === 'enterprise' ? enterprise.caller : contract.studio.caller;
      const key = { 'idempotency-key': randomUUID() };
      const path = `/v1/contracts/${contract.id}/${spec.path}`;
      const result = await caller.post(path, spec.body, key);
      note('step', result, `${spec.path} on ${contract.id}`);
      if (result.status !== 200) return true;
      contract.next++;
      if (spec.path.endsWith('fund')) contract.funds++;
      if (spec.path.endsWith('accept')) contract.accepts++;
      // Some money steps are sent twice with the same key, as a client retrying after a lost response would.
      if (spec.path.includes('milestones') && Math.random() < 0.15) {
        const again = await caller.post(path, spec.body, key);
        note('duplicate', again, `replay of ${spec.path} on ${contract.id}`);
        if (again.status === 200 && again.headers.get('idempotent-replayed') === 'true') duplicatesReplayed++;
        else if (again.status < 500) {
          otherErrors++;
          if (problems.length < 20) problems.push(`replay of ${spec.path} on ${contract.id}: HTTP ${again.status}, Idempotent-Replayed ${again.headers.get('idempotent-replayed')}`);
        }
      }
    } finally {
      contract.busy = false;
    }
    return true;
  };

  const deadline = performance.now() + options.loadSeconds * 1000;
  const started = performance.now();
  let total = 0;
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < deadline) {
        const roll = Math.random();
        let done = false;
        try {
          if (roll < 0.3) done = await bid();
          else if (roll < 0.38) done = await award();
          else if (roll < 0.58) done = await step();
          if (!done) await browse();
        } catch (error) {
          otherErrors++;
          if (problems.length < 20) problems.push(`client: ${(error as Error).message}`);
        }
        total++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  log(`load: ${total} operations in ${seconds.toFixed(1)} s at ${options.connections} connections; checking every acknowledged write…`);

  // Every acknowledged write, read back.
  const lost: string[] = [];
  for (const bidAck of acknowledged.bids) {
    const read = await bidAck.studio.caller.get(`/v1/bids/${bidAck.id}`);
    if (read.status !== 200) lost.push(`bid ${bidAck.id}: HTTP ${read.status}`);
  }
  let ledgersChecked = 0;
  let ledgersUnbalanced = 0;
  for (const contract of acknowledged.contracts) {
    const read = await enterprise.caller.get(`/v1/contracts/${contract.id}`);
    if (read.status !== 200) {
      lost.push(`contract ${contract.id}: HTTP ${read.status}`);
      continue;
    }
    const expected = EXPECTED_AFTER[contract.next]!;
    const milestones = (read.body.milestones ?? []).map((milestone: { status: string }) => milestone.status);
    if (read.body.status !== expected.status || JSON.stringify(milestones) !== JSON.stringify(expected.milestones)) {
      lost.push(`contract ${contract.id}: ${read.body.status} ${milestones.join('/')} after ${contract.next} acknowledged steps, expected ${expected.status} ${expected.milestones.join('/')}`);
    }
    if (contract.funds === 0) continue;
    ledgersChecked++;
    const ledger = await readLedger(enterprise, contract.id);
    const entrySums = ledger.items.map((entry) => entry.postings.reduce((sum, posting) => sum + posting.amount, 0));
    const balanceSum = ledger.balances.reduce((sum, balance) => sum + balance.amount, 0);
    const fromEntries = new Map<string, number>();
    for (const entry of ledger.items) for (const posting of entry.postings) fromEntries.set(posting.account, (fromEntries.get(posting.account) ?? 0) + posting.amount);
    const mismatched = ledger.balances.filter((balance) => balance.amount !== (fromEntries.get(balance.account) ?? 0));
    const fundEntries = ledger.items.filter((entry) => entry.kind === 'FUND').length;
    const releaseEntries = ledger.items.filter((entry) => entry.kind === 'RELEASE').length;
    if (entrySums.some((sum) => sum !== 0) || balanceSum !== 0 || mismatched.length > 0) {
      ledgersUnbalanced++;
      if (problems.length < 20) problems.push(`ledger of ${contract.id}: entry sums ${entrySums.join(',')}, balances sum ${balanceSum}, ${mismatched.length} balances differ from postings`);
    }
    if (fundEntries !== contract.funds || releaseEntries !== contract.accepts) {
      lost.push(`ledger of ${contract.id}: ${fundEntries} FUND and ${releaseEntries} RELEASE entries for ${contract.funds} acknowledged funds and ${contract.accepts} accepts`);
    }
  }
  const acknowledgedWrites = acknowledged.bids.length + acknowledged.contracts.length + acknowledged.contracts.reduce((sum, contract) => sum + contract.next, 0);
  const all = Object.values(latencies).flat();
  const byAction: LoadReport['byAction'] = {};
  for (const action of Object.keys(latencies) as Action[]) {
    byAction[action] = { count: latencies[action].length, p50: round(percentile(latencies[action], 0.5)), p99: round(percentile(latencies[action], 0.99)), statuses: statuses[action] };
  }
  return {
    seconds: round(seconds, 1),
    connections: options.connections,
    requests: all.length,
    throughput: round(all.length / seconds, 1),
    p50: round(percentile(all, 0.5)),
    p99: round(percentile(all, 0.99)),
    byAction,
    prepared: { openRequests: openRequests.length, items: preparedItems },
    checks: {
      serverErrors,
      otherErrors,
      expectedConflicts,
      acknowledgedWrites,
      lostWrites: lost.length,
      lost: lost.slice(0, 20),
      duplicatesReplayed,
      ledgersChecked,
      ledgersUnbalanced,
      problems,
    },
  };
}

interface LedgerPage {
  items: { id: string; kind: string; postings: { account: string; amount: number }[] }[];
  balances: { account: string; amount: number }[];
  nextCursor: string | null;
}

async function readLedger(reader: Org, contractId: string) {
  const items: LedgerPage['items'] = [];
  let balances: LedgerPage['balances'] = [];
  let cursor: string | null = null;
  do {
    const page: HttpResult<LedgerPage> = await reader.caller.get(`/v1/contracts/${contractId}/ledger?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (page.status !== 200) throw new Error(`ledger of ${contractId}: HTTP ${page.status}`);
    items.push(...page.body.items);
    balances = page.body.balances;
    cursor = page.body.nextCursor;
  } while (cursor);
  return { items, balances };
}

export function loadTable(report: LoadReport): string {
  const lines = [
    `${report.requests} requests in ${report.seconds} s at ${report.connections} connections: ${report.throughput} req/s, p50 ${report.p50} ms, p99 ${report.p99} ms`,
    `${'action'.padEnd(10)} ${'count'.padStart(7)} ${'p50'.padStart(8)} ${'p99'.padStart(8)}  statuses`,
    ...Object.entries(report.byAction).map(
      ([action, row]) => `${action.padEnd(10)} ${String(row.count).padStart(7)} ${row.p50.toFixed(1).padStart(8)} ${row.p99.toFixed(1).padStart(8)}  ${Object.entries(row.statuses).map(([status, n]) => `${status}×${n}`).join(' ')}`,
    ),
    `checks: ${report.checks.serverErrors} 5xx, ${report.checks.otherErrors} other failures, ${report.checks.expectedConflicts} expected conflicts (bid vs award), ` +
      `${report.checks.lostWrites} lost of ${report.checks.acknowledgedWrites} acknowledged writes, ${report.checks.duplicatesReplayed} duplicates replayed, ` +
      `${report.checks.ledgersUnbalanced} of ${report.checks.ledgersChecked} ledgers off`,
    ...report.checks.problems.map((problem) => `  problem: ${problem}`),
    ...report.checks.lost.map((lost) => `  lost: ${lost}`),
  ];
  return lines.join('\n');
}
