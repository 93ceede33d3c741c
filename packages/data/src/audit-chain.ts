import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { entityRefKey, type AuditRecord, type EntityRef } from '@sharedtech/core';
import type { Db } from './client.js';
import { toDomainError } from './errors.js';
import { keys, stripKeys } from './keys.js';

/**
 * A tamper-evident audit trail: the records of one entity form a hash chain.
 *
 * Record n of an entity is stored at sort key `aud_seq#<n, 10 digits>` and
 * carries `seq` (n), `prevHash` (the `hash` of record n − 1, or GENESIS) and
 * `hash`: the SHA-256 of the canonical JSON of every attribute of the item
 * except `hash` itself (keys, content, seq and prevHash). Because the sort key
 * is the position, the Put of record n is conditional on that key being free:
 * of two changes that read the same tail, one lands and the other is retried
 * on the new tail (commitChange does that), so a chain can never fork.
 *
 * Editing a record breaks its own hash; recomputing it breaks the next
 * record's prevHash; deleting one leaves a gap in seq. Rewriting a whole
 * chain's tail consistently, or deleting its newest records, is not visible
 * from the chain alone: compare with a backup (its header carries every chain's
 * head) for that.
 *
 * Records written before the chain existed (sort key `aud_<ULID>`, no hash) are
 * "pre-chain": the verifier counts them and says so, and `sealPreChainAuditRecords`
 * moves them into the chain.
 */
export const AUDIT_GENESIS = '0'.repeat(64);
export const AUDIT_LINK_PREFIX = 'aud_seq#';

export const auditLinkSk = (seq: number) => `${AUDIT_LINK_PREFIX}${String(seq).padStart(10, '0')}`;
export const auditLinkKey = (entity: EntityRef, seq: number) => ({ pk: keys.audit(entity, '').pk, sk: auditLinkSk(seq) });
export const auditPartitionOf = (entity: EntityRef) => keys.audit(entity, '').pk;

/** JSON with object keys sorted at every level: one text per value, whatever the attribute order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/** The hash a chained audit item must carry: SHA-256 over all of it but `hash`. */
export function hashAuditItem(item: Record<string, unknown>): string {
  const { hash: _hash, ...content } = item;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export interface ChainTail {
  seq: number;
  hash: string;
}

/** Builds the stored item of the record after `tail`, with its hash. */
export function chainedAuditItem(record: AuditRecord, tail: ChainTail): Record<string, unknown> {
  const seq = tail.seq + 1;
  // Drop undefined the way the document client does, so the hash is over what is stored.
  const item: Record<string, unknown> = JSON.parse(JSON.stringify({ ...auditLinkKey(record.entity, seq), ...record, seq, prevHash: tail.hash }));
  return { ...item, hash: hashAuditItem(item) };
}

/** The newest link of an entity's chain (seq 0 and GENESIS when it has none), read consistently. */
export async function readChainTail(db: Db, entity: EntityRef): Promise<ChainTail> {
  try {
    const result = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :link)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk', '#seq': 'seq', '#hash': 'hash' },
        ExpressionAttributeValues: { ':pk': auditPartitionOf(entity), ':link': AUDIT_LINK_PREFIX },
        ProjectionExpression: '#seq, #hash',
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: 1,
      }),
    );
    const newest = result?.Items?.[0];
    return newest && typeof newest.seq === 'number' && typeof newest.hash === 'string' ? { seq: newest.seq, hash: newest.hash } : { seq: 0, hash: AUDIT_GENESIS };
  } catch (error) {
    throw toDomainError(error);
  }
}

/**
 * The chained items for a change's audit records: records of one entity are
 * linked in the order given, after that entity's current tail. The chains of
 * entities in `empty` (created by this change) are taken to be empty, unread.
 */
export async function chainAuditRecords(db: Db, records: readonly AuditRecord[], empty?: ReadonlySet<string>): Promise<Record<string, unknown>[]> {
  const tails = new Map<string, Promise<ChainTail>>();
  for (const record of records) {
    const ref = entityRefKey(record.entity);
    if (!tails.has(ref)) tails.set(ref, empty?.has(ref) ? Promise.resolve({ seq: 0, hash: AUDIT_GENESIS }) : readChainTail(db, record.entity));
  }
  const current = new Map<string, ChainTail>();
  for (const [ref, tail] of tails) current.set(ref, await tail);
  return records.map((record) => {
    const ref = entityRefKey(record.entity);
    const item = chainedAuditItem(record, current.get(ref)!);
    current.set(ref, { seq: item.seq as number, hash: item.hash as string });
    return item;
  });
}

export interface AuditChainReport {
  /** `<type>:<id>` */
  entity: string;
  /** Chained records checked. */
  chained: number;
  /** Records written before the chain existed (no hash): counted, not verifiable. */
  preChain: number;
  /** The hash of the newest link (GENESIS for an empty chain). */
  head: string;
  ok: boolean;
  /** The first broken link, oldest first. */
  broken?: { seq: number; id?: string; sk: string; reason: string };
}

/**
 * Verifies one entity's chain from the items of its audit partition (any
 * order). Pure: the same function serves the operator command, tests and an
 * association's per-entity check.
 */
