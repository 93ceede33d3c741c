import {
  ConflictError, ForbiddenError, NotFoundError, affiliatedCollegeOf, assertMilestonePlan, bidSubmittedDeltas, bidWithdrawnDeltas, isAssociation, requireVerified, withPersonalDataFor,
  type Bid, type Money, type PlannedMilestone, type Principal, type ShareAgreement, type TechnicalRequest,
} from '@sharedtech/core';
import {
  conditionCheck, countBidOnRequest, countBidsOfRequest, getBid, getRequest, keys, listBidsOfRequest, listBidsOfStudio, listBidsOfStudioOnRequest,
  statsWrites, writesForBidChange, writesForNewBid, invitationIdFor, type PageRequest,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toOrg } from './change.js';
import { bidChangedMeanwhile, transitionBid } from './bid-lifecycle.js';
import { getVisibleRequest } from './requests.js';
import { resolveTeam } from './people.js';

export interface BidContent {
  price: Money;
  durationDays: number;
  approach: string;
  milestones: PlannedMilestone[];
  /** The team by roster people (at least one teacher). */
  team: { personIds: string[] };
  proposedShares?: Partial<ShareAgreement>;
}

/** Who sees a bid's team in full: its studio, the request's owner and the studio's college. */
const bidParties = (bid: Bid) => [bid.studioOrgId, bid.requestOwnerOrgId, bid.collegeOrgId];

/** A bid without its optimistic-lock version. */
export const viewOfBid = ({ version: _version, ...bid }: Bid) => bid;

const duplicateLiveBid = () =>
  new ConflictError('LIVE_BID_EXISTS', 'Your studio already has a live bid on this request; update or withdraw it instead.');
const biddingClosed = () =>
  new ConflictError('BIDDING_CLOSED', 'The request is no longer open for bids (awarded, closed, or past its deadline).');

/**
 * Guards a bid write on the request being OPEN and before its deadline at
 * commit time. A ConditionCheck (not a write) so concurrent bids on one request
 * do not contend with each other, only with a change of the request itself.
 */
const openForBids = (deps: ServiceDeps) => ({
  expression: '#status = :open AND #deadline > :now',
  names: { '#status': 'status', '#deadline': 'biddingDeadline' },
  values: { ':open': 'OPEN', ':now': deps.clock().toISOString() },
});

function requestStillOpen(deps: ServiceDeps, requestId: string) {
  return conditionCheck(deps.db, keys.request(requestId), openForBids(deps), biddingClosed);
}

const requestChangedMeanwhile = () =>
  new ConflictError('CONCURRENT_UPDATE', 'The request changed at the same moment; reload and try again.');

function assertBiddable(deps: ServiceDeps, request: TechnicalRequest) {
  if (request.status !== 'OPEN' || Date.parse(request.biddingDeadline) <= deps.clock().getTime()) throw biddingClosed();
}

