import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { Db } from './client.js';
import type { Write } from './commit.js';
import { toDomainError } from './errors.js';
import { keys } from './keys.js';
import { onTable, queryPage, type PageRequest } from './query.js';

export const TASK_KINDS = ['reject-losing-bids', 'expire-live-bids', 'issue-student-records'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

const taskSchema = z.object({ kind: z.enum(TASK_KINDS), subjectId: z.string(), createdAt: z.string() });
export type Task = z.infer<typeof taskSchema>;

/**
 * Follow-up work written in the same transaction as the change that needs it,
 * so it can never be lost: whoever runs it (the request that made it, or the
 * scheduled job after a crash) deletes it only when the work is done.
 */
export function putTask(db: Db, kind: TaskKind, subjectId: string, createdAt: string): Write {
  return { op: { Put: { TableName: db.tableName, Item: { ...keys.task(kind, subjectId), kind, subjectId, createdAt } } } };
}

export const listTasks = (db: Db, kind: TaskKind, page?: PageRequest) =>
  queryPage(db, { ...onTable(keys.task(kind, '').pk), schema: taskSchema, newestFirst: false }, page);

export async function deleteTask(db: Db, kind: TaskKind, subjectId: string): Promise<void> {
  try {
    await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: keys.task(kind, subjectId) }));
  } catch (error) {
    throw toDomainError(error);
  }
}
