import { ConflictError, SCHEDULER, bidLifecycle, type Bid, type BidAction, type Principal } from '@sharedtech/core';
import { deleteTask, listBidsOfRequest, listTasks, writesForBidChange, type TaskKind } from '@sharedtech/data';
import type { AppDeps } from '../deps.js';
import { applyChange, toOrg } from './change.js';

export const bidChangedMeanwhile = () => new ConflictError('CONCURRENT_UPDATE', 'The bid was changed meanwhile; reload and try again.');

/** Moves one bid through its lifecycle with audit and a notification for the other side. */
export async function transitionBid(deps: AppDeps, actor: Principal, bid: Bid, action: BidAction, reason?: string) {
  const status = bidLifecycle.next(bid.status, action);
  const next: Bid = { ...bid, status, updatedAt: deps.clock().toISOString(), version: bid.version + 1 };
  const recipient = action === 'withdraw' ? bid.requestOwnerOrgId : bid.studioOrgId;
  await applyChange(deps, actor, {
    writes: writesForBidChange(deps.db, next, bidChangedMeanwhile),
    transitions: [{ entity: { type: 'bid', id: bid.id }, action, before: bid.status, after: status, details: reason ? { reason } : undefined }],
    notify: [{ to: toOrg(recipient), type: `BID_${status}`, params: { requestId: bid.requestId, ...(reason ? { reason } : {}) } }],
  });
  return next;
}

/**
 * Ends every still-live bid of a request that left bidding: REJECTED after an
 * award, EXPIRED after a close, cancel or suspension. Runs right after the change
 * that queued it and again from the scheduled job, so a crash in between only
 * delays it. Each bid is its own conditional write: running twice is harmless.
 */
export async function settleLiveBids(deps: AppDeps, kind: TaskKind, requestId: string): Promise<number> {
  const action: BidAction = kind === 'reject-losing-bids' ? 'reject' : 'expire';
  const reason = kind === 'reject-losing-bids' ? 'another bid was accepted' : 'the request closed without an award';
  let settled = 0;
  let cursor: string | undefined;
  do {
    const page = await listBidsOfRequest(deps.db, requestId, { cursor, limit: 50 }, true);
    for (const bid of page.items) {
      try {
        await transitionBid(deps, SCHEDULER, bid, action, reason);
        settled += 1;
      } catch (error) {
        // Withdrawn or settled meanwhile: nothing left to do for this bid.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  await deleteTask(deps.db, kind, requestId);
  return settled;
}

/** Scheduled job step: finish any bid follow-ups that a crash may have left behind. */
export async function runPendingBidTasks(deps: AppDeps): Promise<number> {
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
