import { poolSchema, type Pool } from '@sharedtech/core';
import type { Db } from './client.js';
import { conditionCheck, putIfVersion, putNew, unchangedSince, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem } from './query.js';

const poolItem = (pool: Pool) => ({ ...keys.requestPool(pool.requestId), ...pool });

export const getPool = (db: Db, requestId: string, consistent = false) => getItem(db, keys.requestPool(requestId), poolSchema, consistent);

/** The pool at its next version: put-if-absent for the first join, else conditional on the version read. */
export const writePoolChange = (db: Db, pool: Pool, onConflict?: Write['onConflict']): Write =>
  pool.version === 1 ? putNew(db, poolItem(pool), onConflict) : putIfVersion(db, poolItem(pool), onConflict);

/** A guard that the pool is still as read (an award must not miss a join or a leave committed meanwhile). */
export const poolUnchangedSince = (db: Db, pool: Pool, onConflict?: Write['onConflict']): Write =>
  unchangedSince(db, keys.requestPool(pool.requestId), pool.version, onConflict);

/** A guard that no pool exists yet (an award of a request nobody joined). */
export const poolAbsent = (db: Db, requestId: string, onConflict?: Write['onConflict']): Write =>
  conditionCheck(db, keys.requestPool(requestId), { expression: 'attribute_not_exists(pk)' }, onConflict);
