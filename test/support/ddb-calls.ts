import type { Db } from '@sharedtech/data';

export interface RecordedCall {
  command: string;
  input: Record<string, any>;
}

/**
 * Records every command the app's document client sends to DynamoDB (an SDK
 * middleware on the harness's client), so a test can count the round trips one
 * HTTP request costs. Tests of one file run one after another, so `take()`
 * around a request sees only that request's calls.
 */
export function recordDynamoCalls(db: Db) {
  let calls: RecordedCall[] = [];
  db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push({ command: String(context.commandName), input: args.input as Record<string, any> });
      return next(args);
    },
    { step: 'initialize', name: 'recordDynamoCallsForTests' },
  );
  return {
    /** The calls made since the last `take()`, and forget them. */
    take(): RecordedCall[] {
      const taken = calls;
      calls = [];
      return taken;
    },
  };
}
