import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, PEOPLE_ROLES, TOTAL_BUCKET, sumCounters, type Counters, type PeopleRole, type StatsDelta } from '@sharedtech/core';
import type { Db } from './client.js';
import type { Write } from './write.js';
import { batchGet } from './batch-get.js';
import { toDomainError } from './errors.js';
import { keys } from './keys.js';
import { onTable, queryEntirePartition } from './query.js';
import { z } from 'zod';

/**
 * Consortium statistics as counter items. Each cluster's counters are spread
 * over STATS_SHARDS shard items per bucket (`#TOTAL`, `MONTH#yyyy-mm`), each a
 * bag of numeric attributes moved only by ADD inside the transaction of the
 * change they count. A transaction writes one shard (picked from the entity it
 * is about), so concurrent changes in one cluster rarely meet on one item; the
 * statistics are the sum over the shards, one BatchGet whatever the cluster's size.
 */
export const STATS_SHARDS = 8;

/** A stable shard for an entity id (FNV-1a). */
export function shardOf(subjectId: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < subjectId.length; index += 1) {
    hash ^= subjectId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % STATS_SHARDS;
}

/** The counter deltas of a change, as writes that `commitChange` folds per item. */
export function statsWrites(db: Db, deltas: readonly StatsDelta[]): Write[] {
  return deltas.map((delta) => ({ op: counterOp(db, keys.statsShard(delta.cluster, shardOf(delta.subjectId), delta.bucket), delta.add), counters: delta }));
}

