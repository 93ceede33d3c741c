import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { AppDeps } from '@sharedtech/app';
import { createAssociation, upgradeDerivedItems } from '@sharedtech/services';
import { ensureTable, startDynamoDbLocal } from './dynamodb-local.js';
import { LOCAL_TABLE_NAME, createLocalDeps, localSecret } from './runtime.js';

const usage = `Operator commands (local data in DATA_DIR, default .data/; or --endpoint for a running DynamoDB):
  npm run ops -- create-association --name "<name>" --owner <sub> [--cluster <slug>] [--endpoint http://127.0.0.1:8000]
  npm run ops -- upgrade-data [--endpoint http://127.0.0.1:8000]`;

type Options = { name?: string; owner?: string; cluster?: string; endpoint?: string };

/** Each command: what it needs from the options, and what it does. */
const commands: Record<string, { valid: (options: Options) => boolean; run: (deps: AppDeps, options: Options) => Promise<string> }> = {
  /** The only way, besides the seed, to create an association (moderator powers). */
  'create-association': {
    valid: (options) => Boolean(options.name && options.owner),
    run: async (deps, { name, owner, cluster }) => {
      const org = await createAssociation(deps, { name: name!, ownerSub: owner!, cluster });
      return `Created association ${org.id} (${org.name}) owned by ${owner}.`;
    },
  },
  /** Brings data written by an earlier version up to the current design (idempotent). */
  'upgrade-data': {
    valid: () => true,
    run: async (deps) => `Data is up to date: ${JSON.stringify(await upgradeDerivedItems(deps))}`,
  },
};

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, owner: { type: 'string' }, cluster: { type: 'string' }, endpoint: { type: 'string' } },
  });
  const command = commands[positionals[0] ?? ''];
  if (!command || !command.valid(values)) {
    console.error(usage);
    process.exit(2);
  }
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  const dynamo = values.endpoint ? undefined : await startDynamoDbLocal({ dataDir: resolve(dataDir, 'dynamodb') });
  try {
    const endpoint = values.endpoint ?? dynamo!.endpoint;
    await ensureTable(endpoint, LOCAL_TABLE_NAME);
    console.log(await command.run(createLocalDeps({ endpoint, secret: localSecret(dataDir) }), values));
  } catch (error) {
    console.error(`Failed: ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    await dynamo?.stop();
  }
}

void main();
