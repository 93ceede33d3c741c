import { z } from 'zod';
import { requestStatsDeltas, technicalRequestSchema, type RequestStatus, type TechnicalRequest } from '@sharedtech/core';
import type { Db } from './client.js';
import { commitChange, deleteItem, putIfVersion, putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onIndex, queryPage, type PageRequest } from './query.js';
import { writesForSearchTokens } from './search.js';
import { statsWrites } from './stats.js';

const requestItem = (request: TechnicalRequest) => ({
  ...keys.request(request.id),
  ...keys.requestsByStatus(request.status, request.id),
  ...keys.requestsByCluster(request.cluster, request.status, request.id),
  ...keys.requestsOfOrg(request.ownerOrgId, request.id),
  ...request,
});

const tagItem = (request: TechnicalRequest, tag: string) => ({
  ...keys.requestTag(request.id, tag),
  ...keys.requestsByTag(tag, request.status, request.id),
  ...request,
});

export const getRequest = (db: Db, requestId: string, consistent = false) =>
  getItem(db, keys.request(requestId), technicalRequestSchema, consistent);

/** The writes that store a new request, its tag index items and its place in the cluster's statistics. */
export function writesForNewRequest(db: Db, request: TechnicalRequest): Write[] {
  return [
    putNew(db, requestItem(request)),
    ...request.tags.map((tag) => ({ op: { Put: { TableName: db.tableName, Item: tagItem(request, tag) } } })),
    ...statsWrites(db, requestStatsDeltas(undefined, request)),
  ];
}

/**
 * The writes that replace a request read at `previous.version`: the request
 * itself (guarded by version) and its tag copies, dropping tags that were removed;
 * its deadline timer and search tokens follow the OPEN state, and the statistics
 * counters move with its change of state (or cluster).
 */
export function writesForRequestChange(
  db: Db,
  previous: TechnicalRequest,
  next: TechnicalRequest,
  onConflict?: Write['onConflict'],
): Write[] {
  const removedTags = previous.tags.filter((tag) => !next.tags.includes(tag));
  return [
    putIfVersion(db, requestItem(next), onConflict),
    ...next.tags.map((tag) => ({ op: { Put: { TableName: db.tableName, Item: tagItem(next, tag) } } })),
    ...removedTags.map((tag) => deleteItem(db, keys.requestTag(previous.id, tag))),
    ...deadlineTimerWrites(db, previous, next),
    ...writesForSearchTokens(db, previous, next),
    ...statsWrites(db, requestStatsDeltas(previous, next)),
  ];
}

/**
 * A bid submitted (+1) or withdrawn (-1): the request's bid count moves by ADD
 * and its version moves with it, so a change of the request made from an
 * earlier read (which would carry the old count) fails its version check.
 */
export function countBidOnRequest(
  db: Db,
  requestId: string,
  delta: 1 | -1,
  condition: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
  onConflict: Write['onConflict'],
): Write {
  return {
    op: {
      Update: {
        TableName: db.tableName,
        Key: keys.request(requestId),
        UpdateExpression: 'SET #version = #version + :one ADD #bidCount :delta',
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: { '#version': 'version', '#bidCount': 'bidCount', ...condition.names },
        ExpressionAttributeValues: { ':one': 1, ':delta': delta, ...condition.values },
      },
    },
    onConflict,
  };
}

export interface RequestListFilter {
  status: RequestStatus;
  cluster?: string;
  tag?: string;
}

const deadlineTimerSchema = z.object({ requestId: z.string(), biddingDeadline: z.string() });

/** The deadline timer follows the OPEN state: put on entering it, deleted on leaving it, in the same transaction. */
function deadlineTimerWrites(db: Db, previous: TechnicalRequest, next: TechnicalRequest): Write[] {
  if (next.status === 'OPEN' && previous.status !== 'OPEN') return [putDeadlineTimer(db, next)];
  return previous.status === 'OPEN' && next.status !== 'OPEN' ? [deleteItem(db, keys.deadlineTimer(previous.id))] : [];
}

/** The deadline timer of an OPEN request (a plain Put: writing it again changes nothing). */
export function putDeadlineTimer(db: Db, request: TechnicalRequest): Write {
  // Normalised again here: the timer's sort key must be a UTC instant whatever the request carries.
  const timer = { requestId: request.id, biddingDeadline: new Date(request.biddingDeadline).toISOString() };
  return { op: { Put: { TableName: db.tableName, Item: { ...keys.deadlineTimer(request.id), ...keys.deadlinesDue(timer.biddingDeadline, request.id), ...timer } } } };
}

/** Removes a deadline timer on its own (one the closing job found outliving its request's OPEN state). */
export const deleteDeadlineTimer = (db: Db, requestId: string) =>
  commitChange(db, { writes: [deleteItem(db, keys.deadlineTimer(requestId))], audit: [], notifications: [] });

/**
 * OPEN requests whose bidding deadline is before `now`, earliest first: one
 * range Query on the sparse timer index (deadlines are stored in UTC, so they
 * sort as strings; `~` sorts after every `#`).
 */
export const listExpiredDeadlines = (db: Db, now: Date, page?: PageRequest) =>
  queryPage(
    db,
    {
      ...onIndex('gsi3', keys.deadlinesDue('', '').gsi3pk),
      schema: deadlineTimerSchema,
      newestFirst: false,
      sortKeyCondition: { expression: '#due < :now', names: { '#due': 'gsi3sk' }, values: { ':now': `${now.toISOString()}~` } },
    },
    page,
  );

/**
 * Lists requests of one status, newest first, narrowed by cluster and/or tag.
 * Tag wins the index choice (tag partitions are smaller); a cluster given as
 * well becomes a filter on that partition.
 */
export function listRequests(db: Db, filter: RequestListFilter, page?: PageRequest) {
  const schema = technicalRequestSchema;
  if (filter.tag) {
    return queryPage(
      db,
      {
        ...onIndex('gsi1', keys.requestsByTag(filter.tag, filter.status, '').gsi1pk),
        schema,
        filter: filter.cluster
          ? { FilterExpression: '#cluster = :cluster', ExpressionAttributeNames: { '#cluster': 'cluster' }, ExpressionAttributeValues: { ':cluster': filter.cluster } }
          : undefined,
      },
      page,
    );
  }
  if (filter.cluster) {
    return queryPage(db, { ...onIndex('gsi2', keys.requestsByCluster(filter.cluster, filter.status, '').gsi2pk), schema }, page);
  }
  return queryPage(db, { ...onIndex('gsi1', keys.requestsByStatus(filter.status, '').gsi1pk), schema }, page);
}

/** An organisation's own requests in every state, newest first. */
export const listRequestsOfOrganisation = (db: Db, orgId: string, page?: PageRequest, status?: RequestStatus) =>
  queryPage(
    db,
    {
      ...onIndex('gsi3', keys.requestsOfOrg(orgId, '').gsi3pk),
      schema: technicalRequestSchema,
      filter: status
        ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':status': status } }
        : undefined,
    },
    page,
  );
