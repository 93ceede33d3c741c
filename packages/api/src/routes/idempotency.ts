import type { Context } from 'hono';
import type { CommandResult, IdempotencyInput } from '../services/idempotency.js';

/** The idempotency input of a request: the caller's key (if any) and what the request was. */
export function idempotencyOf(c: Context, key: string | undefined, body: unknown): IdempotencyInput | undefined {
  return key ? { key, method: c.req.method, path: c.req.path, body: body ?? null } : undefined;
}

/** Sends a command's result; a replay says so in `Idempotent-Replayed: true`. */
export function sendResult<T>(c: Context, result: CommandResult<T>) {
  if (result.replayed) c.header('Idempotent-Replayed', 'true');
  return result;
}
