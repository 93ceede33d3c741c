// A minimal stand-in for the AWS Lambda Node.js runtime, run as a child process
// by test/support/lambda.ts: it imports one bundled handler (init phase, top-level
// await included), then runs the invocations it receives over IPC one at a time —
// a Lambda execution environment never runs two at once — and sends back each
// result with everything the invocation wrote to stdout and stderr.
import { pathToFileURL } from 'node:url';

const written = [];
for (const stream of [process.stdout, process.stderr]) {
  stream.write = (chunk) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
}
const drain = () => written.splice(0).join('');
const describe = (error) => (error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error));

// The parent's end of the channel closing means the test is over (or died): never outlive it.
process.on('disconnect', () => process.exit(0));

let handler;
try {
  ({ handler } = await import(pathToFileURL(process.argv[2]).href));
  process.send({ type: 'ready', output: drain() });
} catch (error) {
  process.send({ type: 'init-error', error: describe(error), output: drain() });
  process.exit(1);
}

let queue = Promise.resolve();
process.on('message', ({ id, event, context, timeoutMs }) => {
  queue = queue.then(async () => {
    const deadline = Date.now() + timeoutMs;
    try {
      const result = await handler(event, { ...context, getRemainingTimeInMillis: () => deadline - Date.now() });
      process.send({ id, result, output: drain() });
    } catch (error) {
      process.send({ id, error: describe(error), output: drain() });
    }
  });
});
