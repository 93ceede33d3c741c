import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import type { Db } from './client.js';
import { toDomainError } from './errors.js';
import { stripKeys } from './keys.js';

/** Items by key, 100 keys per BatchGet, asking again for unprocessed keys; absent items are left out. */
export async function batchGetByKeys<S extends z.ZodType>(db: Db, keyList: readonly { pk: string; sk: string }[], schema: S): Promise<z.infer<S>[]> {
  const unique = [...new Map(keyList.map((key) => [`${key.pk}|${key.sk}`, key])).values()];
  const items: z.infer<S>[] = [];
  try {
    for (let start = 0; start < unique.length; start += 100) {
      let pending: Record<string, unknown>[] | undefined = unique.slice(start, start + 100);
      while (pending && pending.length > 0) {
        const result: { Responses?: Record<string, Record<string, unknown>[]>; UnprocessedKeys?: Record<string, { Keys?: Record<string, unknown>[] }> } =
          await db.doc.send(new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: pending } } }));
        for (const item of result.Responses?.[db.tableName] ?? []) items.push(schema.parse(stripKeys(item)));
        pending = result.UnprocessedKeys?.[db.tableName]?.Keys;
      }
    }
  } catch (error) {
    throw toDomainError(error);
  }
  return items;
}
