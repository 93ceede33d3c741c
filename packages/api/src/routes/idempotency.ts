import type { Context } from 'hono';
import type { CommandResult, IdempotencyInput } from '../services/idempotency.js';

/**
 * Runs a money-moving command under the request's `Idempotency-Key` (if any:
 * the key plus what the request was) and returns the body to send; a replay of
 * an earlier result says so in `Idempotent-Replayed: true`.
 */
export async function idempotent<T>(
  c: Context,
  key: string | undefined,
  body: unknown,
  run: (idempotency: IdempotencyInput | undefined) => Promise<CommandResult<T>>,
): Promise<T> {
  const result = await run(key ? { key, method: c.req.method, path: c.req.path, body: body ?? null } : undefined);
  if (result.replayed) c.header('Idempotent-Replayed', 'true');
  return result.body;
}
