import { z } from 'zod';
import type { EntityRef, Recipient } from '@sharedtech/core';
import type { Db } from './client.js';
import { keys } from './keys.js';
import { onTable, queryPage, type PageRequest } from './query.js';

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
