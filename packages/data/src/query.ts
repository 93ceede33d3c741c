import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import type { Db } from './client.js';
import { toDomainError } from './errors.js';
import { stripKeys } from './keys.js';
import type { IndexName } from './table.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** DynamoDB reads one page request may make when a filter discards items. */
export const MAX_READS_PER_PAGE = 5;

/** What an item read is checked with: a zod schema, or a reader that checks the same without loading zod. */
export interface ItemParser<T> {
  parse(item: unknown): T;
}

/** Reads one item by key and parses it; undefined if absent. */
export async function getItem<T>(db: Db, key: { pk: string; sk: string }, schema: ItemParser<T>, consistent = false): Promise<T | undefined> {
  const read = async () => (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: consistent }))).Item;
  try {
    const Item = consistent || !db.sharedReads ? await read() : await sharedRead(db.sharedReads, `${key.pk}\n${key.sk}`, read);
    return Item ? schema.parse(stripKeys(Item)) : undefined;
  } catch (error) {
    throw toDomainError(error);
  }
}

/** The one read of `key` for everyone who asks (each parses the item it gets for itself); a failed read is forgotten, so the next asker reads again. */
function sharedRead<T>(reads: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  let reading = reads.get(key);
  if (!reading) {
    reads.set(key, (reading = read()));
    reading.catch(() => reads.delete(key));
  }
  return reading;
}

export interface PartitionQuery<S extends z.ZodType> {
  index?: IndexName;
  /** Name and value of the partition key of the table or index. */
  partition: { name: string; value: string };
  schema: S;
  /** Newest first by default: sort keys are time-ordered ids. */
  newestFirst?: boolean;
  filter?: Pick<QueryCommandInput, 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;
  /** Extra sort-key condition, e.g. begins_with. */
  sortKeyCondition?: { expression: string; values: Record<string, unknown>; names?: Record<string, string> };
  /** Parse items with their key attributes (for items whose sort key is data, e.g. statistics buckets). */
  keepKeys?: boolean;
}

/** The QueryCommand input shared by page, count and read-all queries of one partition. */
function queryInput(db: Db, query: Omit<PartitionQuery<z.ZodType>, 'schema'>): QueryCommandInput {
  return {
    TableName: db.tableName,
    IndexName: query.index,
    KeyConditionExpression: ['#pk = :pk', query.sortKeyCondition?.expression].filter(Boolean).join(' AND '),
    ExpressionAttributeNames: { '#pk': query.partition.name, ...query.sortKeyCondition?.names, ...query.filter?.ExpressionAttributeNames },
    ExpressionAttributeValues: { ':pk': query.partition.value, ...query.sortKeyCondition?.values, ...query.filter?.ExpressionAttributeValues },
    FilterExpression: query.filter?.FilterExpression,
    ScanIndexForward: !(query.newestFirst ?? true),
  };
}

