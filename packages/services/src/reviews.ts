import {
  ConflictError, ForbiddenError, NotFoundError, SCHEDULER, assertReviewable, averagesOf, contractEndedAt, isAssociation, ratingDelta, requireAssociation,
  requireVerified, reviewSubjectOf, reviewWindowEndsAt, reviewerRoleOf, viewOfReview,
  type Contract, type Principal, type Ratings, type Review, type ReviewView, type ReviewViewer,
} from '@sharedtech/core';
import {
  addToRatingTotals, commitChange, deleteReviewTimer, getRatingTotals, getReviewById, listDueReviewTimers, listPublishedReviewsOfOrg,
  listReviewsOfContract, putReviewTimer, reviewAbsent, writeNewReview, writeReviewChange, type PageRequest, type Write,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, retryingConflicts, toOrg, type NotificationSpec, type Transition } from './change.js';
import { getVisibleContract } from './contracts.js';
import { getVisibleOrganisation } from './organisations.js';

export interface ReviewInput {
  ratings: Ratings;
  comment: string;
}

const viewerOf = (principal: Principal): ReviewViewer => ({ orgId: principal.membership?.orgId, isAssociation: isAssociation(principal) });

/** How often a submission is rebuilt when the other party's review landed at the same moment. */
const MAX_SUBMIT_ATTEMPTS = 5;

/** Raised inside a submission when the other side's review appeared meanwhile: read again and publish both. */
class OtherReviewArrived extends ConflictError {
  constructor() {
    super('CONCURRENT_UPDATE', 'The other party reviewed at the same moment; reload and try again.');
  }
}

const alreadyReviewed = () => new ConflictError('ALREADY_REVIEWED', 'Your organisation has already reviewed this contract; a review is written once.');

/** The transitions, notifications and writes that publish reviews: state, index entry and the subjects' averages together. */
function publication(deps: ServiceDeps, reviews: Review[], now: string, contract: Pick<Contract, 'title'>) {
  const published = reviews.map((review): Review => ({ ...review, status: 'PUBLISHED', publishedAt: now, updatedAt: now, version: review.version + 1 }));
  return {
    published,
    writes: published.map((review) => addToRatingTotals(deps.db, review.subjectOrgId, ratingDelta(review.ratings))),
    transitions: published.map(
      (review): Transition => ({ entity: { type: 'review', id: review.id }, action: 'publish', before: 'SEALED', after: 'PUBLISHED', details: { contractId: review.contractId } }),
    ),
    notify: published.flatMap((review): NotificationSpec[] => [
      { to: toOrg(review.subjectOrgId), type: 'REVIEW_PUBLISHED', params: { title: contract.title } },
      { to: toOrg(review.authorOrgId), type: 'REVIEW_PUBLISHED', params: { title: contract.title } },
    ]),
  };
}

/**
 * A party reviews the other after the contract ended: the enterprise rates
 * the studio, the studio the enterprise. Once per party (the review's key);
 * the first review is SEALED with a publication timer, the second publishes
 * both in its own transaction, guarded so that of two concurrent submissions
 * exactly one is the second.
 */
