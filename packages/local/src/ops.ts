import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { AppDeps } from '@sharedtech/app';
import { createAssociation, upgradeDerivedItems } from '@sharedtech/services';
import {
  BackupFileError, formatBackup, parseBackup, scanAuditPartitions, scanTable, snapshotTable, verifyAuditChain, writeItems,
} from '@sharedtech/data';
import { ensureTable, localClient, startDynamoDbLocal } from './dynamodb-local.js';
import { LOCAL_TABLE_NAME, createLocalDeps, localSecret } from './runtime.js';

const usage = `Operator commands (local data in DATA_DIR, default .data/; or --endpoint for a running DynamoDB; --table <name>, default Marketplace):
  npm run ops -- create-association --name "<name>" --owner <sub> [--cluster <slug>] [--endpoint http://127.0.0.1:8000]
  npm run ops -- upgrade-data [--endpoint http://127.0.0.1:8000]
  npm run ops -- backup <file> [--endpoint …]     a consistent, checksummed export of the table (JSON lines)
  npm run ops -- restore <file> [--endpoint …]    into an empty table (a new DATA_DIR); the checksum is verified first
  npm run ops -- verify-audit [--endpoint …]      checks every audit hash chain and names the first broken link`;

type Options = { name?: string; owner?: string; cluster?: string; endpoint?: string; table?: string; file?: string };
interface Context {
  deps: AppDeps;
  endpoint: string;
  table: string;
}

/** Each command: what it needs from the options, and what it does (a failure sets the exit code to 1). */
const commands: Record<string, { valid: (options: Options) => boolean; run: (context: Context, options: Options) => Promise<string> }> = {
  /** The only way, besides the seed, to create an association (moderator powers). */
  'create-association': {
    valid: (options) => Boolean(options.name && options.owner),
    run: async ({ deps }, { name, owner, cluster }) => {
      const org = await createAssociation(deps, { name: name!, ownerSub: owner!, cluster });
      return `Created association ${org.id} (${org.name}) owned by ${owner}.`;
    },
  },
  /** Brings data written by an earlier version up to the current design (idempotent), audit records into their hash chains included. */
  'upgrade-data': {
    valid: () => true,
    run: async ({ deps }) => {
      const report = await upgradeDerivedItems(deps);
      return `Data is up to date: ${JSON.stringify(report)}`;
    },
  },
  backup: {
    valid: (options) => Boolean(options.file),
    run: async ({ endpoint, table }, { file }) => {
      const client = localClient(endpoint);
      try {
        const snapshot = await snapshotTable(client, table);
        const { text, header } = formatBackup(table, snapshot.items, new Date().toISOString());
        // Written next to the target and renamed, so a crash never leaves half a backup under the name.
        const target = resolve(file!);
        writeFileSync(`${target}.partial`, text, { mode: 0o600 });
        renameSync(`${target}.partial`, target);
        return `Backed up ${header.items} items of ${header.table} to ${target} (sha256 ${header.sha256}; ${snapshot.scans} scans agreed).`;
      } finally {
        client.destroy();
      }
    },
  },
  restore: {
    valid: (options) => Boolean(options.file),
    run: async ({ endpoint, table }, { file }) => {
      const path = resolve(file!);
      if (!existsSync(path)) throw new Error(`no such file: ${path}`);
      // Checked whole before anything is written: a tampered or truncated file writes nothing.
      const { header, items } = parseBackup(readFileSync(path, 'utf8'));
      const client = localClient(endpoint);
      try {
        const present = await scanTable(client, table, { segments: 1 });
        if (present.length) throw new Error(`the table already holds ${present.length} items; restore into an empty data folder (a new DATA_DIR)`);
        await writeItems(client, table, items);
        const after = await snapshotTable(client, table);
        if (after.sha256 !== header.sha256 || after.items.length !== header.items) {
          throw new Error(`the restored table (${after.items.length} items, sha256 ${after.sha256}) differs from the backup`);
        }
        return `Restored ${header.items} items from ${path} (backup of ${header.createdAt}); the table hashes to ${after.sha256}, as the backup does.`;
      } finally {
        client.destroy();
      }
    },
  },
  'verify-audit': {
    valid: () => true,
    run: async ({ deps }) => {
      const partitions = await scanAuditPartitions(deps.db);
      const reports = [...partitions].map(([entity, items]) => verifyAuditChain(entity, items)).sort((a, b) => (a.entity < b.entity ? -1 : 1));
      const records = reports.reduce((sum, report) => sum + report.chained, 0);
      const preChain = reports.reduce((sum, report) => sum + report.preChain, 0);
      const broken = reports.filter((report) => !report.ok);
      const summary = `${reports.length} audit chains, ${records} chained records${preChain ? `, ${preChain} records from before the chain (run upgrade-data to chain them)` : ''}`;
      if (!broken.length) return `Audit trail intact: ${summary}.`;
      const lines = broken.map((report) => `  BROKEN ${report.entity}: ${report.broken!.reason} (record ${report.broken!.id ?? '?'}, sort key ${report.broken!.sk})`);
      throw new Error(`${broken.length} of ${summary} are broken:\n${lines.join('\n')}`);
    },
  },
};

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, owner: { type: 'string' }, cluster: { type: 'string' }, endpoint: { type: 'string' }, table: { type: 'string' } },
  });
  const options: Options = { ...values, file: positionals[1] };
  const command = commands[positionals[0] ?? ''];
  if (!command || !command.valid(options)) {
    console.error(usage);
    process.exit(2);
  }
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  const dynamo = values.endpoint ? undefined : await startDynamoDbLocal({ dataDir: resolve(dataDir, 'dynamodb') });
  try {
    const endpoint = values.endpoint ?? dynamo!.endpoint;
    const table = values.table ?? LOCAL_TABLE_NAME;
    await ensureTable(endpoint, table);
    console.log(await command.run({ deps: createLocalDeps({ endpoint, secret: localSecret(dataDir), tableName: table }), endpoint, table }, options));
  } catch (error) {
    console.error(error instanceof BackupFileError ? `Refused: ${error.message}` : `Failed: ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    await dynamo?.stop();
  }
}

void main();
