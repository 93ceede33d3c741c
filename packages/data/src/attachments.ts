import { attachmentSchema, type Attachment } from '@sharedtech/core';
import type { Db } from './client.js';
import { putIfVersion, putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onIndex, queryPage, type PageRequest } from './query.js';

/** A READY attachment is on its parent's index; a PENDING one is not, and carries its TTL (`expiresAt`). */
const attachmentItem = (attachment: Attachment) => ({
  ...keys.attachment(attachment.id),
  ...(attachment.status === 'READY' ? keys.attachmentsOfParent(attachment.parent, attachment.id) : {}),
  ...attachment,
});

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
export const listAttachmentsOfParent = (db: Db, parentKey: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.attachmentsOfParent(parentKey, '').gsi1pk), schema: attachmentSchema }, page);
