/**
 * `npm run bench`: throughput and latency of the main read and write paths
 * against DynamoDB Local, reported as ratios to `/health` measured in the same
 * run (so the numbers compare across machines), plus memory growth. Bounded in
 * count; loopback only; stops DynamoDB Local when done.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '@sharedtech/app';
import { createLocalDeps, ensureTable, seedDemoConsortium, startDynamoDbLocal, DEMO_IDENTITIES } from '@sharedtech/local';

const REQUESTS_PER_CASE = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

interface CaseResult {
  name: string;
  perSecond: number;
  p50: number;
  p95: number;
}

async function measure(name: string, call: (i: number) => Promise<Response>): Promise<CaseResult> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS_PER_CASE) {
        const i = next++;
        const t0 = performance.now();
        const response = await call(i);
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { name, perSecond: REQUESTS_PER_CASE / seconds, p50: at(0.5), p95: at(0.95) };
}

async function main() {
  const dynamo = await startDynamoDbLocal();
  try {
    await ensureTable(dynamo.endpoint, 'Bench');
    const deps = createLocalDeps({ endpoint: dynamo.endpoint, secret: 'bench-only-secret', tableName: 'Bench' });
    await seedDemoConsortium(deps);
    const app = createApp(deps);
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const token = async (sub: string) =>
      ((await (await fetch(`${base}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub }) })).json()) as { token: string }).token;
    const enterprise = { authorization: `Bearer ${await token(DEMO_IDENTITIES.enterprise)}`, 'content-type': 'application/json' };
    const studio = { authorization: `Bearer ${await token(DEMO_IDENTITIES.studio)}` };
    const deadline = new Date(Date.now() + 20 * 86_400_000).toISOString();
    const draft = JSON.stringify({
      title: '基准测试需求', summary: '用于基准测试的技术需求摘要内容。', details: '用于基准测试的技术需求详细内容。',
      cluster: 'smart-manufacturing', tags: ['机器视觉'], biddingDeadline: deadline,
      budget: { min: { amount: 100, currency: 'CNY' }, max: { amount: 200, currency: 'CNY' } },
    });

    const heapBefore = process.memoryUsage().heapUsed;
    const results = [
      await measure('GET /health (baseline)', () => fetch(`${base}/health`)),
      await measure('GET /v1/me', () => fetch(`${base}/v1/me`, { headers: studio })),
      await measure('GET /v1/requests?cluster', () => fetch(`${base}/v1/requests?cluster=smart-manufacturing`, { headers: studio })),
      await measure('POST /v1/requests (transaction)', () => fetch(`${base}/v1/requests`, { method: 'POST', headers: enterprise, body: draft })),
    ];
    global.gc?.();
    const heapGrowthMiB = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    server.close();

    const baseline = results[0]!;
    console.log(`\n${REQUESTS_PER_CASE} requests per case, ${CONCURRENCY} concurrent, DynamoDB Local on loopback\n`);
    console.log('case'.padEnd(36), 'req/s'.padStart(8), 'p50 ms'.padStart(8), 'p95 ms'.padStart(8), 'throughput ÷ baseline'.padStart(23));
    for (const result of results) {
      console.log(
        result.name.padEnd(36),
        result.perSecond.toFixed(0).padStart(8),
        result.p50.toFixed(1).padStart(8),
        result.p95.toFixed(1).padStart(8),
        (result.perSecond / baseline.perSecond).toFixed(3).padStart(23),
      );
    }
    console.log(`\nheap growth over the run: ${heapGrowthMiB.toFixed(1)} MiB; RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
  } finally {
    await dynamo.stop();
  }
}

void main();
