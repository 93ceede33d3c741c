import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createAssociation } from '@sharedtech/api';
import { ensureTable, startDynamoDbLocal } from './dynamodb-local.js';
import { LOCAL_TABLE_NAME, createLocalDeps, localSecret } from './runtime.js';

const usage = `Operator commands (local data in DATA_DIR, default .data/; or --endpoint for a running DynamoDB):
  npm run ops -- create-association --name "<name>" --owner <sub> [--cluster <slug>] [--endpoint http://127.0.0.1:8000]`;

/** Operator CLI: the only way, besides the seed, to create an association (moderator powers). */
async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, owner: { type: 'string' }, cluster: { type: 'string' }, endpoint: { type: 'string' } },
  });
  if (positionals[0] !== 'create-association' || !values.name || !values.owner) {
    console.error(usage);
    process.exit(2);
  }
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  const dynamo = values.endpoint ? undefined : await startDynamoDbLocal({ dataDir: resolve(dataDir, 'dynamodb') });
  try {
    const endpoint = values.endpoint ?? dynamo!.endpoint;
    await ensureTable(endpoint, LOCAL_TABLE_NAME);
    const deps = createLocalDeps({ endpoint, secret: localSecret(dataDir) });
    const org = await createAssociation(deps, { name: values.name, ownerSub: values.owner, cluster: values.cluster });
    console.log(`Created association ${org.id} (${org.name}) owned by ${values.owner}.`);
  } catch (error) {
    console.error(`Failed: ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    await dynamo?.stop();
  }
}

void main();
