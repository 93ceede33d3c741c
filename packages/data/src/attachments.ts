import { attachmentSchema, parseAttachmentParent, type Attachment, type AttachmentParent } from '@sharedtech/core';
import type { Db } from './client.js';
import { putIfVersion, putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onIndex, queryPage, type PageRequest } from './query.js';

/** Where a parent's attachments are on gsi1: its own partition, or its contract's (milestones, messages). */
function parentIndex(parent: AttachmentParent) {
  if (parent.type === 'MILESTONE') return { ...keys.attachmentsOfContract('MILESTONE', parent.contractId, String(parent.n).padStart(4, '0'), ''), scoped: true };
  if (parent.type === 'MESSAGE') return { ...keys.attachmentsOfContract('MESSAGE', parent.contractId, parent.id, ''), scoped: true };
  return { ...keys.attachmentsOfParent(parent.key, ''), scoped: false };
}

/** A READY attachment is on its parent's index; a PENDING one is not, and carries its TTL (`expiresAt`). */
function attachmentItem(attachment: Attachment) {
  const parent = parseAttachmentParent(attachment.parent);
  if (!parent) throw new Error(`Not an attachment parent: ${attachment.parent}`);
  const index = parentIndex(parent);
  const indexed = { gsi1pk: index.gsi1pk, gsi1sk: `${index.gsi1sk}${attachment.id}` };
  // A PENDING item's TTL: DynamoDB removes an abandoned declaration some time after it lapsed (reads already ignore it).
  const ttl = attachment.status === 'PENDING' && attachment.pendingUntil ? { expiresAt: Math.ceil(Date.parse(attachment.pendingUntil) / 1000) } : {};
  return { ...keys.attachment(attachment.id), ...(attachment.status === 'READY' ? indexed : ttl), ...attachment };
}

export const getAttachment = (db: Db, attachmentId: string, consistent = false) =>
  getItem(db, keys.attachment(attachmentId), attachmentSchema, consistent);

export const writeNewAttachment = (db: Db, attachment: Attachment): Write => putNew(db, attachmentItem(attachment));

export const writeAttachmentChange = (db: Db, attachment: Attachment, onConflict?: Write['onConflict']): Write =>
  putIfVersion(db, attachmentItem(attachment), onConflict);

/** Removes a PENDING attachment that is still at the version read (a refused upload leaves nothing behind). */
export const deletePendingAttachment = (db: Db, attachment: Attachment, onConflict?: Write['onConflict']): Write => ({
  op: {
    Delete: {
      TableName: db.tableName,
      Key: keys.attachment(attachment.id),
      ConditionExpression: '#version = :version AND #status = :pending',
      ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
      ExpressionAttributeValues: { ':version': attachment.version, ':pending': 'PENDING' },
    },
  },
  onConflict,
});

/** The READY attachments of a parent, newest first. */
export function listAttachmentsOfParent(db: Db, parent: AttachmentParent, page?: PageRequest) {
  const index = parentIndex(parent);
  return queryPage(
    db,
    {
      ...onIndex('gsi1', index.gsi1pk),
      schema: attachmentSchema,
      sortKeyCondition: index.scoped ? { expression: 'begins_with(gsi1sk, :within)', values: { ':within': index.gsi1sk } } : undefined,
    },
    page,
  );
}

/** The READY attachments of all milestones or all messages of a contract (by milestone or message, newest first within). */
export const listAttachmentsOfContract = (db: Db, kind: 'MILESTONE' | 'MESSAGE', contractId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.attachmentsOfContract(kind, contractId, '', '').gsi1pk), schema: attachmentSchema }, page);
