import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import type { Db } from './client.js';
import { toDomainError } from './errors.js';
import { stripKeys } from './keys.js';

/** Reads items by key with BatchGet (100 keys a call; unprocessed keys asked again). */
export async function batchGet(db: Db, itemKeys: { pk: string; sk: string }[], consistent: boolean): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  try {
    for (let start = 0; start < itemKeys.length; start += 100) {
      let pending: Record<string, unknown>[] | undefined = itemKeys.slice(start, start + 100);
      while (pending && pending.length > 0) {
        const result: { Responses?: Record<string, Record<string, unknown>[]>; UnprocessedKeys?: Record<string, { Keys?: Record<string, unknown>[] }> } =
          await db.doc.send(new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: pending, ConsistentRead: consistent } } }));
        items.push(...(result.Responses?.[db.tableName] ?? []));
        pending = result.UnprocessedKeys?.[db.tableName]?.Keys;
      }
    }
  } catch (error) {
    throw toDomainError(error);
  }
  return items;
}

/** Items by key, each key once, parsed with `schema`; absent items are left out. */
export async function batchGetByKeys<S extends z.ZodType>(db: Db, keyList: readonly { pk: string; sk: string }[], schema: S, consistent = false): Promise<z.infer<S>[]> {
  const unique = [...new Map(keyList.map((key) => [`${key.pk}|${key.sk}`, key])).values()];
  return (await batchGet(db, unique, consistent)).map((item) => schema.parse(stripKeys(item)));
}
