/**
 * The app's own CPU per request, without the database: `tsx test/bench/app-cpu.ts [case…] [--n 2000] [--profile]`.
 *
 * Each case is sent once for real (DynamoDB Local, the bench's consortium at
 * 1× data) while the document client's answers are recorded; then the app
 * answers it N times through `app.fetch` with the client's `send` answering
 * those recordings in call order, instantly. What remains is what the app adds
 * to the floor's calls: routing, authentication, validation, parsing items,
 * building writes, serialising. `health` is the same for `/health`.
 * Interleaved rounds, so a machine that gets busier slows every case alike.
 * With `--profile`, a CPU profile of the loop per case goes to test-results/app-cpu-<case>.cpuprofile.
 */
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createApp } from './app.js';
import { bidBody } from './consortium.js';
import { runScript, withSmallWorld } from './world.js';
import { median } from './stats.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Case {
  method: string;
  path: (i: number) => string;
  headers: Record<string, string>;
  body?: unknown;
}

async function main() {
  const args = process.argv.slice(2);
  const nAt = args.indexOf('--n');
  const n = nAt >= 0 ? Number(args[nAt + 1]) : 2000;
  const profile = args.includes('--profile');
  const named = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--n');
  await withSmallWorld('appcpu', 4, async ({ server, consortium, loaded }) => {
    const enterprise = consortium.enterprises[0]!;
    const studio = consortium.studios[0]!;
    const cases: Record<string, Case> = {
      health: { method: 'GET', path: () => '/health', headers: {} },
      me: { method: 'GET', path: () => '/v1/me', headers: studio.caller.api },
      'contract detail': { method: 'GET', path: () => `/v1/contracts/${loaded.demoContracts[0]}`, headers: enterprise.caller.api },
      'submit bid': { method: 'POST', path: () => `/v1/requests/${loaded.targets[0]}/bids`, headers: studio.caller.api, body: bidBody(studio.team) },
      'request detail': { method: 'GET', path: () => `/v1/requests/${loaded.demoRequests[0]}`, headers: studio.caller.api },
    };
    const wanted = named.length ? ['health', ...named.filter((name) => name !== 'health')] : Object.keys(cases);

    // A second app on the same deps, whose client answers from recordings.
    const doc = server.deps.db.doc;
    const realSend = doc.send.bind(doc);
    let mode: 'record' | 'replay' = 'record';
    let tape: unknown[] = [];
    let cursor = 0;
    (doc as { send: unknown }).send = async (command: unknown) => {
      if (mode === 'record') {
        // In call order (concurrent reads may answer in any order).
        const slot = tape.push(undefined) - 1;
        const output = await realSend(command as never);
        tape[slot] = structuredClone(output);
        return output;
      }
      const output = tape[cursor++ % tape.length];
      return structuredClone(output);
    };
    const app = createApp(server.deps);
    const request = (c: Case, i: number) =>
      new Request(`http://localhost${c.path(i)}`, {
        method: c.method,
        headers: { ...c.headers, ...(c.body ? { 'content-type': 'application/json' } : {}) },
        body: c.body ? JSON.stringify(c.body) : undefined,
      });
    const tapes = new Map<string, unknown[]>();
    for (const name of wanted) {
      const c = cases[name];
      if (!c) throw new Error(`no case ${name}`);
      mode = 'record';
      tape = [];
      const response = await app.fetch(request(c, 0));
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${name}: HTTP ${response.status} ${text}`);
      tapes.set(name, tape);
    }
    mode = 'replay';
    const session = profile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 50 });
    }
    const times = new Map<string, number[]>(wanted.map((name) => [name, []]));
    const rounds = 10;
    const perRound = Math.ceil(n / rounds);
    for (let round = 0; round <= rounds; round++) {
      for (const name of wanted) {
        const c = cases[name]!;
        tape = tapes.get(name)!;
        cursor = 0;
        const warm = round === 0;
        if (session && !warm) await session.post('Profiler.start');
        for (let i = 0; i < perRound; i++) {
          const req = request(c, i);
          const started = performance.now();
          const response = await app.fetch(req);
          await response.text();
          const ms = performance.now() - started;
          if (response.status >= 300) throw new Error(`${name}: HTTP ${response.status}`);
          if (!warm) times.get(name)!.push(ms);
        }
        if (session && !warm) {
          const { profile: taken } = (await session.post('Profiler.stop')) as unknown as { profile: unknown };
          if (round === rounds) {
            mkdirSync('test-results', { recursive: true });
            writeFileSync(`test-results/app-cpu-${name.replace(/\s+/g, '-')}.cpuprofile`, JSON.stringify(taken));
          }
        }
      }
    }
    const health = median(times.get('health')!);
    console.log(`app.fetch, database answered from recordings: median µs per request (${rounds * perRound} each)`);
    for (const name of wanted) {
      const m = median(times.get(name)!);
      console.log(`  ${name.padEnd(18)} ${(m * 1000).toFixed(0).padStart(6)} µs   above /health ${((m - health) * 1000).toFixed(0).padStart(6)} µs   calls ${tapes.get(name)!.length}`);
    }
  });
}

runScript(main);
