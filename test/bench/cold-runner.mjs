// One cold start, in a fresh Node process with only the function's environment
// (forked by test/bench/coldstart.ts): imports the bundle (the init phase, top-level
// await included), invokes the handler once with the event it was given, reports
// the timings over IPC and exits. performance.now() counts from the process start.
import { pathToFileURL } from 'node:url';

const [entry] = process.argv.slice(2);
process.once('message', async ({ event, context }) => {
  try {
    const importStart = performance.now();
    const { handler } = await import(pathToFileURL(entry).href);
    const initEnd = performance.now();
    const result = await handler(event, { ...context, getRemainingTimeInMillis: () => 15_000 });
    const firstResponse = performance.now();
    process.send({ importStart, initMs: initEnd - importStart, firstMs: firstResponse - initEnd, totalMs: firstResponse - importStart, statusCode: result?.statusCode }, () => process.exit(0));
  } catch (error) {
    process.send({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, () => process.exit(1));
  }
});
process.send({ ready: true });