export async function submitReview(deps: ServiceDeps, principal: Principal, contractId: string, input: ReviewInput): Promise<ReviewView> {
  const contract = await getVisibleContract(deps, principal, contractId, true);
  const acting = requireVerified(principal);
  const role = reviewerRoleOf(contract, acting.org.id);
  if (!role) throw new ForbiddenError('NOT_A_REVIEWING_PARTY', 'Only the enterprise and the studio of a contract review each other.');
  const now = deps.clock();
  assertReviewable(contract, now);
  const subjectOrgId = reviewSubjectOf(contract, role);
  const publishDueAt = reviewWindowEndsAt(contractEndedAt(contract));

  // A race with the other party's review (OtherReviewArrived is a CONCURRENT_UPDATE) is run again from a fresh read.
  return retryingConflicts(['CONCURRENT_UPDATE'], MAX_SUBMIT_ATTEMPTS, async () => {
    const at = deps.clock().toISOString();
    const existing = await listReviewsOfContract(deps.db, contract.id, true);
    if (existing.some((review) => review.authorOrgId === acting.org.id)) throw alreadyReviewed();
    const other = existing.find((review) => review.authorOrgId === subjectOrgId);
    const mine: Review = {
      id: deps.ids('review'),
      contractId: contract.id,
      contractTitle: contract.title,
      authorOrgId: acting.org.id,
      authorRole: role,
      authoredBy: principal.sub,
      subjectOrgId,
      ratings: input.ratings,
      comment: input.comment,
      status: 'SEALED',
      createdAt: at,
      publishDueAt,
      updatedAt: at,
      version: 1,
    };
    const submitted: Transition = { entity: { type: 'review', id: mine.id }, action: 'submit', after: 'SEALED', details: { contractId: contract.id, role }, creates: true };
    if (!other) {
      // First in: sealed until the other side reviews or the window ends; the timer publishes it then.
      await applyChange(deps, principal, {
        writes: [
          writeNewReview(deps.db, mine, alreadyReviewed),
          reviewAbsent(deps.db, contract.id, subjectOrgId, () => new OtherReviewArrived()),
          putReviewTimer(deps.db, { contractId: contract.id, dueAt: publishDueAt }),
        ],
        transitions: [submitted],
        notify: [{ to: toOrg(subjectOrgId), type: 'REVIEW_RECEIVED', params: { title: contract.title } }],
      });
      return viewOfReview(viewerOf(principal), mine)!;
    }
    // Second in: both are published in this transaction (the other at the version read).
    const sealed = other.status === 'SEALED' ? [other] : [];
    const { published, writes, transitions, notify } = publication(deps, [mine, ...sealed], at, contract);
    const [mineNow, ...othersNow] = published as [Review, ...Review[]];
    // Mine is new: it is put (once per party), not updated, so it keeps its first version.
    const fresh: Review = { ...mineNow, version: mine.version };
    await applyChange(deps, principal, {
      writes: [
        writeNewReview(deps.db, fresh, alreadyReviewed),
        ...othersNow.map((review) => writeReviewChange(deps.db, review, () => new OtherReviewArrived())),
        deleteReviewTimer(deps.db, contract.id),
        ...writes,
      ],
      transitions: [{ ...submitted, after: 'PUBLISHED' }, ...transitions.slice(1)],
      notify,
    });
    return viewOfReview(viewerOf(principal), fresh)!;
  });
}

/** The reviews of a contract its caller may see: its own (sealed or not) and published ones; plus what is still to do. */
export async function readContractReviews(deps: ServiceDeps, principal: Principal, contractId: string) {
  const contract = await getVisibleContract(deps, principal, contractId);
  const viewer = viewerOf(principal);
  const reviews = await listReviewsOfContract(deps.db, contract.id);
  const role = reviewerRoleOf(contract, viewer.orgId);
  const mine = reviews.find((review) => review.authorOrgId === viewer.orgId);
  const theirs = role ? reviews.find((review) => review.authorOrgId === reviewSubjectOf(contract, role)) : undefined;
  const reviewable = (() => {
    try {
      assertReviewable(contract, deps.clock());
      return true;
    } catch {
      return false;
    }
  })();
  return {
    items: reviews.flatMap((review) => viewOfReview(viewer, review) ?? []),
    role: role ?? null,
    /** The organisation the caller reviews, if it reviews. */
    subjectOrgId: role ? reviewSubjectOf(contract, role) : null,
    canReview: Boolean(role) && !mine && reviewable && principal.org?.status === 'VERIFIED',
    /** Whether the other side has reviewed (not what it wrote: that stays sealed). */
    otherSubmitted: Boolean(theirs),
    closesAt: ['COMPLETED', 'TERMINATED'].includes(contract.status) ? reviewWindowEndsAt(contractEndedAt(contract)) : null,
  };
}

/**
 * Published reviews of an organisation, newest first, with its averages (one
 * aggregate item). Hidden reviews are left out, except for associations.
 */
export async function listOrganisationReviews(deps: ServiceDeps, principal: Principal, orgId: string, page: PageRequest) {
  const org = await getVisibleOrganisation(deps, principal, orgId);
  const viewer = viewerOf(principal);
  const [result, totals] = await Promise.all([
    listPublishedReviewsOfOrg(deps.db, org.id, { includeHidden: viewer.isAssociation }, page),
    getRatingTotals(deps.db, org.id),
  ]);
  return {
    items: result.items.flatMap((review) => viewOfReview(viewer, review) ?? []),
    nextCursor: result.nextCursor,
    averages: averagesOf(totals) ?? null,
  };
}

/** An organisation's averages (one GetItem), for its profile; null without reviews. */
export async function readOrganisationRatings(deps: ServiceDeps, orgId: string) {
  return averagesOf(await getRatingTotals(deps.db, orgId)) ?? null;
}

/** The review, if the caller may see it (404 otherwise, like a missing id). */
export async function getVisibleReview(deps: ServiceDeps, principal: Principal, reviewId: string, consistent = false) {
  const review = await getReviewById(deps.db, reviewId, consistent);
  if (!review || !viewOfReview(viewerOf(principal), review)) throw new NotFoundError('Review', reviewId);
  return review;
}