/** A verified studio bids on an OPEN request; a second live bid of the same studio is a 409, enforced by the database. */
export async function submitBid(deps: ServiceDeps, principal: Principal, requestId: string, content: BidContent) {
  const studio = requireVerified(principal, ['STUDIO']);
  // Independent reads, at the same time: the request and whether the studio was invited to it.
  const [request, invitationId] = await Promise.all([
    getVisibleRequest(deps, principal, requestId, true),
    invitationIdFor(deps.db, requestId, studio.org.id),
  ]);
  assertBiddable(deps, request);
  assertMilestonePlan(content.price, content.milestones, content.durationDays);
  const now = deps.clock().toISOString();
  const bid: Bid = {
    id: deps.ids('bid'),
    requestId,
    requestOwnerOrgId: request.ownerOrgId,
    studioOrgId: studio.org.id,
    ...(studio.org.collegeId ? { collegeOrgId: studio.org.collegeId } : {}),
    status: 'SUBMITTED',
    price: content.price,
    durationDays: content.durationDays,
    approach: content.approach,
    milestones: content.milestones,
    team: await resolveTeam(deps, { id: studio.org.id, collegeId: affiliatedCollegeOf(studio.org) }, content.team),
    proposedShares: content.proposedShares,
    ...(invitationId ? { invitationId } : {}),
    createdBy: principal.sub,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await applyChange(deps, principal, {
    writes: [
      ...writesForNewBid(deps.db, bid, duplicateLiveBid),
      // The same guard as an edit's, on the write that counts the bid on the request.
      countBidOnRequest(deps.db, requestId, 1, openForBids(deps), biddingClosed),
      ...statsWrites(deps.db, bidSubmittedDeltas(request.cluster, requestId, now)),
    ],
    transitions: [{ entity: { type: 'bid', id: bid.id }, action: 'submit', after: 'SUBMITTED', details: { requestId, price: bid.price.amount }, creates: true }],
    notify: [{ to: toOrg(request.ownerOrgId), type: 'BID_RECEIVED', params: { title: request.title, studio: studio.org.name } }],
  });
  return bid;
}

/** The bid, if the caller may see it: its studio, the request owner, or an association. Everyone else gets 404 (bids are sealed). */
export async function getVisibleBid(deps: ServiceDeps, principal: Principal, bidId: string, consistent = false) {
  const bid = await getBid(deps.db, bidId, consistent);
  const orgId = principal.membership?.orgId;
  // The studio's college reads its studios' bids (read only).
  if (!bid || !(orgId === bid.studioOrgId || orgId === bid.requestOwnerOrgId || (orgId !== undefined && orgId === bid.collegeOrgId) || isAssociation(principal))) {
    throw new NotFoundError('Bid', bidId);
  }
  return withPersonalDataFor(orgId, bidParties(bid), bid);
}

async function getOwnBid(deps: ServiceDeps, principal: Principal, bidId: string) {
  const studio = requireVerified(principal, ['STUDIO']);
  const bid = await getVisibleBid(deps, principal, bidId, true);
  if (bid.studioOrgId !== studio.org.id) throw new ForbiddenError('NOT_BID_OWNER', 'Only the studio that made this bid can change it.');
  return bid;
}

/** The studio edits its live bid while the request is still open. */
export async function updateBid(deps: ServiceDeps, principal: Principal, bidId: string, patch: Partial<BidContent>) {
  const bid = await getOwnBid(deps, principal, bidId);
  if (bid.status !== 'SUBMITTED') throw new ConflictError('NOT_EDITABLE', `A ${bid.status} bid cannot be changed.`, { status: bid.status });
  assertBiddable(deps, await getVisibleRequest(deps, principal, bid.requestId, true));
  const next: Bid = {
    ...bid,
    ...patch,
    team: patch.team ? await resolveTeam(deps, { id: bid.studioOrgId, collegeId: affiliatedCollegeOf(principal.org!) }, patch.team) : bid.team,
    updatedAt: deps.clock().toISOString(),
    version: bid.version + 1,
  };
  assertMilestonePlan(next.price, next.milestones, next.durationDays);
  await applyChange(deps, principal, {
    writes: [...writesForBidChange(deps.db, next, bidChangedMeanwhile), requestStillOpen(deps, bid.requestId)],
    transitions: [{ entity: { type: 'bid', id: bid.id }, action: 'edit', before: bid.status, after: next.status, details: { fields: Object.keys(patch) } }],
    notify: [{ to: toOrg(bid.requestOwnerOrgId), type: 'BID_UPDATED', params: { bidId: bid.id } }],
  });
  return next;
}

/**
 * The studio withdraws its live bid: it no longer counts on the request, nor in
 * the cluster's bidding total if the request (in the state read, checked at
 * commit) counts there.
 */
export async function withdrawBid(deps: ServiceDeps, principal: Principal, bidId: string) {
  const bid = await getOwnBid(deps, principal, bidId);
  const request = await getRequest(deps.db, bid.requestId, true);
  if (!request) throw new NotFoundError('Request', bid.requestId);
  return transitionBid(deps, principal, bid, 'withdraw', undefined, (next) => [
    countBidOnRequest(
      deps.db,
      request.id,
      -1,
      { expression: '#status = :status', names: { '#status': 'status' }, values: { ':status': request.status } },
      requestChangedMeanwhile,
    ),
    ...statsWrites(deps.db, bidWithdrawnDeltas(request.cluster, request.id, request.status, next.updatedAt)),
  ]);
}

/**
 * Bids of a request as the caller may see them. The owner and associations see
 * all of them; a studio only its own; everyone sees the count.
 */
export async function listBidsForRequest(deps: ServiceDeps, principal: Principal, requestId: string, page: PageRequest) {
  const request = await getVisibleRequest(deps, principal, requestId);
  const count = request.bidCount ?? (await countBidsOfRequest(deps.db, requestId));
  const orgId = principal.membership?.orgId;
  if (orgId === request.ownerOrgId || isAssociation(principal)) {
    const result = await listBidsOfRequest(deps.db, requestId, page);
    return { ...result, items: result.items.map((bid) => viewOfBid(withPersonalDataFor(orgId, bidParties(bid), bid))), count, sealed: false };
  }
  if (principal.org?.type === 'STUDIO' && orgId) {
    const result = await listBidsOfStudioOnRequest(deps.db, orgId, requestId, page);
    return { ...result, items: result.items.map(viewOfBid), count, sealed: true };
  }
  return { items: [], nextCursor: null, count, sealed: true };
}

/** The calling studio's bids across requests, newest first. */
export async function listMyBids(deps: ServiceDeps, principal: Principal, page: PageRequest) {
  const studio = requireVerified(principal, ['STUDIO']);
  const result = await listBidsOfStudio(deps.db, studio.org.id, page);
  return { ...result, items: result.items.map(viewOfBid) };
}

