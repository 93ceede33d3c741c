import { disputeSchema, type Dispute, type DisputeStatus } from '@sharedtech/core';
import type { Db } from './client.js';
import { putIfVersion, putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onIndex, queryPage, type PageRequest } from './query.js';

/** A dispute item, indexed by status so OPEN disputes form the associations' queue. */
const disputeItem = (dispute: Dispute) => ({
  ...keys.dispute(dispute.id),
  ...keys.disputesByStatus(dispute.status, dispute.id),
  ...dispute,
});

export const getDispute = (db: Db, disputeId: string, consistent = false) => getItem(db, keys.dispute(disputeId), disputeSchema, consistent);

export const putNewDispute = (db: Db, dispute: Dispute, onConflict?: Write['onConflict']) => putNew(db, disputeItem(dispute), onConflict);

export const putDisputeVersion = (db: Db, dispute: Dispute, onConflict?: Write['onConflict']) => putIfVersion(db, disputeItem(dispute), onConflict);

/** Disputes in one status, oldest first (the associations work the queue in order). */
export const listDisputesByStatus = (db: Db, status: DisputeStatus, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.disputesByStatus(status, '').gsi1pk), schema: disputeSchema, newestFirst: false }, page);
