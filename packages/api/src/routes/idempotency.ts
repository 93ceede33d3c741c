import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { IdempotencyKeySchema, type CommandResult, type IdempotencyInput } from '@sharedtech/services';

// ── Schemas of this resource ─────────────────────────────────────────────


const keyParam = { param: { name: 'idempotency-key', in: 'header' as const }, description: 'Retries with the same key return the first result and move nothing again.' };

/** Money-moving routes require the header (400 without it). */
export const RequiredIdempotencyHeaders = z.object({ 'idempotency-key': IdempotencyKeySchema.openapi(keyParam) });

/** Other state changes honour it when given. */
export const OptionalIdempotencyHeaders = z.object({ 'idempotency-key': IdempotencyKeySchema.optional().openapi(keyParam) });

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
