/**
 * The bench's per-endpoint measurement (`endpoints.ts`) for a few cases only, repeated:
 * `tsx test/bench/focus.ts [--n 30] [--rounds 3] [--calls] me contract request bid`. Same consortium (tiny),
 * 1× data, same floor (p50 /health + p50 of the replayed calls, each sample a /health,
 * the request and its replay back to back); each round measures every case once, so a
 * quick before/after on a busy machine can repeat the pairing instead of the whole bench.
 * `--calls` also times each call of the request against its own replay (p50 per call).
 */
import { bidBody } from './consortium.js';
import { runScript, withSmallWorld } from './world.js';
import { http, nextTraceId, type HttpResult } from './server.js';
import { replay, replayInput, seedShadow } from './trace.js';
import { median } from './stats.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main() {
  const args = process.argv.slice(2);
  const value = (flag: string, fallback: number) => (args.includes(flag) ? Number(args[args.indexOf(flag) + 1]) : fallback);
  const n = value('--n', 30);
  const rounds = value('--rounds', 3);
  const wanted = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--n' && args[i - 1] !== '--rounds');
  await withSmallWorld('focus', (n + 5) * rounds, async ({ server, consortium, loaded }) => {
    const enterprise = consortium.enterprises[0]!;
    const studio = consortium.studios[0]!;
    let target = 0;
    const sends: Record<string, (t: string, i: number) => Promise<HttpResult>> = {
      me: (t) => studio.caller.get('/v1/me', t),
      contract: (t, i) => enterprise.caller.get(`/v1/contracts/${loaded.demoContracts[i % loaded.demoContracts.length]}`, t),
      request: (t, i) => studio.caller.get(`/v1/requests/${loaded.demoRequests[i % loaded.demoRequests.length]}`, t),
      bid: (t) => studio.caller.post(`/v1/requests/${loaded.targets[target++]}/bids`, bidBody(studio.team), undefined, t),
    };
    const cases = wanted.length ? wanted : ['me', 'contract', 'bid'];
    const ratios = new Map<string, number[]>();
    const verbose = args.includes('--calls');
    const perCall = new Map<string, number[]>();
    for (let round = 1; round <= rounds; round++) {
      for (const name of cases) {
        const send = sends[name];
        if (!send) throw new Error(`no case ${name}`);
        const health: number[] = [];
        const took: number[] = [];
        const floor: number[] = [];
        for (let i = 0; i < n + 5; i++) {
          const h = (await http(server.base, 'GET', '/health')).ms;
          const t = nextTraceId();
          const result = await send(t, i);
          if (result.status >= 300) throw new Error(`${name}: HTTP ${result.status} ${JSON.stringify(result.body)}`);
          const calls = server.takeTrace(t)?.calls ?? [];
          let r = 0;
          await seedShadow(server.plain.doc, calls, server.shadowTable);
          for (const [k, call] of calls.entries()) {
            const one = await replay(server.plain.doc, [{ op: call.op, input: replayInput(call, server.shadowTable) }]);
            r += one;
            if (i >= 5 && verbose) {
              (perCall.get(`${name} ${k} ${call.op} app`) ?? perCall.set(`${name} ${k} ${call.op} app`, []).get(`${name} ${k} ${call.op} app`)!).push(call.endedAt - call.startedAt);
              (perCall.get(`${name} ${k} ${call.op} replay`) ?? perCall.set(`${name} ${k} ${call.op} replay`, []).get(`${name} ${k} ${call.op} replay`)!).push(one);
            }
          }
          if (i < 5) continue;
          health.push(h);
          took.push(result.ms);
          floor.push(r);
        }
        const ratio = median(took) / (median(health) + median(floor));
        (ratios.get(name) ?? ratios.set(name, []).get(name)!).push(ratio);
        console.log(`round ${round} ${name.padEnd(9)} p50 ${median(took).toFixed(2).padStart(6)}  health ${median(health).toFixed(2)}  replay ${median(floor).toFixed(2).padStart(6)}  ×floor ${ratio.toFixed(2)}`);
      }
    }
    for (const [key, list] of perCall) console.log(`  ${key.padEnd(40)} p50 ${median(list).toFixed(2)} ms`);
    for (const [name, list] of ratios) console.log(`${name.padEnd(9)} ×floor median of ${list.length} rounds: ${median(list).toFixed(2)} (${list.map((r) => r.toFixed(2)).join(', ')})`);
  });
}

runScript(main);
