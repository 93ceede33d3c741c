import { z } from 'zod';
import { DAY_MS } from './clock.js';
import { ConflictError } from './errors.js';
import type { Contract, ContractStatus } from './contract.js';

/**
 * Reviews after a contract (评价): the enterprise rates the studio and the
 * studio rates the enterprise, 1–5 on quality, timeliness and communication,
 * with a comment. Double-blind: a review is SEALED (seen by its author only)
 * until both are in, or until the review window after the contract ended has
 * passed; then both are PUBLISHED. The reviewed organisation may reply once;
 * an association may hide a published review for cause, and the averages of
 * the reviewed organisation then leave it out.
 */
export const REVIEW_STATUSES = ['SEALED', 'PUBLISHED'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** Which side of the contract wrote the review. */
export const REVIEWER_ROLES = ['ENTERPRISE', 'STUDIO'] as const;
export type ReviewerRole = (typeof REVIEWER_ROLES)[number];

export const RATING_ASPECTS = ['quality', 'timeliness', 'communication'] as const;
export type RatingAspect = (typeof RATING_ASPECTS)[number];

/** Contract states after which the parties review each other. */
export const REVIEWABLE_CONTRACT_STATUSES: readonly ContractStatus[] = ['COMPLETED', 'TERMINATED'];

/** Days after the contract ended during which reviews are taken; at its end lone reviews are published. */
export const REVIEW_WINDOW_DAYS = 14;

export const ratingsSchema = z.object({
  quality: z.number().int().min(1).max(5),
  timeliness: z.number().int().min(1).max(5),
  communication: z.number().int().min(1).max(5),
});
export type Ratings = z.infer<typeof ratingsSchema>;

export const reviewSchema = z.object({
  id: z.string(),
  contractId: z.string(),
  contractTitle: z.string(),
  authorOrgId: z.string(),
  authorRole: z.enum(REVIEWER_ROLES),
  authoredBy: z.string(),
  subjectOrgId: z.string(),
  ratings: ratingsSchema,
  comment: z.string(),
  status: z.enum(REVIEW_STATUSES),
  createdAt: z.string(),
  /** When a lone review is published if the other party does not review (the end of the window). */
  publishDueAt: z.string(),
  publishedAt: z.string().optional(),
  reply: z.object({ text: z.string(), by: z.string(), at: z.string() }).optional(),
  hidden: z.object({ reason: z.string(), by: z.string(), at: z.string() }).optional(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Review = z.infer<typeof reviewSchema>;

/** The side a party organisation reviews from, or undefined (colleges, governments and outsiders write none). */
export function reviewerRoleOf(contract: Pick<Contract, 'enterpriseOrgId' | 'studioOrgId'>, orgId: string | undefined): ReviewerRole | undefined {
  if (orgId === undefined) return undefined;
  if (orgId === contract.enterpriseOrgId) return 'ENTERPRISE';
  if (orgId === contract.studioOrgId) return 'STUDIO';
  return undefined;
}

/** The organisation a side reviews: the enterprise rates the studio and the studio rates the enterprise. */
export const reviewSubjectOf = (contract: Pick<Contract, 'enterpriseOrgId' | 'studioOrgId'>, role: ReviewerRole) =>
  role === 'ENTERPRISE' ? contract.studioOrgId : contract.enterpriseOrgId;

/**
 * When a finished contract ended: a COMPLETED or TERMINATED contract is never
 * changed again, so its last change is its end.
 */
export const contractEndedAt = (contract: Pick<Contract, 'updatedAt'>) => contract.updatedAt;

/** The end of the review window: reviews are taken until then, and lone ones are published then. */
export const reviewWindowEndsAt = (endedAt: string) => new Date(Date.parse(endedAt) + REVIEW_WINDOW_DAYS * DAY_MS).toISOString();

/** Refuses a review of a contract that has not finished, or whose review window has closed (409). */
export function assertReviewable(contract: Pick<Contract, 'status' | 'updatedAt'>, now: Date): void {
  if (!REVIEWABLE_CONTRACT_STATUSES.includes(contract.status)) {
    throw new ConflictError('CONTRACT_NOT_FINISHED', `Reviews are written after a contract is COMPLETED or TERMINATED; this one is ${contract.status}.`, {
      status: contract.status,
    });
  }
  const closesAt = reviewWindowEndsAt(contractEndedAt(contract));
  if (now.toISOString() >= closesAt) {
    throw new ConflictError('REVIEW_WINDOW_CLOSED', `Reviews of this contract were taken until ${closesAt}.`, { closesAt });
  }
}

/** Who is looking at a review, as far as the rules below care. */
export interface ReviewViewer {
  orgId?: string;
  isAssociation: boolean;
}

/**
 * How much of a review the viewer may see: all of it (its author's
 * organisation, always; associations, once published — hidden ones too), the
 * published review (anyone, unless hidden), or nothing (sealed, or hidden).
 */
export function reviewAudience(viewer: ReviewViewer, review: Review): 'FULL' | 'PUBLIC' | 'NONE' {
  if (viewer.orgId === review.authorOrgId) return 'FULL';
  if (review.status !== 'PUBLISHED') return 'NONE';
  if (viewer.isAssociation) return 'FULL';
  if (review.hidden) return 'NONE';
  return 'PUBLIC';
}

/** The review as the viewer may see it, or undefined. The public view names neither the contract nor the person. */
export function viewOfReview(viewer: ReviewViewer, review: Review) {
  const audience = reviewAudience(viewer, review);
  if (audience === 'NONE') return undefined;
  const { version: _version, authoredBy, contractId, hidden, reply, ...rest } = review;
  const publicReply = reply && { text: reply.text, at: reply.at };
  // Only associations (and the author) are shown why a review was hidden; the public never gets a hidden one.
  if (audience === 'PUBLIC') return { ...rest, reply: publicReply, hidden: undefined as Review['hidden'], mine: false };
  return { ...rest, contractId, authoredBy, reply, hidden, mine: viewer.orgId === review.authorOrgId };
}
export type ReviewView = NonNullable<ReturnType<typeof viewOfReview>>;

// ── Reputation: the averages of an organisation ────────────────────────────

/**
 * The sums an organisation's averages are made of: how many published,
 * unhidden reviews it received and the sum of each aspect's ratings. Kept as
 * one item moved by ADD in the transactions that publish or hide a review.
 */
export interface RatingTotals {
  count: number;
  quality: number;
  timeliness: number;
  communication: number;
}

export const EMPTY_RATING_TOTALS: RatingTotals = { count: 0, quality: 0, timeliness: 0, communication: 0 };

/** What one review adds to its subject's totals (sign −1: what hiding it takes away). */
export const ratingDelta = (ratings: Ratings, sign: 1 | -1 = 1): RatingTotals => ({
  count: sign,
  quality: sign * ratings.quality,
  timeliness: sign * ratings.timeliness,
  communication: sign * ratings.communication,
});

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Averages (two decimals) of each aspect and overall; undefined with no review. */
export function averagesOf(totals: RatingTotals | undefined) {
  if (!totals || totals.count <= 0) return undefined;
  const aspect = (sum: number) => round2(sum / totals.count);
  return {
    count: totals.count,
    quality: aspect(totals.quality),
    timeliness: aspect(totals.timeliness),
    communication: aspect(totals.communication),
    overall: round2((totals.quality + totals.timeliness + totals.communication) / (3 * totals.count)),
  };
}
export type RatingAverages = NonNullable<ReturnType<typeof averagesOf>>;

/**
 * Reputation in matching: points added to a studio's match score.
 * `(overall − NEUTRAL_RATING) × REPUTATION_WEIGHT × min(count, REPUTATION_FULL_AT) / REPUTATION_FULL_AT`,
 * so it lies between −4 and +4 — less than one shared capability tag (10
 * points), so reputation orders studios of equal skill but never outranks
 * skill. A studio without reviews counts as neutral (0): new studios are not
 * punished, and a few reviews move the score less than many.
 */
export const REPUTATION_WEIGHT = 2;
export const NEUTRAL_RATING = 3;
export const REPUTATION_FULL_AT = 5;

export function reputationPoints(averages: Pick<RatingAverages, 'overall' | 'count'> | undefined): number {
  if (!averages || averages.count <= 0) return 0;
  const confidence = Math.min(averages.count, REPUTATION_FULL_AT) / REPUTATION_FULL_AT;
  return round2((averages.overall - NEUTRAL_RATING) * REPUTATION_WEIGHT * confidence);
}
