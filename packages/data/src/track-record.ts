import { ConflictError, trackRecordDelta, type Contract } from '@sharedtech/core';
import { z } from 'zod';
import type { Db } from './client.js';
import { putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem } from './query.js';
import { counterOp } from './stats.js';

/*
 * A studio's track record: how many of its contracts are ACTIVE or COMPLETED,
 * one item per studio kept by the transactions that change contracts, so
 * matching reads one number per studio instead of the studio's contracts.
 */

const trackRecordSchema = z.object({ contracts: z.number().int() });

/** Moves the studio's track record (see `trackRecordDelta`) when the contract starts or stops counting; nothing otherwise. */
export function trackRecordWrites(db: Db, previous: Contract | undefined, next: Contract): Write[] {
  const delta = trackRecordDelta(previous, next);
  if (delta === 0) return [];
  return [{ op: counterOp(db, keys.trackRecord(next.studioOrgId), { contracts: delta }) }];
}

/** Whether a stored item is a track record (matching reads them in one BatchGet with the rating sums). */
export const isTrackRecordItem = (item: Record<string, unknown>) => item.sk === keys.trackRecord('').sk;

/** The count a stored track record gives matching: never below 0 (a contract counted before the item existed may end before upgrade-data sets it). */
export const trackRecordOf = (item: Record<string, unknown>) => Math.max(0, trackRecordSchema.parse(item).contracts);

/** A studio's track record as stored (strongly consistent); undefined before its first contract counted. */
export const getTrackRecord = async (db: Db, orgId: string): Promise<number | undefined> =>
  (await getItem(db, keys.trackRecord(orgId), trackRecordSchema, true))?.contracts;

/**
 * A studio's track record set to a recount (upgrade-data: contracts stored
 * before it was kept), only if it still holds `stored` (undefined: absent):
 * a contract that starts or stops counting meanwhile fails the condition
 * instead of having its ADD overwritten.
 */
export function putTrackRecord(db: Db, orgId: string, contracts: number, stored: number | undefined): Write {
  const item = { ...keys.trackRecord(orgId), contracts };
  const changedMeanwhile = () => new ConflictError('CONCURRENT_UPDATE', 'The track record changed while it was recounted.');
  if (stored === undefined) return putNew(db, item, changedMeanwhile);
  return {
    op: { Put: { TableName: db.tableName, Item: item, ConditionExpression: 'contracts = :stored', ExpressionAttributeValues: { ':stored': stored } } },
    onConflict: changedMeanwhile,
  };
}
