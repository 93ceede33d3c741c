import type { Db } from '@sharedtech/data';

export interface DynamoCall {
  command: string;
  input: Record<string, unknown>;
}

/**
 * Records every DynamoDB call the app makes through `db` (a middleware on the
 * document client, so nothing is mocked): `take()` returns the calls since the
 * last `take()` and starts a new record.
 */
export function recordDynamoCalls(db: Db) {
  let calls: DynamoCall[] = [];
  db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push({ command: context.commandName ?? 'unknown', input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordDynamoCalls' },
  );
  return {
    take(): DynamoCall[] {
      const taken = calls;
      calls = [];
      return taken;
    },
  };
}
