import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { EntityRef, Recipient } from '@sharedtech/core';
import type { Db } from './client.js';
import { toDomainError } from './errors.js';
import { keys } from './keys.js';
import { countAtMost, getItem, onTable, queryPage, type PageRequest } from './query.js';

const entityRefSchema = z.object({ type: z.string(), id: z.string() });

export const auditRecordSchema = z.object({
  id: z.string(),
  entity: entityRefSchema,
  action: z.string(),
  actor: z.object({ sub: z.string(), orgId: z.string().optional() }),
  before: z.string().optional(),
  after: z.string().optional(),
  at: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const notificationSchema = z.object({
  id: z.string(),
  recipient: z.union([z.object({ orgId: z.string() }), z.object({ associations: z.literal(true) })]),
  type: z.string(),
  entity: entityRefSchema,
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  at: z.string(),
});

/** The audit trail of one entity, oldest first (it reads as a story). */
export const listAuditTrail = (db: Db, entity: EntityRef, page?: PageRequest) =>
  queryPage(db, { ...onTable(keys.audit(entity, '').pk), schema: auditRecordSchema, newestFirst: false }, page);

/** An inbox, newest first. */
export const listNotifications = (db: Db, recipient: Recipient, page?: PageRequest) =>
  queryPage(db, { ...onTable(keys.inbox(recipient, '').pk), schema: notificationSchema }, page);

/** One notification of an inbox, or undefined if that inbox has no such notification. */
export const getNotification = (db: Db, recipient: Recipient, notificationId: string) =>
  getItem(db, keys.inbox(recipient, notificationId), notificationSchema);

/** The id of an inbox's newest notification (one key read, nothing else projected); undefined if it is empty. */
export async function newestNotificationId(db: Db, recipient: Recipient): Promise<string | undefined> {
  try {
    const { Items } = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': keys.inbox(recipient, '').pk },
        ProjectionExpression: '#sk',
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    return Items?.[0]?.sk as string | undefined;
  } catch (error) {
    throw toDomainError(error);
  }
}

/**
 * How many notifications of an inbox are newer than `after` (all of them
 * without it), counting at most `atMost`: one bounded Select COUNT Query.
 */
export const countNotificationsAfter = (db: Db, recipient: Recipient, after: string | undefined, atMost: number) =>
  countAtMost(
    db,
    {
      ...onTable(keys.inbox(recipient, '').pk),
      ...(after ? { sortKeyCondition: { expression: '#sk > :after', names: { '#sk': 'sk' }, values: { ':after': after } } } : {}),
    },
    atMost,
  );

const readMarkerSchema = z.object({ readUpTo: z.string(), updatedAt: z.string() });

/** The id of the newest notification of `recipient`'s inbox that `sub` has read; undefined if none yet. Read consistently, so a page shown right after "mark as read" agrees with it. */
export async function getInboxReadMarker(db: Db, sub: string, recipient: Recipient): Promise<string | undefined> {
  return (await getItem(db, keys.inboxReadMarker(sub, recipient), readMarkerSchema, true))?.readUpTo;
}

/**
 * Moves `sub`'s read marker of an inbox forward to `upTo`, never backwards: the
 * update is conditional on the stored marker being older, so of two concurrent
 * marks the newer wins whatever their order. Returns the marker afterwards.
 */
export async function advanceInboxReadMarker(db: Db, sub: string, recipient: Recipient, upTo: string, at: string): Promise<string> {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.inboxReadMarker(sub, recipient),
        UpdateExpression: 'SET #readUpTo = :upTo, #updatedAt = :at',
        ConditionExpression: 'attribute_not_exists(#readUpTo) OR #readUpTo < :upTo',
        ExpressionAttributeNames: { '#readUpTo': 'readUpTo', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':upTo': upTo, ':at': at },
      }),
    );
    return upTo;
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw toDomainError(error);
  }
  // Already at or past `upTo`: nothing to change, and not a conflict.
  return (await getInboxReadMarker(db, sub, recipient)) ?? upTo;
}
