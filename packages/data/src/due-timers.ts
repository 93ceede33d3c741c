import { dueReminderAt, isFlaggedOverdue, ConflictError, SETTLED_MILESTONE_STATUSES, type Milestone } from '@sharedtech/core';
import { z } from 'zod';
import type { Db } from './client.js';
import { deleteItem, type Write } from './commit.js';
import { keys } from './keys.js';
import { onIndex, queryPage, type PageRequest } from './query.js';

/**
 * Due-date timers. Whenever a milestone's due date is set or moved (the
 * contract becoming ACTIVE, a change order), the same transaction puts its
 * timers: `REMIND` fires three days before the due instant, `OVERDUE` just after it.
 * The scheduled job consumes a timer by deleting it under the condition that it
 * is still the one it read, in the transaction that sends the reminder or flags
 * the milestone, so each reminder goes out once even if runs overlap or crash.
 */
export const DUE_TIMER_KINDS = ['REMIND', 'OVERDUE'] as const;
export type DueTimerKind = (typeof DUE_TIMER_KINDS)[number];

export const dueTimerSchema = z.object({
  contractId: z.string(),
  n: z.number().int(),
  kind: z.enum(DUE_TIMER_KINDS),
  fireAt: z.string(),
  dueAt: z.string(),
});
export type DueTimer = z.infer<typeof dueTimerSchema>;

const putDueTimer = (db: Db, timer: DueTimer): Write => ({
  op: {
    Put: {
      TableName: db.tableName,
      Item: { ...keys.dueTimer(timer.contractId, timer.n, timer.kind), ...keys.dueTimersDue(timer.fireAt, timer.contractId, timer.n, timer.kind), ...timer },
    },
  },
});

/**
 * The timers a milestone should have after a change, as one write per kind (a
 * put or a delete, so each item is touched once): none once it is settled or
 * has no due date; no OVERDUE timer once it is flagged overdue.
 */
export function dueTimerWrites(db: Db, milestone: Pick<Milestone, 'contractId' | 'n' | 'status' | 'dueAt' | 'overdueAt'>): Write[] {
  const live = Boolean(milestone.dueAt) && !SETTLED_MILESTONE_STATUSES.includes(milestone.status);
  return DUE_TIMER_KINDS.map((kind) => {
    const wanted = live && !(kind === 'OVERDUE' && isFlaggedOverdue(milestone));
    if (!wanted) return deleteItem(db, keys.dueTimer(milestone.contractId, milestone.n, kind));
    // Overdue from the first millisecond after the due instant (the start of the next Shanghai day).
    const fireAt = kind === 'REMIND' ? dueReminderAt(milestone.dueAt!) : new Date(Date.parse(milestone.dueAt!) + 1).toISOString();
    return putDueTimer(db, { contractId: milestone.contractId, n: milestone.n, kind, fireAt, dueAt: milestone.dueAt! });
  });
}

/** Deletes both timers of a milestone (no-ops where there are none). */
export const deleteDueTimers = (db: Db, contractId: string, n: number): Write[] =>
  DUE_TIMER_KINDS.map((kind) => deleteItem(db, keys.dueTimer(contractId, n, kind)));

/** Removes a timer only if it is still the one read (not consumed by another run, not moved by a change order). */
export const consumeDueTimer = (db: Db, timer: DueTimer): Write => ({
  op: {
    Delete: {
      TableName: db.tableName,
      Key: keys.dueTimer(timer.contractId, timer.n, timer.kind),
      ConditionExpression: 'fireAt = :fireAt',
      ExpressionAttributeValues: { ':fireAt': timer.fireAt },
    },
  },
  onConflict: () => new ConflictError('TIMER_CONSUMED', 'This timer was handled by another run or moved meanwhile.'),
});

/** Timers due at or before `now`, earliest first (see `listDueReleaseTimers` for the `~` bound). */
export const listDueTimers = (db: Db, now: Date, page?: PageRequest) =>
  queryPage(
    db,
    {
      ...onIndex('gsi3', keys.dueTimersDue('', '', 0, '').gsi3pk),
      schema: dueTimerSchema,
      newestFirst: false,
      sortKeyCondition: { expression: '#due < :bound', names: { '#due': 'gsi3sk' }, values: { ':bound': `${now.toISOString()}~` } },
    },
    page,
  );
