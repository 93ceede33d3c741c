import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord, Notification } from '@sharedtech/core';
import { chainAuditRecords } from './audit-chain.js';
import type { Db } from './client.js';
import { toDomainError } from './errors.js';
import { keys } from './keys.js';
import { foldCounterWrites } from './stats.js';
import type { TxOp, Write } from './write.js';

export type { TxOp, Write } from './write.js';

/**
 * A state change: the new state of the entities, plus the audit records and
 * notifications it implies. `commitChange` writes all of it in one
 * TransactWriteItems call, so an audit trail or inbox can never disagree with
 * the state it describes.
 */
export interface Change {
  writes: Write[];
  audit: AuditRecord[];
  notifications: Notification[];
  /**
   * Entities (`entityRefKey`) this change creates under an id made for it: their
   * audit chains are empty, so the first attempt links their records from
   * GENESIS without reading the tail. The link's Put is still conditional on its
   * position being free, so were a chain not empty after all, the attempt fails
   * on that link alone and is rebuilt on the tail read like any other.
   */
  created?: ReadonlySet<string>;
}

/** DynamoDB's limit on items per transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

/** How often a change is rebuilt when only its audit links lost a race (another change extended the same chain). */
export const MAX_AUDIT_CHAIN_ATTEMPTS = 12;

/**
 * Writes a change in one transaction. Its audit records are linked into their
 * entities' hash chains (see audit-chain.ts): each is put at the next position
 * of its chain, so when a concurrent change of the same entity took that
 * position first, and nothing else in the transaction failed, the links are
 * rebuilt on the new tail and the transaction is sent again.
 */
export async function commitChange(db: Db, change: Change): Promise<void> {
  // Counter deltas on one item are folded into one update: a transaction touches each item once.
  const entityWrites = foldCounterWrites(db, change.writes);
  const size = entityWrites.length + change.audit.length + change.notifications.length;
  if (size > MAX_TRANSACTION_ITEMS) throw new Error(`A change may write at most ${MAX_TRANSACTION_ITEMS} items, got ${size}`);
  for (let attempt = 1; ; attempt++) {
    const links = await chainAuditRecords(db, change.audit, attempt === 1 ? change.created : undefined);
    const writes: Write[] = [
      ...entityWrites,
      ...links.map((item) => putNew(db, item)),
      ...change.notifications.map((notification) => ({
        op: { Put: { TableName: db.tableName, Item: { ...keys.inbox(notification.recipient, notification.id), ...notification } } },
      })),
    ];
    assertDistinctItems(writes);
    try {
      await db.doc.send(new TransactWriteCommand({ TransactItems: writes.map((write) => write.op) }));
      return;
    } catch (error) {
      const firstLink = entityWrites.length;
      if (attempt < MAX_AUDIT_CHAIN_ATTEMPTS && onlyAuditLinksFailed(error, firstLink, firstLink + links.length)) {
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
        continue;
      }
      throw toDomainError(error, (index, reason) => writes[index]?.onConflict?.(reason));
    }
  }
}

/** A cancelled transaction whose only failed items are audit links (positions [from, to)). */
function onlyAuditLinksFailed(error: unknown, from: number, to: number): boolean {
  const cancelled = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (cancelled?.name !== 'TransactionCanceledException' || !cancelled.CancellationReasons?.length || from === to) return false;
  const failed = cancelled.CancellationReasons.flatMap((reason, index) => (reason.Code && reason.Code !== 'None' ? [{ index, code: reason.Code }] : []));
  return (
    failed.length > 0 &&
    failed.every(({ index, code }) => index >= from && index < to && (code === 'ConditionalCheckFailed' || code === 'TransactionConflict'))
  );
}

/** Put that fails if the item already exists. */
export function putNew(db: Db, item: Record<string, unknown>, onConflict?: Write['onConflict']): Write {
  return {
    op: { Put: { TableName: db.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
    onConflict,
  };
}

/**
 * Replaces an item only if nobody changed it since it was read (optimistic
 * locking on `version`). The caller passes the new item with version + 1.
 */
export function putIfVersion(db: Db, item: Record<string, unknown> & { version: number }, onConflict?: Write['onConflict']): Write {
  return {
    op: {
      Put: {
        TableName: db.tableName,
        Item: item,
        ConditionExpression: '#version = :expectedVersion',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expectedVersion': item.version - 1 },
      },
    },
    onConflict,
  };
}

export function deleteItem(db: Db, key: { pk: string; sk: string }): Write {
  return { op: { Delete: { TableName: db.tableName, Key: key } } };
}

/** A read-only guard inside a transaction (e.g. "the college exists and is a COLLEGE"). */
export function conditionCheck(
  db: Db,
  key: { pk: string; sk: string },
  condition: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
  onConflict?: Write['onConflict'],
): Write {
  return {
    op: {
      ConditionCheck: {
        TableName: db.tableName,
        Key: key,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: condition.names,
        ExpressionAttributeValues: condition.values,
      },
    },
    onConflict,
  };
}

/** A guard that an item is still at the version read, for items a change depends on but does not write. */
export const unchangedSince = (db: Db, key: { pk: string; sk: string }, version: number, onConflict?: Write['onConflict']) =>
  conditionCheck(db, key, { expression: '#version = :version', names: { '#version': 'version' }, values: { ':version': version } }, onConflict);

/** The key of the item a transaction operation touches. */
function keyOf(op: TxOp): string {
  const key = op.Put?.Item ?? op.Update?.Key ?? op.Delete?.Key ?? op.ConditionCheck?.Key ?? {};
  return `${String(key.pk)}|${String(key.sk)}`;
}

/**
 * DynamoDB refuses a transaction that touches one item twice (a ValidationException,
 * after the fact); saying which item at build time makes such a bug obvious.
 */
function assertDistinctItems(writes: readonly Write[]): void {
  const seen = new Set<string>();
  for (const write of writes) {
    const key = keyOf(write.op);
    if (seen.has(key)) throw new Error(`A transaction may touch each item once; ${key} appears twice`);
    seen.add(key);
  }
}

/**
 * upgrade-data: sets (and removes) index key attributes on an item that is
 * still at the version read, leaving everything else of it as it is.
 */
export function setIndexKeys(db: Db, key: { pk: string; sk: string }, version: number, index: Record<string, string>, remove: readonly string[] = []): Write {
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = { ':version': version };
  const set = Object.entries(index).map(([name, value], at) => {
    names[`#k${at}`] = name;
    values[`:k${at}`] = value;
    return `#k${at} = :k${at}`;
  });
  remove.forEach((name, at) => (names[`#r${at}`] = name));
  const removal = remove.length ? ` REMOVE ${remove.map((_, at) => `#r${at}`).join(', ')}` : '';
  return {
    op: {
      Update: {
        TableName: db.tableName,
        Key: key,
        UpdateExpression: `${set.length ? `SET ${set.join(', ')}` : ''}${removal}`.trim(),
        ConditionExpression: '#version = :version',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  };
}
