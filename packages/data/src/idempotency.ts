import { ConflictError } from '@sharedtech/core';
import { z } from 'zod';
import type { Db } from './client.js';
import type { Write } from './commit.js';
import { keys } from './keys.js';
import { getItem } from './query.js';

/**
 * Idempotency records: the first response to a money-moving request, kept
 * under the caller's `Idempotency-Key` for a day. The record is written *in the
 * same transaction* as the money it describes and only if no live record
 * exists, so two concurrent requests with one key cannot both move money: one
 * commits, the other's transaction is cancelled and it replays the record.
 */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export const idempotencyRecordSchema = z.object({
  scope: z.string(),
  key: z.string(),
  /** SHA-256 of method, path and canonical body: the same key with another request is refused. */
  fingerprint: z.string(),
  status: z.number().int(),
  /** The response body as JSON text (kept verbatim so a replay is byte-for-byte the same). */
  body: z.string(),
  createdAt: z.string(),
  /**
   * ISO copy of the TTL: DynamoDB deletes expired items only eventually, so a
   * reader must ignore a record past this instant itself. (`expiresAt`, the TTL
   * attribute in epoch seconds, is a physical attribute and stripped on read.)
   */
  validUntil: z.string(),
});
export type IdempotencyRecord = z.infer<typeof idempotencyRecordSchema>;

/** The live record for (scope, key), or undefined; strongly consistent, because it decides whether money moves. */
export async function getIdempotencyRecord(db: Db, scope: string, key: string, now: Date): Promise<IdempotencyRecord | undefined> {
  const record = await getItem(db, keys.idempotency(scope, key), idempotencyRecordSchema, true);
  return record && Date.parse(record.validUntil) > now.getTime() ? record : undefined;
}

/** The conflict a lost race on one idempotency key reports; the caller then replays the winner's record. */
export class IdempotencyRaceError extends ConflictError {
  constructor() {
    super('IDEMPOTENCY_KEY_IN_FLIGHT', 'Another request with this Idempotency-Key was processed at the same moment.');
  }
}

/** Puts the record if no live one exists (an expired record awaiting TTL deletion counts as absent). */
export function putIdempotencyRecord(
  db: Db,
  input: Omit<IdempotencyRecord, 'createdAt' | 'validUntil'>,
  now: Date,
  ttlSeconds = IDEMPOTENCY_TTL_SECONDS,
): Write {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const expiresAt = nowSeconds + ttlSeconds;
  const record: IdempotencyRecord = {
    ...input,
    createdAt: now.toISOString(),
    validUntil: new Date(expiresAt * 1000).toISOString(),
  };
  return {
    op: {
      Put: {
        TableName: db.tableName,
        Item: { ...keys.idempotency(input.scope, input.key), ...record, expiresAt },
        ConditionExpression: 'attribute_not_exists(pk) OR #expiresAt <= :now',
        ExpressionAttributeNames: { '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':now': nowSeconds },
      },
    },
    onConflict: () => new IdempotencyRaceError(),
  };
}
