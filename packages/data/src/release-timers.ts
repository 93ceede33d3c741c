import { z } from 'zod';
import type { Db } from './client.js';
import { deleteItem, type Write } from './commit.js';
import { keys } from './keys.js';
import { onIndex, queryPage, type PageRequest } from './query.js';

/**
 * Auto-release timers. Submitting a milestone puts one timer item (in the same
 * transaction); every step that takes the milestone out of SUBMITTED deletes
 * it in its own transaction. The timer's index entry sorts by due instant, so
 * the scheduled job finds the overdue milestones with one range Query on a
 * sparse index — it never scans milestones. The partition is global, which
 * suits the rate at which milestones are submitted (a few per minute at most).
 */
export const releaseTimerSchema = z.object({ contractId: z.string(), n: z.number().int(), dueAt: z.string() });
export type ReleaseTimer = z.infer<typeof releaseTimerSchema>;

export function putReleaseTimer(db: Db, timer: ReleaseTimer): Write {
  return {
    op: {
      Put: {
        TableName: db.tableName,
        Item: { ...keys.releaseTimer(timer.contractId, timer.n), ...keys.releaseTimersDue(timer.dueAt, timer.contractId, timer.n), ...timer },
      },
    },
  };
}

/** Removes a milestone's timer; a no-op if there is none (deleting inside a transaction needs no condition). */
export const deleteReleaseTimer = (db: Db, contractId: string, n: number): Write => deleteItem(db, keys.releaseTimer(contractId, n));

/**
 * Timers due at or before `now`, earliest first. ISO instants sort as strings;
 * the bound `<now>~` sorts after every `<now>#…` key ('~' > '#'), so a timer due
 * exactly now is included.
 */
export const listDueReleaseTimers = (db: Db, now: Date, page?: PageRequest) =>
  queryPage(
    db,
    {
      ...onIndex('gsi3', keys.releaseTimersDue('', '', 0).gsi3pk),
      schema: releaseTimerSchema,
      newestFirst: false,
      sortKeyCondition: { expression: '#due < :bound', names: { '#due': 'gsi3sk' }, values: { ':bound': `${now.toISOString()}~` } },
    },
    page,
  );
