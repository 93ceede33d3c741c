import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { EMPTY_RATING_TOTALS, reviewSchema, type RatingTotals, type Review } from '@sharedtech/core';
import type { Db } from './client.js';
import { conditionCheck, deleteItem, putIfVersion, putNew, type Write } from './commit.js';
import { toDomainError } from './errors.js';
import { keys, stripKeys } from './keys.js';
import { getItem, onIndex, onTable, queryBounded, queryPage, type PageRequest } from './query.js';
import { batchGet } from './batch-get.js';
import { isTrackRecordItem, trackRecordOf } from './track-record.js';

/**
 * Reviews live in their contract's partition, one item per author
 * (`REVIEW#<orgId>`); a published one also has an entry on its subject's
 * review index (gsi1). Each review is findable by id on gsi2.
 */
const reviewItem = (review: Review) => ({
  ...keys.review(review.contractId, review.authorOrgId),
  ...keys.reviewById(review.id),
  ...(review.status === 'PUBLISHED' ? keys.reviewsOfOrg(review.subjectOrgId, review.publishedAt ?? review.updatedAt, review.id) : {}),
  ...review,
});

/** A new review: fails (with `onConflict`) when its author already reviewed this contract. */
export const writeNewReview = (db: Db, review: Review, onConflict?: Write['onConflict']): Write => putNew(db, reviewItem(review), onConflict);

export const writeReviewChange = (db: Db, review: Review, onConflict?: Write['onConflict']): Write => putIfVersion(db, reviewItem(review), onConflict);

/** A guard that an organisation has not reviewed the contract (yet). */
export const reviewAbsent = (db: Db, contractId: string, authorOrgId: string, onConflict?: Write['onConflict']): Write =>
  conditionCheck(db, keys.review(contractId, authorOrgId), { expression: 'attribute_not_exists(pk)' }, onConflict);

/** Both reviews of a contract (at most two items). */
export const listReviewsOfContract = (db: Db, contractId: string, consistent = false) =>
  queryBounded(
    db,
    {
      ...onTable(keys.contract(contractId).pk),
      schema: reviewSchema,
      newestFirst: false,
      sortKeyCondition: { expression: 'begins_with(sk, :review)', values: { ':review': 'REVIEW#' } },
    },
    { max: 2, consistent },
  );

/** A review by its id: the id index names its key, and the item itself is read by key (strongly, if asked). */
export async function getReviewById(db: Db, reviewId: string, consistent = false): Promise<Review | undefined> {
  try {
    const { Items } = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :id',
        ExpressionAttributeValues: { ':id': keys.reviewById(reviewId).gsi2pk },
        Limit: 1,
      }),
    );
    const found = Items?.[0];
    if (!found) return undefined;
    return getItem(db, { pk: String(found.pk), sk: String(found.sk) }, reviewSchema, consistent);
  } catch (error) {
    throw toDomainError(error);
  }
}

/**
 * Published reviews of an organisation, newest first. Hidden ones are left
 * out by filter unless `includeHidden` (associations).
 */
export const listPublishedReviewsOfOrg = (db: Db, orgId: string, options: { includeHidden: boolean }, page?: PageRequest) =>
  queryPage(
    db,
    {
      ...onIndex('gsi1', `ORG#${orgId}#REVIEWS`),
      schema: reviewSchema,
      filter: options.includeHidden
        ? undefined
        : { FilterExpression: 'attribute_not_exists(#hidden)', ExpressionAttributeNames: { '#hidden': 'hidden' } },
    },
    page,
  );

// ── Rating totals (an aggregate item per organisation) ─────────────────────

const totalsSchema = z.object({
  count: z.number().int().default(0),
  quality: z.number().int().default(0),
  timeliness: z.number().int().default(0),
  communication: z.number().int().default(0),
});

const parseTotals = (item: Record<string, unknown> | undefined): RatingTotals => (item ? totalsSchema.parse(stripKeys(item)) : { ...EMPTY_RATING_TOTALS });

/** Moves an organisation's rating sums by a delta, inside the transaction that publishes or hides a review. */
export function addToRatingTotals(db: Db, orgId: string, delta: RatingTotals): Write {
  return {
    op: {
      Update: {
        TableName: db.tableName,
        Key: keys.ratingTotals(orgId),
        UpdateExpression: 'SET orgId = :org ADD #count :count, quality :quality, timeliness :timeliness, communication :communication',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: {
          ':org': orgId,
          ':count': delta.count,
          ':quality': delta.quality,
          ':timeliness': delta.timeliness,
          ':communication': delta.communication,
        },
      },
    },
  };
}

/** One organisation's rating sums (one GetItem; zeros when it has none). */
export async function getRatingTotals(db: Db, orgId: string, consistent = false): Promise<RatingTotals> {
  return (await getItem(db, keys.ratingTotals(orgId), totalsSchema, consistent)) ?? { ...EMPTY_RATING_TOTALS };
}

/** What matching weighs of a studio besides its skills: its rating sums and its track record (ACTIVE or COMPLETED contracts). */
export interface Standing {
  ratings: RatingTotals;
  contracts: number;
}

/**
 * Several studios' standings (matching's shortlist): their rating sums and
 * track records in one BatchGet, whatever the number of their contracts.
 */
export async function getStandingsOfMany(db: Db, orgIds: readonly string[]): Promise<Map<string, Standing>> {
  const unique = [...new Set(orgIds)];
  const items = unique.length ? await batchGet(db, unique.flatMap((orgId) => [keys.ratingTotals(orgId), keys.trackRecord(orgId)]), false) : [];
  const byOrg = new Map<string, Standing>(unique.map((orgId) => [orgId, { ratings: { ...EMPTY_RATING_TOTALS }, contracts: 0 }]));
  for (const item of items) {
    const standing = byOrg.get(String(item.pk).slice('ORG#'.length));
    if (!standing) continue;
    if (isTrackRecordItem(item)) standing.contracts = trackRecordOf(item);
    else standing.ratings = parseTotals(item);
  }
  return byOrg;
}

// ── Publication timers ─────────────────────────────────────────────────────

export const reviewTimerSchema = z.object({ contractId: z.string(), dueAt: z.string() });
export type ReviewTimer = z.infer<typeof reviewTimerSchema>;

export const putReviewTimer = (db: Db, timer: ReviewTimer): Write => ({
  op: { Put: { TableName: db.tableName, Item: { ...keys.reviewTimer(timer.contractId), ...keys.reviewTimersDue(timer.dueAt, timer.contractId), ...timer } } },
});

export const deleteReviewTimer = (db: Db, contractId: string): Write => deleteItem(db, keys.reviewTimer(contractId));

/** Contracts whose lone reviews are due for publication at `now`, earliest first (a range Query on a sparse index). */
export const listDueReviewTimers = (db: Db, now: Date, page?: PageRequest) =>
  queryPage(
    db,
    {
      ...onIndex('gsi3', 'TIMERS#REVIEWS'),
      schema: reviewTimerSchema,
      newestFirst: false,
      sortKeyCondition: { expression: '#due < :bound', names: { '#due': 'gsi3sk' }, values: { ':bound': `${now.toISOString()}~` } },
    },
    page,
  );
