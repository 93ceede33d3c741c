import { z } from 'zod';
import { bidSchema, type Bid } from '@sharedtech/core';
import { batchGetByKeys } from './batch-get.js';
import type { Db } from './client.js';
import { deleteItem, putIfVersion, putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { countItems, getItem, onIndex, onTable, queryPage, queryUpTo, type PageRequest } from './query.js';

const bidItem = (bid: Bid) => ({
  ...keys.bid(bid.id),
  ...keys.bidsOfRequest(bid.requestId, bid.id),
  ...keys.bidsOfStudio(bid.studioOrgId, bid.id),
  ...keys.bidsOfStudioOnRequest(bid.studioOrgId, bid.requestId, bid.id),
  ...(bid.collegeOrgId ? keys.bidsOfCollege(bid.collegeOrgId, bid.id) : {}),
  ...bid,
});

/** Writes a bid again as it is (same version, guarded), so every index key it should carry is present. */
export const reindexBid = (db: Db, bid: Bid): Write => ({
  op: {
    Put: {
      TableName: db.tableName,
      Item: bidItem(bid),
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': bid.version },
    },
  },
});

export const getBid = (db: Db, bidId: string, consistent = false) => getItem(db, keys.bid(bidId), bidSchema, consistent);

/** Bids by id (one BatchGet; unknown ids are simply absent). */
export const getBids = (db: Db, bidIds: readonly string[], consistent = false) => batchGetByKeys(db, bidIds.map((bidId) => keys.bid(bidId)), bidSchema, consistent);

/** A new bid and the lock that makes it the studio's only live bid on the request. */
export function writesForNewBid(db: Db, bid: Bid, onDuplicate: Write['onConflict']): Write[] {
  return [
    putNew(db, bidItem(bid)),
    putNew(db, { ...keys.liveBidLock(bid.requestId, bid.studioOrgId), bidId: bid.id }, onDuplicate),
  ];
}

/** Replaces a bid read at `next.version - 1`; when it stops being live, its lock goes too. */
export function writesForBidChange(db: Db, next: Bid, onConflict?: Write['onConflict']): Write[] {
  const writes = [putIfVersion(db, bidItem(next), onConflict)];
  if (next.status !== 'SUBMITTED' && next.status !== 'ACCEPTED') writes.push(deleteItem(db, keys.liveBidLock(next.requestId, next.studioOrgId)));
  return writes;
}

/** Every bid of a request, oldest first (the order they came in). */
export const listBidsOfRequest = (db: Db, requestId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.bidsOfRequest(requestId, '').gsi1pk), schema: bidSchema, newestFirst: false }, page);

/** A studio's bids on one request, newest first (one live bid plus any it withdrew): its own index partition. */
export const listBidsOfStudioOnRequest = (db: Db, studioOrgId: string, requestId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi3', keys.bidsOfStudioOnRequest(studioOrgId, requestId, '').gsi3pk), schema: bidSchema }, page);

/** A studio's bids across requests, newest first. */
export const listBidsOfStudio = (db: Db, studioOrgId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi2', keys.bidsOfStudio(studioOrgId, '').gsi2pk), schema: bidSchema }, page);

/** Bids of a college's studios (made while affiliated), newest first. */
export const listBidsOfCollege = (db: Db, collegeOrgId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi4', keys.bidsOfCollege(collegeOrgId, '').gsi4pk), schema: bidSchema }, page);

/** Bids of a request that were not withdrawn: the number everyone may see. Counted by the index, not by reading bids. */
export const countBidsOfRequest = (db: Db, requestId: string) =>
  countItems(db, {
    ...onIndex('gsi1', keys.bidsOfRequest(requestId, '').gsi1pk),
    filter: { FilterExpression: '#status <> :withdrawn', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':withdrawn': 'WITHDRAWN' } },
  });

const liveBidLockSchema = z.object({ bidId: z.string() });

/**
 * The live-bid locks of a request, read from the table itself with a strongly
 * consistent Query: unlike the bids index, it cannot miss a bid that was
 * committed a moment ago. A lock stays with the ACCEPTED bid. At most `limit`
 * of them in one Query; `more` says there are others.
 */
export const listLiveBidLocks = (db: Db, requestId: string, limit: number) =>
  queryUpTo(
    db,
    {
      ...onTable(keys.request(requestId).pk),
      schema: liveBidLockSchema,
      newestFirst: false,
      sortKeyCondition: { expression: 'begins_with(sk, :lock)', values: { ':lock': 'LIVEBID#' } },
    },
    { limit, consistent: true },
  );
