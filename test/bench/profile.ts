/**
 * Where one endpoint spends its time above the floor: `tsx test/bench/profile.ts [case…] [--n 200]`.
 *
 * Builds the bench's consortium (tiny) at 1× data, then, per case, sends the
 * request N times in sequence and replays its DynamoDB calls through the
 * plain client, as the bench does, measuring wall time and this process's CPU
 * time for both, while a CPU profile (node:inspector) records only the
 * requests. Prints the CPU per request above the replay's and the profile's
 * self time by package and by function. Profiles go to test-results/profile-<case>.cpuprofile.
 * Cases: me, contract, bid (submit bid on fresh requests), health.
 */
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { startDynamoDbLocal } from './app.js';
import { bidBody, loadScale } from './consortium.js';
import { buildWorld } from './world.js';
import { http, nextTraceId, type HttpResult } from './server.js';
import { replay, replayInput } from './trace.js';
import { median } from './stats.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const pkg = url.match(/packages\/([^/]+)\/src\/(.*)$/);
  if (pkg) return `@sharedtech/${pkg[1]}`;
  if (url.startsWith('node:')) return 'node';
  if (url === '') return '(native)';
  return url.replace(/^.*\/wt-[^/]+\//, '');
}

/** Self µs per request by function, idle excluded. */
function selfTime(profile: Profile, requests: number): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') return;
    const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|packages)\//, '')}:${lineNumber + 1}`;
    out.set(fn, (out.get(fn) ?? 0) + (profile.timeDeltas[i] ?? 0) / requests);
  });
  return out;
}

function summariseProfile(profile: Profile, requests: number, top = 25) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    busy += us;
    const pkg = functionName === '(garbage collector)' ? '(gc)' : where(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|packages)\//, '')}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `  ${(us / requests).toFixed(0).padStart(6)} µs/req ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${name}`)
      .join('\n');
  return `busy ${(busy / requests).toFixed(0)} µs/req (profile samples, not idle)\nby package:\n${rows(byPackage)}\nby function (self):\n${rows(byFunction)}`;
}

async function main() {
  const args = process.argv.slice(2);
  const nAt = args.indexOf('--n');
  const n = nAt >= 0 ? Number(args[nAt + 1]) : 200;
  const cases = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--n');
  const wanted = cases.length ? cases : ['me', 'contract', 'bid'];
  const dynamo = await startDynamoDbLocal();
  const world = await buildWorld(dynamo.endpoint, () => undefined, { enterprises: 2, studios: 3 });
  try {
    const { server, consortium } = await world.instance(`profile-${Date.now().toString(36)}`);
    const loaded = await loadScale(server.plain, world.templates, 1, wanted.includes('bid') ? n + 20 : 1);
    const enterprise = consortium.enterprises[0]!;
    const studio = consortium.studios[0]!;
    const sends: Record<string, (t: string, i: number) => Promise<HttpResult>> = {
      health: (t) => http(server.base, 'GET', '/health', { traceId: t }),
      me: (t) => studio.caller.get('/v1/me', t),
      contract: (t, i) => enterprise.caller.get(`/v1/contracts/${loaded.demoContracts[i % loaded.demoContracts.length]}`, t),
      bid: (t, i) => studio.caller.post(`/v1/requests/${loaded.targets[i]}/bids`, bidBody(), undefined, t),
    };
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    mkdirSync('test-results', { recursive: true });
    const selfTimes = new Map<string, Map<string, number>>();
    for (const name of wanted) {
      const send = sends[name];
      if (!send) throw new Error(`no case ${name}`);
      const warm = name === 'bid' ? 10 : 30;
      let offset = 0;
      for (let i = 0; i < warm; i++) await send(nextTraceId(), offset++);
      const wall: number[] = [];
      const traces: string[] = [];
      await session.post('Profiler.start');
      const before = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const t = nextTraceId();
        const result = await send(t, offset++);
        if (result.status >= 300) throw new Error(`${name}: HTTP ${result.status} ${JSON.stringify(result.body)}`);
        wall.push(result.ms);
        traces.push(t);
      }
      const used = process.cpuUsage(before);
      const { profile: merged } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
      const cpu = used.user + used.system;
      const replayWall: number[] = [];
      await session.post('Profiler.start');
      const rBefore = process.cpuUsage();
      for (const t of traces) {
        const calls = server.takeTrace(t)?.calls ?? [];
        replayWall.push(await replay(server.plain.doc, calls.map((call) => ({ op: call.op, input: replayInput(call, server.shadowTable) }))));
      }
      const rUsed = process.cpuUsage(rBefore);
      const replayCpu = rUsed.user + rUsed.system;
      const { profile: replayProfile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
      selfTimes.set(name, selfTime(merged, n));
      selfTimes.set(`${name} replay`, selfTime(replayProfile, n));
      writeFileSync(`test-results/profile-${name}.cpuprofile`, JSON.stringify(merged));
      console.log(`\n== ${name}: ${n} requests`);
      console.log(`wall p50 ${median(wall).toFixed(2)} ms, replay p50 ${median(replayWall).toFixed(2)} ms`);
      console.log(`cpu (this process, incl. client side of HTTP) ${(cpu / n).toFixed(0)} µs/req, replay ${(replayCpu / n).toFixed(0)} µs/req`);
      console.log(summariseProfile(merged!, n));
      if (name !== 'health') {
        const excess = new Map(selfTimes.get(name));
        for (const minus of [selfTimes.get(`${name} replay`), selfTimes.get('health')]) for (const [fn, us] of minus ?? []) excess.set(fn, (excess.get(fn) ?? 0) - us);
        const total = [...excess.values()].reduce((a, b) => a + b, 0);
        console.log(`above replay${selfTimes.has('health') ? ' + health' : ''}: ${total.toFixed(0)} µs/req; largest:`);
        for (const [fn, us] of [...excess.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${us.toFixed(0).padStart(6)} µs/req  ${fn}`);
      }
    }
    await server.close();
  } finally {
    await world.close();
    await dynamo.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
