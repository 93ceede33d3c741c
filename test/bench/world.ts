/**
 * The consortium and templates are made once, through the app, in a base
 * table; every data size and the load run then start from a copy of that
 * table (the same organisations, members and templates — literally the same
 * consortium), each served by its own app on its own table.
 */
import { startDynamoDbLocal, type Db } from './app.js';
import { batchWrite, buildConsortium, buildTemplates, loadScale, type Consortium, type Loaded, type Org, type Templates } from './consortium.js';
import { callerFor, startBenchServer, type BenchServer } from './server.js';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';

export interface World {
  templates: Templates;
  /** A fresh table holding the base items, its server, and the consortium's callers bound to it. */
  instance(tableName: string): Promise<{ server: BenchServer; consortium: Consortium }>;
  close(): Promise<void>;
}

async function scanItems(db: Db): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(new ScanCommand({ TableName: db.tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export async function buildWorld(endpoint: string, log: (line: string) => void, size?: { enterprises: number; studios: number }): Promise<World> {
  const started = performance.now();
  const baseServer = await startBenchServer(endpoint, `bench-base-${Date.now().toString(36)}`);
  let consortium: Consortium;
  let templates: Templates;
  let baseItems: Record<string, unknown>[];
  try {
    consortium = await buildConsortium(baseServer, size);
    templates = await buildTemplates(consortium, baseServer.plain);
    baseItems = await scanItems(baseServer.plain);
  } finally {
    await baseServer.close();
  }
  log(`consortium and templates made through the app: ${baseItems.length} items in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const servers: BenchServer[] = [];
  return {
    templates,
    async instance(tableName) {
      const server = await startBenchServer(endpoint, tableName);
      servers.push(server);
      await batchWrite(server.plain, baseItems);
      // The same organisations (and studios' roster teams: the base items hold the people), signed in on this server.
      const rebind = async <O extends Org>(org: O): Promise<O> => ({ ...org, caller: await callerFor(server.base, org.caller.sub) });
      return {
        server,
        consortium: {
          association: await callerFor(server.base, consortium.association.sub),
          enterprises: await Promise.all(consortium.enterprises.map(rebind)),
          studios: await Promise.all(consortium.studios.map(rebind)),
          government: await rebind(consortium.government),
          college: await rebind(consortium.college),
        },
      };
    },
    async close() {
      await Promise.all(servers.map((server) => server.close().catch(() => undefined)));
    },
  };
}

/**
 * What the closer-look scripts (focus, app-cpu) run in: DynamoDB Local, the
 * small consortium (2 enterprises, 3 studios), one table at 1× data with
 * `targets` fresh requests to bid on; everything is stopped after `look`.
 */
export async function withSmallWorld(name: string, targets: number, look: (small: { server: BenchServer; consortium: Consortium; loaded: Loaded }) => Promise<void>) {
  const dynamo = await startDynamoDbLocal();
  const world = await buildWorld(dynamo.endpoint, () => undefined, { enterprises: 2, studios: 3 });
  try {
    const { server, consortium } = await world.instance(`${name}-${Date.now().toString(36)}`);
    await look({ server, consortium, loaded: await loadScale(server.plain, world.templates, 1, targets) });
  } finally {
    await world.close();
    await dynamo.stop();
  }
}

/** Runs a bench script's main; a failure is printed and exits 1. */
export function runScript(main: () => Promise<void>) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
