import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { createApp, maxBodyBytesFor } from '@sharedtech/app';
import { runScheduledJobs, upgradeDerivedItemsIfNeeded } from '@sharedtech/services';
import { sealPreChainAuditRecordsOnce } from '@sharedtech/data';
import { ensureTable, startDynamoDbLocal } from './dynamodb-local.js';
import { LOCAL_TABLE_NAME, createLocalDeps, localSecret } from './runtime.js';
import { DEMO_BASE_STAGES, DEMO_IDENTITIES, DEMO_STAGES, seedDemoConsortium } from './seed.js';
import { serveLocal } from './server.js';

const JOB_INTERVAL_MS = 60_000;

/** `npm start`: DynamoDB Local + tables + demo seed + the app, and nothing left behind on exit. */
async function main() {
  const inMemory = process.argv.includes('--in-memory');
  const port = Number(process.env.PORT ?? 3000);
  const dataDir = inMemory ? undefined : resolve(process.env.DATA_DIR ?? '.data');
  const started = Date.now();

  const dynamo = await startDynamoDbLocal({ dataDir: dataDir && resolve(dataDir, 'dynamodb') });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    // Let requests in flight finish (bounded), then stop DynamoDB Local gracefully.
    if (server) {
      const closing = server;
      await new Promise<void>((done) => {
        const timer = setTimeout(done, 5_000);
        closing.close(() => (clearTimeout(timer), done()));
        closing.closeIdleConnections();
      });
    }
    await dynamo.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));

  let server: Server | undefined;
  try {
    const table = await ensureTable(dynamo.endpoint, LOCAL_TABLE_NAME);
    const deps = createLocalDeps({ endpoint: dynamo.endpoint, secret: localSecret(dataDir), filesDir: dataDir && resolve(dataDir, 'files') });
    // A data folder written by an earlier version gets the items the current design derives.
    await upgradeDerivedItemsIfNeeded(deps);
    // Audit records written before the hash chains existed join their chains (once per data folder).
    await sealPreChainAuditRecordsOnce(deps.db, new Date().toISOString());
    // The demo's organisations and open market before serving (sign-in needs them); the rest of the demo
    // (members, rosters, overhead, the programme, contracts, pools, appointments, resources) right after, while the server already answers.
    const seed = await seedDemoConsortium(deps, DEMO_BASE_STAGES);
    // Follow-ups a crash interrupted (e.g. rejecting the losing bids of an award) finish before anything else.
    const jobsAtStart = await runScheduledJobs(deps);
    if (jobsAtStart.failures.length) console.error('Scheduled jobs at start-up left failures:', jobsAtStart.failures);
    const app = createApp(deps);
    server = await new Promise<Server>((listening) => {
      const s = serveLocal({ fetch: app.fetch, port, hostname: '127.0.0.1', maxBodyBytes: (path: string) => maxBodyBytesFor(path, deps) }, () => listening(s));
    });
    // Locally the scheduled jobs (deadline closing, follow-ups, auto-release) run every minute.
    const jobs = setInterval(() => {
      runScheduledJobs(deps).catch((error) => console.error('Scheduled jobs failed:', error));
    }, JOB_INTERVAL_MS);
    jobs.unref();
    const rest = DEMO_STAGES.filter((stage) => !DEMO_BASE_STAGES.includes(stage));
    seedDemoConsortium(deps, rest).then(
      (more) => console.log(`  Demo consortium ${seed.created || more.created ? 'complete' : 'already complete'}: rosters, programme, contracts, pools, appointments and bookings seeded in ${(more.ms / 1000).toFixed(1)} s.`),
      (error) => {
        // Stopped half-way (Ctrl-C, or DynamoDB Local gone): the next start finishes it, adding nothing twice.
        if (!stopping) console.error('Seeding the rest of the demo failed (the next start finishes it):', error);
      },
    );
    const url = `http://localhost:${port}`;
    console.log(
      [
        '',
        `SharedTech Marketplace is running at ${url}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
        `  Web pages:      ${url}/   (sign in as a demo identity; 中文 by default, English in the header)`,
        `  API reference:  ${url}/docs   (OpenAPI: ${url}/openapi.json)`,
        `  Health:         ${url}/health`,
        `  Data:           ${dataDir ?? 'in memory (nothing is kept)'}; table ${table}, demo seed ${seed.created ? 'created' : 'already present'} (${(seed.ms / 1000).toFixed(1)} s)`,
        `  DynamoDB Local: ${dynamo.endpoint}`,
        '',
        '  Get a token for a demo identity, then call the API with it:',
        `    curl -s -X POST ${url}/dev/token -H 'content-type: application/json' -d '{"sub":"${DEMO_IDENTITIES.enterprise}"}'`,
        `    curl -s ${url}/v1/me -H "Authorization: Bearer <token>"`,
        `  Demo identities: ${Object.values(DEMO_IDENTITIES).join(', ')} (or any new name; README: "Acting as the demo users")`,
        '',
        '  Ctrl-C stops the server and DynamoDB Local.',
      ].join('\n'),
    );
  } catch (error) {
    console.error('Start-up failed:', error);
    await dynamo.stop();
    process.exit(1);
  }
}

void main();
