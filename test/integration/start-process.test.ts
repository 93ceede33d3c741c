import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, startMarketplaceProcess } from '../support/npm-start.js';

/**
 * `npm start` as a user runs it: a real process tree (npx → tsx → node → java),
 * started twice on one data folder and stopped with SIGINT each time. Other test
 * runs on this machine may have their own DynamoDB Local, so the Java process is
 * identified as the new DynamoDBLocal.jar process that descends from our child.
 */
const START_TIMEOUT_MS = 90_000;
const dataDir = mkdtempSync(join(tmpdir(), 'sharedtech-start-'));
const started: Running[] = [];

interface Running {
  child: ChildProcess;
  javaPid: number;
  baseUrl: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Pids of every DynamoDB Local on the machine (pgrep exits 1 when there is none). */
function dynamoDbLocalPids(): Set<number> {
  try {
    return new Set(execFileSync('pgrep', ['-f', 'DynamoDBLocal.jar'], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number));
  } catch {
    return new Set();
  }
}

/** The parent pid from /proc/<pid>/stat (the field after the parenthesised command name). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function descendsFrom(pid: number, ancestor: number): boolean {
  for (let current: number | undefined = pid; current && current > 1; current = parentOf(current)) {
    if (current === ancestor) return true;
  }
  return false;
}

/** Processes whose command line mentions our data folder (Java runs with -dbPath inside it). */
function processesUsingDataDir(): string[] {
  try {
    return execFileSync('pgrep', ['-af', dataDir], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function startMarketplace(): Promise<Running> {
  const before = dynamoDbLocalPids();
  const { child, baseUrl, output, exited } = await startMarketplaceProcess(dataDir, START_TIMEOUT_MS);
  const running: Running = { child, javaPid: 0, baseUrl, output, exited };
  started.push(running);
  const ours = [...dynamoDbLocalPids()].filter((pid) => !before.has(pid) && descendsFrom(pid, child.pid!));
  expect(ours, output()).toHaveLength(1);
  running.javaPid = ours[0]!;
  return running;
}

async function call(running: Running, method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${running.baseUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

/** The rest of the demo (contracts, appointments, bookings) is seeded after the server answers: wait for its line. */
async function demoComplete(running: Running): Promise<string> {
  for (let waited = 0; waited < START_TIMEOUT_MS && !/Demo consortium (already )?complete/.test(running.output()); waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return running.output();
}

const tokenFor = async (running: Running, sub: string) => (await call(running, 'POST', '/dev/token', undefined, { sub })).json().token as string;
const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id).sort();

afterAll(() => {
  // Whatever happened above, leave no process and no folder behind.
  for (const running of started) {
    if (running.child.exitCode === null && running.child.signalCode === null) {
      try {
        process.kill(-running.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (running.javaPid && isAlive(running.javaPid)) process.kill(running.javaPid, 'SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start (packages/local/src/start.ts)', () => {
  let firstRun: { requests: string[]; orgs: string[]; token: string };

  it('serves the app on PORT with its docs and the seeded demo, and Ctrl-C stops it and its DynamoDB Local', { timeout: START_TIMEOUT_MS * 2 }, async () => {
    // Act
    const running = await startMarketplace();
    expect(await demoComplete(running)).toContain('Demo consortium complete');

    // Assess: it serves.
    const docs = await call(running, 'GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    const token = await tokenFor(running, 'demo-studio');
    const open = await call(running, 'GET', '/v1/requests?limit=100', token);
    expect(open.status).toBe(200);
    expect(open.json().items).toHaveLength(5);
    expect(open.json().items.every((request: { status: string; details?: string }) => request.status === 'OPEN' && request.details)).toBe(true);
    const orgs = await call(running, 'GET', '/v1/orgs?limit=100', token);
    expect(orgs.json().items).toHaveLength(11);
    const contracts = await call(running, 'GET', '/v1/contracts?limit=100', token);
    expect(contracts.json().items.map((contract: { status: string }) => contract.status).sort()).toEqual(['ACTIVE', 'COMPLETED']);
    expect(running.output()).toContain('demo seed created');
    firstRun = { requests: ids(open.json()), orgs: ids(orgs.json()), token };

    // Act: Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-running.child.pid!, 'SIGINT');
    await running.exited;

    // Assess: nothing it started is left.
    expect(isAlive(running.javaPid)).toBe(false);
    expect(dynamoDbLocalPids().has(running.javaPid)).toBe(false);
    expect(processesUsingDataDir()).toEqual([]);
  });

  it('keeps its data in DATA_DIR across a restart without seeding twice, and stops Java itself on SIGINT', { timeout: START_TIMEOUT_MS * 2 }, async () => {
    expect(firstRun).toBeDefined();

    // Act
    const running = await startMarketplace();

    // Assess: the same organisations and requests, nothing duplicated, the same signing secret.
    expect(running.output()).toContain('demo seed already present');
    expect(await demoComplete(running)).toContain('Demo consortium already complete');
    const me = await call(running, 'GET', '/v1/me', firstRun.token);
    expect(me.status).toBe(200);
    expect(me.json().membership).toMatchObject({ sub: 'demo-studio', role: 'OWNER' });
    expect(ids((await call(running, 'GET', '/v1/requests?limit=100', firstRun.token)).json())).toEqual(firstRun.requests);
    expect(ids((await call(running, 'GET', '/v1/orgs?limit=100', firstRun.token)).json())).toEqual(firstRun.orgs);
    const association = await tokenFor(running, 'demo-association');
    expect((await call(running, 'GET', '/v1/orgs?status=PENDING', association)).json().items).toEqual([]);

    // Act: SIGINT to the marketplace process alone (Java's parent); Java gets no signal from us.
    const marketplacePid = parentOf(running.javaPid)!;
    expect(descendsFrom(marketplacePid, running.child.pid!)).toBe(true);
    process.kill(marketplacePid, 'SIGINT');
    await running.exited;

    // Assess
    expect(running.output()).toContain('SIGINT: stopping');
    expect(isAlive(marketplacePid)).toBe(false);
    expect(isAlive(running.javaPid)).toBe(false);
    expect(dynamoDbLocalPids().has(running.javaPid)).toBe(false);
    expect(processesUsingDataDir()).toEqual([]);
  });

  it('leaves no Java behind even when the marketplace process is killed outright (SIGKILL runs no handler)', { timeout: START_TIMEOUT_MS * 2 }, async () => {
    // Prepare
    const running = await startMarketplace();
    const marketplacePid = parentOf(running.javaPid)!;

    // Act: the one signal Node cannot handle; only the watchdog can clean up after it.
    process.kill(marketplacePid, 'SIGKILL');
    await running.exited;
    for (let check = 0; check < 50 && isAlive(running.javaPid); check++) await new Promise((resolve) => setTimeout(resolve, 200));

    // Assess
    expect(isAlive(running.javaPid)).toBe(false);
    expect(processesUsingDataDir()).toEqual([]);
  });
});