/** ADD of named counters on one item (absent counters start at 0). */
export function counterOp(db: Db, key: { pk: string; sk: string }, add: Counters): Write['op'] {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const terms = Object.entries(add).map(([name, value], index) => {
    names[`#c${index}`] = name;
    values[`:c${index}`] = value;
    return `#c${index} :c${index}`;
  });
  return { Update: { TableName: db.tableName, Key: key, UpdateExpression: `ADD ${terms.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values } };
}

/**
 * Folds the counter deltas of one transaction: one ADD per cluster and bucket,
 * on the shard of the first delta for it; deltas that cancel out write nothing.
 */
export function foldCounterWrites(db: Db, writes: readonly Write[]): Write[] {
  const folded = new Map<string, StatsDelta>();
  for (const write of writes) {
    if (!write.counters) continue;
    const id = `${write.counters.cluster}|${write.counters.bucket}`;
    const into = folded.get(id);
    folded.set(id, into ? { ...into, add: sumCounters(into.add, write.counters.add) } : { ...write.counters, add: sumCounters(write.counters.add) });
  }
  return [
    ...writes.filter((write) => !write.counters),
    ...[...folded.values()].filter((delta) => Object.keys(delta.add).length > 0).flatMap((delta) => statsWrites(db, [delta]).map(({ op }) => ({ op }))),
  ];
}

const COUNTER_KEY_ATTRIBUTES = new Set(['pk', 'sk']);

const countersOf = (item: Record<string, unknown>): Counters =>
  Object.fromEntries(Object.entries(item).filter(([name, value]) => !COUNTER_KEY_ATTRIBUTES.has(name) && typeof value === 'number')) as Counters;

/** A cluster's counters of one bucket: the sum of its shards, one BatchGet. */
export async function readClusterCounters(db: Db, cluster: string, bucket = TOTAL_BUCKET, consistent = false): Promise<Counters> {
  const shards = Array.from({ length: STATS_SHARDS }, (_, shard) => keys.statsShard(cluster, shard, bucket));
  return sumCounters(...(await batchGet(db, shards, consistent)).map(countersOf));
}

/** A cluster's counters of several buckets (e.g. 24 months: two BatchGets of 96 shard items). */
export async function readClusterBuckets(db: Db, cluster: string, buckets: readonly string[], consistent = false): Promise<Record<string, Counters>> {
  const itemKeys = buckets.flatMap((bucket) => Array.from({ length: STATS_SHARDS }, (_, shard) => keys.statsShard(cluster, shard, bucket)));
  const byBucket: Record<string, Counters[]> = Object.fromEntries(buckets.map((bucket) => [bucket, []]));
  for (const item of await batchGet(db, itemKeys, consistent)) byBucket[String(item.sk)]?.push(countersOf(item));
  return Object.fromEntries(Object.entries(byBucket).map(([bucket, bags]) => [bucket, sumCounters(...bags)]));
}

// ── People of awarded teams, per studio and cluster (distinct counts) ──

export type PeopleSets = Record<PeopleRole, Set<string>>;

/** The names already counted for a studio in a cluster (strongly consistent: the award's condition relies on it). */
export async function getStudioPeople(db: Db, cluster: string, studioOrgId: string): Promise<PeopleSets> {
  try {
    const { Item } = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.studioPeople(cluster, studioOrgId), ConsistentRead: true }));
    return peopleSetsOf(Item ?? {});
  } catch (error) {
    throw toDomainError(error);
  }
}

const peopleSetsOf = (item: Record<string, unknown>): PeopleSets =>
  Object.fromEntries(PEOPLE_ROLES.map((role) => [role, new Set(item[role] instanceof Set ? [...(item[role] as Set<string>)] : [])])) as PeopleSets;

export const teamRecordedMeanwhile = () =>
  new ConflictError('TEAM_RECORDED_MEANWHILE', 'Another award counted people of this studio at the same moment; try again.');

/**
 * Adds names to a studio's people sets, on condition that none of them is
 * there yet: the distinct counts added with it in the same transaction are
 * then exact, and a concurrent award counting the same person fails instead.
 */
export function addStudioPeople(db: Db, cluster: string, studioOrgId: string, fresh: Record<PeopleRole, readonly string[]>): Write[] {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const adds: string[] = [];
  const conditions: string[] = [];
  for (const role of PEOPLE_ROLES) {
    if (fresh[role].length === 0) continue;
    names[`#${role}`] = role;
    values[`:${role}`] = new Set(fresh[role]);
    adds.push(`#${role} :${role}`);
    fresh[role].forEach((name, index) => {
      values[`:${role}${index}`] = name;
      conditions.push(`NOT contains(#${role}, :${role}${index})`);
    });
  }
  if (adds.length === 0) return [];
  return [
    {
      op: {
        Update: {
          TableName: db.tableName,
          Key: keys.studioPeople(cluster, studioOrgId),
          UpdateExpression: `ADD ${adds.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      onConflict: teamRecordedMeanwhile,
    },
  ];
}

// ── Recount (operators only) ──

/** Every stored counter and people item of a cluster (Queries of its partitions: an operator's read, never a request path). */
export async function readStoredStats(db: Db, cluster: string, consistent = true) {
  const stored = z.record(z.string(), z.unknown());
  const buckets: Record<string, Counters> = {};
  for (let shard = 0; shard < STATS_SHARDS; shard += 1) {
    const pk = keys.statsShard(cluster, shard, TOTAL_BUCKET).pk;
    for (const item of await queryEntirePartition(db, { ...onTable(pk), schema: stored, newestFirst: false, keepKeys: true }, consistent)) {
      const bucket = String(item.sk);
      buckets[bucket] = sumCounters(buckets[bucket] ?? {}, countersOf(item));
    }
  }
  const people: Record<string, PeopleSets> = {};
  const peoplePk = keys.studioPeople(cluster, '').pk;
  for (const item of await queryEntirePartition(
    db,
    { ...onTable(peoplePk), schema: stored, newestFirst: false, keepKeys: true, sortKeyCondition: { expression: 'begins_with(sk, :people)', values: { ':people': 'PEOPLE#' } } },
    consistent,
  )) {
    people[String(item.sk).slice('PEOPLE#'.length)] = peopleSetsOf(item);
  }
  return { buckets, people };
}

/**
 * Replaces a cluster's stored statistics with recounted ones (upgrade-data and
 * the recount command): each bucket's counters go to shard 0, every other
 * stored counter or people item of the cluster is deleted. Not atomic with
 * changes in flight: run it while the marketplace is quiet.
 */
export async function replaceClusterStats(db: Db, cluster: string, buckets: Record<string, Counters>, people: Record<string, Record<PeopleRole, readonly string[]>>) {
  const stored = z.record(z.string(), z.unknown());
  const keep = new Set<string>();
  try {
    for (const [bucket, counters] of Object.entries(buckets)) {
      if (Object.keys(sumCounters(counters)).length === 0) continue;
      const key = keys.statsShard(cluster, 0, bucket);
      keep.add(`${key.pk}|${key.sk}`);
      await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...key, ...sumCounters(counters) } }));
    }
    for (const [studioOrgId, sets] of Object.entries(people)) {
      const key = keys.studioPeople(cluster, studioOrgId);
      const names = Object.fromEntries(PEOPLE_ROLES.filter((role) => sets[role].length > 0).map((role) => [role, new Set(sets[role])]));
      if (Object.keys(names).length === 0) continue;
      keep.add(`${key.pk}|${key.sk}`);
      await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...key, ...names } }));
    }
    const partitions: { pk: string; prefix?: string }[] = [
      ...Array.from({ length: STATS_SHARDS }, (_, shard) => ({ pk: keys.statsShard(cluster, shard, TOTAL_BUCKET).pk })),
      { pk: keys.studioPeople(cluster, '').pk, prefix: 'PEOPLE#' },
    ];
    for (const partition of partitions) {
      const items = await queryEntirePartition(
        db,
        {
          ...onTable(partition.pk),
          schema: stored,
          newestFirst: false,
          keepKeys: true,
          ...(partition.prefix ? { sortKeyCondition: { expression: 'begins_with(sk, :prefix)', values: { ':prefix': partition.prefix } } } : {}),
        },
        true,
      );
      for (const item of items) {
        if (!keep.has(`${String(item.pk)}|${String(item.sk)}`)) {
          await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: { pk: item.pk, sk: item.sk } }));
        }
      }
    }
  } catch (error) {
    throw toDomainError(error);
  }
}

/** upgrade-data: sets a request's bid count (counted by an operator) if it is still at the version read. */
export async function setRequestBidCount(db: Db, requestId: string, version: number, bidCount: number) {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.request(requestId),
        UpdateExpression: 'SET #bidCount = :count',
        ConditionExpression: '#version = :version',
        ExpressionAttributeNames: { '#bidCount': 'bidCount', '#version': 'version' },
        ExpressionAttributeValues: { ':count': bidCount, ':version': version },
      }),
    );
  } catch (error) {
    throw toDomainError(error);
  }
}
