import { ConflictError, SCHEDULER, bidLifecycle, type Bid, type BidAction, type Principal } from '@sharedtech/core';
import { deleteTask, getBids, listLiveBidLocks, listTasks, writesForBidChange, type TaskKind, type Write } from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toOrg } from './change.js';
import { mapConcurrently } from './concurrently.js';

export const bidChangedMeanwhile = () => new ConflictError('CONCURRENT_UPDATE', 'The bid was changed meanwhile; reload and try again.');

/** Moves one bid through its lifecycle with audit and a notification for the other side. */
export async function transitionBid(
  deps: ServiceDeps,
  actor: Principal,
  bid: Bid,
  action: BidAction,
  reason?: string,
  alsoWrite: (next: Bid) => Write[] = () => [],
) {
  const status = bidLifecycle.next(bid.status, action);
  const next: Bid = { ...bid, status, updatedAt: deps.clock().toISOString(), version: bid.version + 1 };
  const recipient = action === 'withdraw' ? bid.requestOwnerOrgId : bid.studioOrgId;
  await applyChange(deps, actor, {
    writes: [...writesForBidChange(deps.db, next, bidChangedMeanwhile), ...alsoWrite(next)],
    transitions: [{ entity: { type: 'bid', id: bid.id }, action, before: bid.status, after: status, details: reason ? { reason } : undefined }],
    notify: [{ to: toOrg(recipient), type: `BID_${status}`, params: { requestId: bid.requestId, ...(reason ? { reason } : {}) } }],
  });
  return next;
}

/** Bids settled right after the change that ended bidding; more are left to the scheduled job, off the caller's request. */
const INLINE_SETTLE_LIMIT = 30;
/** Passes over the locks before a follow-up is left to the scheduled job. */
const SETTLE_PASSES = 3;
/** Locks the scheduled job reads per pass (one Query with this Limit); the rest wait for the next pass or run. */
const LOCKS_PER_PASS = 100;
/** Bids settled at the same time within a pass. */
const BIDS_SETTLED_AT_ONCE = 8;

/**
 * Ends every still-live bid of a request that left bidding: REJECTED after an
 * award, EXPIRED after a close, cancel or suspension. Runs right after the change
 * that queued it and again from the scheduled job, so a crash in between only
 * delays it. It works from the live-bid locks (a consistent read of the table,
 * so a bid committed a moment ago is not missed) and re-reads each bid, so a bid
 * edited meanwhile is settled at its new version on the next pass. The task is
 * deleted only after a pass finds nothing left to settle.
 */
export async function settleLiveBids(
  deps: ServiceDeps,
  kind: TaskKind,
  requestId: string,
  { maxBids = Number.POSITIVE_INFINITY }: { maxBids?: number } = {},
): Promise<number> {
  const action: BidAction = kind === 'reject-losing-bids' ? 'reject' : 'expire';
  const reason = kind === 'reject-losing-bids' ? 'another bid was accepted' : 'the request closed without an award';
  let settled = 0;
  for (let pass = 0; pass < SETTLE_PASSES; pass += 1) {
    const { items: locks, more } = await listLiveBidLocks(deps.db, requestId, Math.min(maxBids + 1, LOCKS_PER_PASS));
    if (locks.length > maxBids) return settled; // too many for this caller: the scheduled job takes the task
    // The locked bids in one read, then each bid its own transaction on its own items: several at once, so an award does not wait for them one by one.
    const bids = await getBids(deps.db, locks.map((lock) => lock.bidId), true);
    const outcomes = await mapConcurrently(bids, BIDS_SETTLED_AT_ONCE, async (bid) => {
      if (!bidLifecycle.can(bid.status, action)) return 'kept' as const; // the accepted bid keeps its lock
      try {
        await transitionBid(deps, SCHEDULER, bid, action, reason);
        return 'settled' as const;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        return 'unsettled' as const; // changed meanwhile: read it again on the next pass
      }
    });
    settled += outcomes.filter((outcome) => outcome === 'settled').length;
    const unsettled = outcomes.filter((outcome) => outcome === 'unsettled').length;
    if (unsettled === 0 && !more) {
      await deleteTask(deps.db, kind, requestId);
      break;
    }
  }
  return settled;
}

/**
 * Runs a follow-up right after the change that queued it, when it is small
 * enough to finish within the caller's request. Its task is already
 * committed, so a failure here only delays the work to the next scheduled run;
 * it must not turn a change that happened into an error for the caller.
 */
export async function settleLiveBidsNow(deps: ServiceDeps, kind: TaskKind, requestId: string): Promise<void> {
  try {
    await settleLiveBids(deps, kind, requestId, { maxBids: INLINE_SETTLE_LIMIT });
  } catch {
    // left to the scheduled job (runPendingBidTasks)
  }
}

/** Scheduled job step: finish any bid follow-ups that a crash may have left behind. */
export async function runPendingBidTasks(deps: ServiceDeps): Promise<number> {
  let settled = 0;
  for (const kind of ['reject-losing-bids', 'expire-live-bids'] as const) {
    let cursor: string | undefined;
    do {
      const page = await listTasks(deps.db, kind, { cursor, limit: 50 });
      for (const task of page.items) settled += await settleLiveBids(deps, kind, task.subjectId);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return settled;
}
