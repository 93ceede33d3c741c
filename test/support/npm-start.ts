import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '@sharedtech/local';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export interface NpmStart {
  child: ChildProcess;
  baseUrl: string;
  /** Everything the process printed so far, stdout and stderr interleaved. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs `npm start`'s entry on a free port over a data folder, as a process group of
 * its own (like a shell job, so Ctrl-C or SIGKILL can reach all of it), and waits
 * until it answers `/health`.
 */
export async function startMarketplaceProcess(dataDir: string, timeoutMs = 90_000): Promise<NpmStart> {
  const port = await freePort();
  const child = spawn('npx', ['tsx', 'packages/local/src/start.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  let hasExited = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => ((hasExited = true), resolve({ code, signal }))),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + timeoutMs; ; ) {
    if (hasExited) throw new Error(`npm start exited before it answered:\n${output}`);
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGKILL'); // nothing of a failed start may outlive the test
      throw new Error(`npm start did not answer /health in time:\n${output}`);
    }
    if ((await fetch(`${baseUrl}/health`).catch(() => undefined))?.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, baseUrl, output: () => output, exited };
}
