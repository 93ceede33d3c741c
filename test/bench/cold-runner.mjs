// One cold start, in a fresh Node process with only the function's environment
// (forked by test/bench/coldstart.ts): imports the bundle (the init phase, top-level
// await included), invokes the handler once with the event it was given, reports
// the timings over IPC and exits. performance.now() counts from the process start.
// With a second argument, the first response alone (not the init) is CPU-profiled
// into that file, through the inspector.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';

const [entry, firstResponseProfile] = process.argv.slice(2);

async function profiled(run) {
  if (!firstResponseProfile) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(firstResponseProfile, JSON.stringify(profile));
    session.disconnect();
  }
}

process.once('message', async ({ event, context }) => {
  try {
    const importStart = performance.now();
    const { handler } = await import(pathToFileURL(entry).href);
    const initEnd = performance.now();
    const result = await profiled(() => handler(event, { ...context, getRemainingTimeInMillis: () => 15_000 }));
    const firstResponse = performance.now();
    process.send({ importStart, initMs: initEnd - importStart, firstMs: firstResponse - initEnd, totalMs: firstResponse - importStart, statusCode: result?.statusCode }, () => process.exit(0));
  } catch (error) {
    process.send({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, () => process.exit(1));
  }
});
process.send({ ready: true });