/** One page of a partition, with a signed cursor for the next page. Never a Scan. */
export async function queryPage<S extends z.ZodType>(
  db: Db,
  query: PartitionQuery<S>,
  page: PageRequest = {},
): Promise<Page<z.infer<S>>> {
  const limit = Math.min(page.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  // A cursor is valid only for the very query it came from: same index, partition, range, filter and direction.
  const fingerprint = JSON.stringify([
    query.index ?? 'table',
    query.partition.value,
    query.sortKeyCondition ?? null,
    query.filter?.FilterExpression ?? null,
    query.filter?.ExpressionAttributeValues ?? null,
    query.newestFirst ?? true,
  ]);
  const input = queryInput(db, query);
  const items: z.infer<S>[] = [];
  let exclusiveStartKey = page.cursor ? await db.cursors.decode(fingerprint, page.cursor) : undefined;
  try {
    // With a filter a page can come back short; keep reading until it is full or the partition ends —
    // but at most a few reads per request: a sparse filter then answers a short page with a cursor.
    let reads = 0;
    do {
      const result = await db.doc.send(new QueryCommand({ ...input, Limit: limit - items.length, ExclusiveStartKey: exclusiveStartKey }));
      for (const item of result.Items ?? []) items.push(query.schema.parse(query.keepKeys ? item : stripKeys(item)));
      exclusiveStartKey = result.LastEvaluatedKey;
      reads += 1;
    } while (exclusiveStartKey && items.length < limit && reads < MAX_READS_PER_PAGE);
  } catch (error) {
    throw toDomainError(error);
  }
  return {
    items,
    nextCursor: exclusiveStartKey ? await db.cursors.encode(fingerprint, exclusiveStartKey) : null,
  };
}

/**
 * Up to `limit` items of a partition or key range, in one Query with that
 * `Limit`; `more` says the range holds more (DynamoDB stopped at the limit).
 */
export async function queryUpTo<S extends z.ZodType>(
  db: Db,
  query: PartitionQuery<S>,
  { limit, consistent = false }: { limit: number; consistent?: boolean },
): Promise<{ items: z.infer<S>[]; more: boolean }> {
  try {
    const result = await db.doc.send(new QueryCommand({ ...queryInput(db, query), ConsistentRead: consistent, Limit: limit }));
    return { items: (result.Items ?? []).map((item) => query.schema.parse(query.keepKeys ? item : stripKeys(item))), more: result.LastEvaluatedKey !== undefined };
  } catch (error) {
    throw toDomainError(error);
  }
}

/**
 * Every item of a key range that a rule of the domain keeps small — a
 * contract's milestones (at most MAX_MILESTONES, checked at award), its balance
 * items (one per account it moves) — in one Query with `Limit` max + 1. A range
 * holding more breaks that rule: it fails loudly instead of reading on.
 */
export async function queryBounded<S extends z.ZodType>(db: Db, query: PartitionQuery<S>, { max, consistent = false }: { max: number; consistent?: boolean }): Promise<z.infer<S>[]> {
  const { items } = await queryUpTo(db, query, { limit: max + 1, consistent });
  if (items.length > max) throw new Error(`${query.partition.value} holds more than ${max} items of this kind`);
  return items;
}

/** Items read per Query when an operator's command reads a whole partition. */
const PARTITION_PAGE = 1000;

/**
 * Every item of a partition, however many, a page of PARTITION_PAGE at a time:
 * for operators' commands and upgrades (recounts, backfills), never a request path.
 */
export async function queryEntirePartition<S extends z.ZodType>(db: Db, query: PartitionQuery<S>, consistent = false): Promise<z.infer<S>[]> {
  const input = queryInput(db, query);
  const items: z.infer<S>[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined;
  try {
    do {
      const result = await db.doc.send(new QueryCommand({ ...input, ConsistentRead: consistent, Limit: PARTITION_PAGE, ExclusiveStartKey: exclusiveStartKey }));
      for (const item of result.Items ?? []) items.push(query.schema.parse(query.keepKeys ? item : stripKeys(item)));
      exclusiveStartKey = result.LastEvaluatedKey;
    } while (exclusiveStartKey);
  } catch (error) {
    throw toDomainError(error);
  }
  return items;
}

/**
 * How many items of a partition match (Select COUNT: DynamoDB counts, nothing is returned or parsed),
 * PARTITION_PAGE at a time: for recounts and for old items that predate a stored count.
 */
export async function countItems(db: Db, query: Omit<PartitionQuery<z.ZodType>, 'schema'>): Promise<number> {
  const input = queryInput(db, query);
  let count = 0;
  let exclusiveStartKey: Record<string, unknown> | undefined;
  try {
    do {
      const result = await db.doc.send(new QueryCommand({ ...input, Select: 'COUNT', Limit: PARTITION_PAGE, ExclusiveStartKey: exclusiveStartKey }));
      count += result.Count ?? 0;
      exclusiveStartKey = result.LastEvaluatedKey;
    } while (exclusiveStartKey);
  } catch (error) {
    throw toDomainError(error);
  }
  return count;
}

/**
 * How many items of a key range there are, counting no further than `atMost`:
 * one Select COUNT read with `Limit`, so the cost is bounded however large the
 * range (a badge says "99+" instead of counting everything). No filter: DynamoDB
 * applies `Limit` before a filter, which would make the bound a guess.
 */
export async function countAtMost(db: Db, query: Omit<PartitionQuery<z.ZodType>, 'schema' | 'filter'>, atMost: number): Promise<number> {
  const input = queryInput(db, query);
  try {
    const result = await db.doc.send(new QueryCommand({ ...input, Select: 'COUNT', Limit: atMost }));
    return result.Count ?? 0;
  } catch (error) {
    throw toDomainError(error);
  }
}

/** Partition-key helpers for the generic indexes. */
export const onTable = (value: string) => ({ partition: { name: 'pk', value } });
export const onIndex = (index: IndexName, value: string) => ({ index, partition: { name: `${index}pk`, value } });
