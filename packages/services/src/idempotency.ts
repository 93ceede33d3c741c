import { createHash } from 'node:crypto';
import { ConflictError, UnprocessableError, type Principal } from '@sharedtech/core';
import { getIdempotencyRecord, IdempotencyRaceError, putIdempotencyRecord, type IdempotencyRecord, type Write } from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';

/** What identifies a request for idempotency: the caller's key plus the request it was used for. */
export interface IdempotencyInput {
  key: string;
  method: string;
  path: string;
  body: unknown;
}

export interface CommandResult<T> {
  status: 200 | 201;
  body: T;
  /** True when the body is the stored first response to an earlier request with the same key. */
  replayed: boolean;
}

/** JSON with object keys sorted at every level, so `{a,b}` and `{b,a}` fingerprint alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const fingerprintOf = (input: Omit<IdempotencyInput, 'key'>) =>
  createHash('sha256').update(`${input.method.toUpperCase()} ${input.path}\n${canonicalJson(input.body)}`).digest('base64url');

/** Conflicts worth another attempt with fresh reads: a concurrent writer touched what we read. */
const RETRYABLE = new Set(['CONCURRENT_UPDATE', 'IDEMPOTENCY_KEY_IN_FLIGHT', 'MILESTONES_CHANGED']);
const MAX_ATTEMPTS = 5;

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 15 * attempt + Math.floor(Math.random() * 25)));

function replay<T>(record: IdempotencyRecord, fingerprint: string): CommandResult<T> {
  if (record.fingerprint !== fingerprint) {
    throw new UnprocessableError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a different request; use a new key for a new request.',
    );
  }
  return { status: record.status as 200 | 201, body: JSON.parse(record.body) as T, replayed: true };
}

/**
 * Runs a state-changing command at most once per idempotency key.
 *
 * `run` gets `recordFor(status, body)`: the writes that store the response,
 * which it must put in the same transaction as the change itself. The record
 * is conditioned on not existing, so of concurrent requests with one key one
 * commits and the rest are cancelled — they then find the record and replay it.
 * A conflict with another writer (version changed, transaction conflict) is
 * retried with fresh reads a few times before it becomes the caller's 409.
 */
export async function runIdempotent<T>(
  deps: ServiceDeps,
  principal: Principal,
  input: IdempotencyInput | undefined,
  run: (recordFor: (status: 200 | 201, body: T) => Write[]) => Promise<{ status: 200 | 201; body: T }>,
): Promise<CommandResult<T>> {
  const fingerprint = input ? fingerprintOf(input) : '';
  const lookup = async () => (input ? getIdempotencyRecord(deps.db, principal.sub, input.key, deps.clock()) : undefined);
  for (let attempt = 1; ; attempt += 1) {
    const prior = await lookup();
    if (prior) return replay<T>(prior, fingerprint);
    try {
      const result = await run((status, body) =>
        input
          ? [putIdempotencyRecord(deps.db, { scope: principal.sub, key: input.key, fingerprint, status, body: JSON.stringify(body) }, deps.clock())]
          : [],
      );
      // What the client gets is exactly what a replay would give: the body as stored.
      return { status: result.status, body: JSON.parse(JSON.stringify(result.body)) as T, replayed: false };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // Whatever the conflict, a duplicate that won the race explains it best: replay its result.
      const winner = await lookup();
      if (winner) return replay<T>(winner, fingerprint);
      if (!(RETRYABLE.has(error.code) || error instanceof IdempotencyRaceError) || attempt >= MAX_ATTEMPTS) throw error;
      await pause(attempt);
    }
  }
}