export function verifyAuditChain(entity: string, items: readonly Record<string, unknown>[]): AuditChainReport {
  const partition = `AUDIT#${entity}`;
  const linked = items
    .filter((item) => typeof item.sk === 'string' && item.sk.startsWith(AUDIT_LINK_PREFIX))
    .sort((a, b) => ((a.sk as string) < (b.sk as string) ? -1 : 1));
  const preChain = items.length - linked.length;
  let previous = AUDIT_GENESIS;
  for (const [index, item] of linked.entries()) {
    const expectedSeq = index + 1;
    const at = { seq: expectedSeq, id: typeof item.id === 'string' ? item.id : undefined, sk: item.sk as string };
    const fail = (reason: string): AuditChainReport => ({ entity, chained: linked.length, preChain, head: previous, ok: false, broken: { ...at, reason } });
    if (item.sk !== auditLinkSk(expectedSeq)) return fail(`record ${expectedSeq} is missing (the next link is ${String(item.sk)})`);
    if (item.pk !== partition || item.seq !== expectedSeq) return fail(`record ${expectedSeq} does not say it is link ${expectedSeq} of ${entity}`);
    if (item.prevHash !== previous) return fail(`record ${expectedSeq} does not follow record ${expectedSeq - 1} (prevHash differs)`);
    if (typeof item.hash !== 'string' || hashAuditItem(item) !== item.hash) return fail(`record ${expectedSeq} was changed after it was written (its hash does not match its content)`);
    previous = item.hash;
  }
  return { entity, chained: linked.length, preChain, head: previous, ok: true };
}

/** All items of one entity's audit partition, read consistently (for a per-entity check). */
export async function readAuditPartition(db: Db, entity: EntityRef): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  try {
    do {
      const page = await db.doc.send(
        new QueryCommand({
          TableName: db.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ExpressionAttributeValues: { ':pk': auditPartitionOf(entity) },
          ConsistentRead: true,
          Limit: 1000,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
  } catch (error) {
    throw toDomainError(error);
  }
  return items;
}

/** Verifies one entity's audit chain against the table (what an association's check calls). */
export async function verifyEntityAuditChain(db: Db, entity: EntityRef): Promise<AuditChainReport> {
  return verifyAuditChain(entityRefKey(entity), await readAuditPartition(db, entity));
}

/**
 * Every audit item of the table, grouped by entity (`<type>:<id>`), read with a
 * parallel Scan: the operator's verify-audit and the sealing of old records,
 * never a request path.
 */
export async function scanAuditPartitions(db: Db, segments = 4): Promise<Map<string, Record<string, unknown>[]>> {
  const byEntity = new Map<string, Record<string, unknown>[]>();
  try {
    await Promise.all(
      Array.from({ length: segments }, async (_, segment) => {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await db.doc.send(
            new ScanCommand({
              TableName: db.tableName,
              Segment: segment,
              TotalSegments: segments,
              ConsistentRead: true,
              FilterExpression: 'begins_with(#pk, :audit)',
              ExpressionAttributeNames: { '#pk': 'pk' },
              ExpressionAttributeValues: { ':audit': 'AUDIT#' },
              ExclusiveStartKey: start,
            }),
          );
          for (const item of page.Items ?? []) {
            const entity = (item.pk as string).slice('AUDIT#'.length);
            byEntity.set(entity, [...(byEntity.get(entity) ?? []), item]);
          }
          start = page.LastEvaluatedKey;
        } while (start);
      }),
    );
  } catch (error) {
    throw toDomainError(error);
  }
  return byEntity;
}

/** How many pre-chain records one transaction moves into a chain (a Put and a Delete each). */
const SEAL_BATCH = 40;

/**
 * Moves audit records written before the chain existed into their entity's
 * chain, oldest first, after its current tail: each is put at its chain
 * position (with its hash) and its old item deleted in the same transaction,
 * so a record is never lost or doubled, and running it again finds nothing to
 * do. Part of upgrade-data. Returns how many records were sealed.
 */
export async function sealPreChainAuditRecords(db: Db, partitions?: Map<string, Record<string, unknown>[]>): Promise<number> {
  let sealed = 0;
  for (const items of (partitions ?? (await scanAuditPartitions(db))).values()) {
    const legacy = items
      .filter((item) => typeof item.sk === 'string' && !item.sk.startsWith(AUDIT_LINK_PREFIX))
      .sort((a, b) => ((a.sk as string) < (b.sk as string) ? -1 : 1));
    for (let offset = 0; offset < legacy.length; offset += SEAL_BATCH) {
      const batch = legacy.slice(offset, offset + SEAL_BATCH);
      const entity = (stripKeys(batch[0]!) as unknown as AuditRecord).entity;
      for (let attempt = 1; ; attempt++) {
        let tail = await readChainTail(db, entity);
        const operations = batch.flatMap((item) => {
          const linked = chainedAuditItem(stripKeys(item) as unknown as AuditRecord, tail);
          tail = { seq: linked.seq as number, hash: linked.hash as string };
          return [
            { Put: { TableName: db.tableName, Item: linked, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Delete: { TableName: db.tableName, Key: { pk: item.pk, sk: item.sk }, ConditionExpression: 'attribute_exists(pk)' } },
          ];
        });
        try {
          await db.doc.send(new TransactWriteCommand({ TransactItems: operations }));
          sealed += batch.length;
          break;
        } catch (error) {
          // A change extended the chain meanwhile: relink on the new tail.
          if (attempt < 12 && (error as { name?: string }).name === 'TransactionCanceledException') continue;
          throw toDomainError(error);
        }
      }
    }
  }
  return sealed;
}

const SEALED_MARKER = { pk: 'META', sk: '#AUDIT_CHAIN' };

/**
 * Seals pre-chain audit records once per table: the marker item records that it
 * was done, so a start on up-to-date data costs one read.
 */
export async function sealPreChainAuditRecordsOnce(db: Db, at: string): Promise<number | undefined> {
  try {
    const { Item } = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: SEALED_MARKER, ConsistentRead: true }));
    if (Item) return undefined;
    const sealed = await sealPreChainAuditRecords(db);
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...SEALED_MARKER, sealedAt: at, sealed } }));
    return sealed;
  } catch (error) {
    throw toDomainError(error);
  }
}