/** The reviewed organisation answers a published review, once. */
export async function replyToReview(deps: ServiceDeps, principal: Principal, reviewId: string, text: string): Promise<ReviewView> {
  const review = await getVisibleReview(deps, principal, reviewId, true);
  const acting = requireVerified(principal);
  if (acting.org.id !== review.subjectOrgId) throw new ForbiddenError('NOT_REVIEWED_PARTY', 'Only the reviewed organisation replies to a review.');
  if (review.status !== 'PUBLISHED') throw new NotFoundError('Review', reviewId);
  if (review.reply) throw new ConflictError('ALREADY_REPLIED', 'This review has been answered already; a reply is written once.');
  const now = deps.clock().toISOString();
  const next: Review = { ...review, reply: { text, by: principal.sub, at: now }, updatedAt: now, version: review.version + 1 };
  await applyChange(deps, principal, {
    writes: [writeReviewChange(deps.db, next, () => new ConflictError('ALREADY_REPLIED', 'This review was answered or changed meanwhile; reload it.'))],
    transitions: [{ entity: { type: 'review', id: review.id }, action: 'reply' }],
    notify: [{ to: toOrg(review.authorOrgId), type: 'REVIEW_REPLIED', params: { title: review.contractTitle } }],
  });
  return viewOfReview(viewerOf(principal), next)!;
}

/**
 * An association hides a published review for cause: it leaves every public
 * list, and the subject's averages drop it in the same transaction.
 */
export async function hideReview(deps: ServiceDeps, principal: Principal, reviewId: string, reason: string): Promise<ReviewView> {
  requireAssociation(principal);
  const review = await getVisibleReview(deps, principal, reviewId, true);
  if (review.hidden) throw new ConflictError('ALREADY_HIDDEN', 'This review is hidden already.');
  const now = deps.clock().toISOString();
  const next: Review = { ...review, hidden: { reason, by: principal.sub, at: now }, updatedAt: now, version: review.version + 1 };
  await applyChange(deps, principal, {
    writes: [
      writeReviewChange(deps.db, next, () => new ConflictError('CONCURRENT_UPDATE', 'The review was changed meanwhile; reload it.')),
      addToRatingTotals(deps.db, review.subjectOrgId, ratingDelta(review.ratings, -1)),
    ],
    transitions: [{ entity: { type: 'review', id: review.id }, action: 'hide', details: { reason } }],
    notify: [
      { to: toOrg(review.authorOrgId), type: 'REVIEW_HIDDEN', params: { title: review.contractTitle } },
      { to: toOrg(review.subjectOrgId), type: 'REVIEW_HIDDEN', params: { title: review.contractTitle } },
    ],
  });
  return viewOfReview(viewerOf(principal), next)!;
}

/**
 * The scheduled job: lone reviews whose window has ended are published (by
 * their contract's timer, a range Query on a sparse index). Each contract is
 * one transaction guarded by the reviews' versions, so a rerun or an
 * overlapping run publishes nothing twice; a timer with nothing left to
 * publish is removed.
 */
export async function publishDueReviews(deps: ServiceDeps, { pageSize = 100 }: { pageSize?: number } = {}) {
  let published = 0;
  const failures: { id: string; error: string }[] = [];
  const now = deps.clock();
  let cursor: string | undefined;
  do {
    const page = await listDueReviewTimers(deps.db, now, { cursor, limit: pageSize });
    for (const timer of page.items) {
      try {
        const reviews = await listReviewsOfContract(deps.db, timer.contractId, true);
        const sealed = reviews.filter((review) => review.status === 'SEALED');
        if (sealed.length === 0) {
          await commitChange(deps.db, { writes: [deleteReviewTimer(deps.db, timer.contractId)], audit: [], notifications: [] });
          continue;
        }
        const at = now.toISOString();
        const change = publication(deps, sealed, at, { title: sealed[0]!.contractTitle });
        const writes: Write[] = [
          ...change.published.map((review) => writeReviewChange(deps.db, review)),
          deleteReviewTimer(deps.db, timer.contractId),
          ...change.writes,
        ];
        await applyChange(deps, SCHEDULER, { writes, transitions: change.transitions, notify: change.notify });
        published += sealed.length;
      } catch (error) {
        // A failed version condition means another run (or the second review) published meanwhile: the next run cleans up.
        if (!(error instanceof ConflictError)) failures.push({ id: timer.contractId, error: (error as Error).message });
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { published, failures };
}
