import {
  ConflictError, EDITABLE_REQUEST_STATUSES, SCHEDULER, ForbiddenError, NotFoundError, PUBLIC_REQUEST_STATUSES, ValidationError,
  assertRequestContentValid, isAssociation, matchedWords, normaliseRequestTimes, parseSearchQuery, requestLifecycle, requireAssociation, requireMember, requireVerified,
  type Principal, type RequestAction, type RequestContent, type RequestStatus, type TechnicalRequest,
} from '@sharedtech/core';
import {
  deleteDeadlineTimer, countBidsOfRequest, getRequest, listExpiredDeadlines, listRequests as queryRequests, listRequestsOfOrganisation, putTask, writesForNewRequest,
  searchOpenRequests, writesForRequestChange, type PageRequest,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { settleLiveBidsNow } from './bid-lifecycle.js';
import { applyChange, toAssociations, toOrg, type NotificationSpec } from './change.js';

const changedMeanwhile = () =>
  new ConflictError('CONCURRENT_UPDATE', 'The request was changed by someone else meanwhile; reload and try again.');

const isOwnerMember = (principal: Principal, request: TechnicalRequest) => principal.membership?.orgId === request.ownerOrgId;

/** Details are for verified studios, the owner and associations; everyone else sees the public view. */
export const maySeeRequestDetails = (principal: Principal, request: TechnicalRequest) =>
  isOwnerMember(principal, request) ||
  isAssociation(principal) ||
  (principal.org?.type === 'STUDIO' && principal.org.status === 'VERIFIED');

/** What the caller may see of a request: drops details and internal fields as needed. */
export function viewOfRequest(principal: Principal, request: TechnicalRequest, bidCount?: number) {
  const { version: _version, createdBy: _createdBy, bidCount: _stored, details, ...rest } = request;
  const view = bidCount === undefined ? rest : { ...rest, bidCount };
  return maySeeRequestDetails(principal, request) ? { ...view, details } : view;
}

/**
 * A request in a non-public state exists only for its owner and associations;
 * to anyone else it is a 404, so drafts do not leak by id.
 */
export async function getVisibleRequest(deps: ServiceDeps, principal: Principal, requestId: string, consistent = false) {
  const request = await getRequest(deps.db, requestId, consistent);
  const visible =
    request && (PUBLIC_REQUEST_STATUSES.includes(request.status) || isOwnerMember(principal, request) || isAssociation(principal));
  if (!request || !visible) throw new NotFoundError('Request', requestId);
  return request;
}

/** A request as the caller may see it, with the public bid count. */
export async function readRequest(deps: ServiceDeps, principal: Principal, requestId: string) {
  const request = await getVisibleRequest(deps, principal, requestId);
  // The count kept on the request; requests stored before it existed (until upgrade-data) are counted on the index.
  return viewOfRequest(principal, request, request.bidCount ?? (await countBidsOfRequest(deps.db, request.id)));
}

/** The request, if the caller's organisation owns it (403 otherwise). */
export async function getOwnedRequest(deps: ServiceDeps, principal: Principal, requestId: string) {
  const acting = requireMember(principal);
  const request = await getVisibleRequest(deps, principal, requestId, true);
  if (request.ownerOrgId !== acting.org.id) {
    throw new ForbiddenError('NOT_REQUEST_OWNER', 'Only the enterprise that posted this request can do this.');
  }
  requireVerified(principal, ['ENTERPRISE']);
  return request;
}

export async function createRequest(deps: ServiceDeps, principal: Principal, content: RequestContent) {
  const acting = requireVerified(principal, ['ENTERPRISE']);
  const now = deps.clock();
  assertRequestContentValid(content, now);
  content = normaliseRequestTimes(content);
  const request: TechnicalRequest = {
    id: deps.ids('request'),
    ownerOrgId: acting.org.id,
    status: 'DRAFT',
    ...content,
    bidCount: 0,
    createdBy: principal.sub,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  };
  await applyChange(deps, principal, {
    writes: writesForNewRequest(deps.db, request),
    transitions: [{ entity: { type: 'request', id: request.id }, action: 'create', after: 'DRAFT', creates: true }],
  });
  return request;
}

/** Edits content while DRAFT or REJECTED; the merged result must still be valid. */
export async function updateRequest(deps: ServiceDeps, principal: Principal, requestId: string, patch: Partial<RequestContent>) {
  const request = await getOwnedRequest(deps, principal, requestId);
  if (!EDITABLE_REQUEST_STATUSES.includes(request.status)) {
    throw new ConflictError('NOT_EDITABLE', `A ${request.status} request cannot be edited; only DRAFT or REJECTED ones can.`, { status: request.status });
  }
  const now = deps.clock();
  const next: TechnicalRequest = { ...request, ...normaliseRequestTimes(patch), updatedAt: now.toISOString(), version: request.version + 1 };
  assertRequestContentValid(next, now);
  await applyChange(deps, principal, {
    writes: writesForRequestChange(deps.db, request, next, changedMeanwhile),
    transitions: [{ entity: { type: 'request', id: request.id }, action: 'edit', before: request.status, after: next.status, details: { fields: Object.keys(patch) } }],
  });
  return next;
}

interface TransitionOptions {
  reason?: string;
  notify: (request: TechnicalRequest) => NotificationSpec[];
  /** Extra checks on the request as read, before the state machine runs. */
  guard?: (request: TechnicalRequest) => void;
}

/** Moves a request through its state machine with one versioned write, audit record and notifications. */
async function transitionRequest(
  deps: ServiceDeps,
  principal: Principal,
  request: TechnicalRequest,
  action: RequestAction,
  options: TransitionOptions,
) {
  const status: RequestStatus = requestLifecycle.next(request.status, action);
  options.guard?.(request);
  const next: TechnicalRequest = {
    ...request,
    status,
    ...(action === 'approve' || action === 'reject' || action === 'suspend' ? { reviewReason: options.reason } : {}),
    ...(action === 'approve' ? { openedAt: deps.clock().toISOString() } : {}),
    updatedAt: deps.clock().toISOString(),
    version: request.version + 1,
  };
  // Leaving bidding without an award: live bids must expire. Queued in the same
  // transaction so it cannot be lost, then done straight away.
  const expiresBids = request.status === 'OPEN' && status !== 'AWARDED';
  await applyChange(deps, principal, {
    writes: [
      ...writesForRequestChange(deps.db, request, next, changedMeanwhile),
      ...(expiresBids ? [putTask(deps.db, 'expire-live-bids', request.id, next.updatedAt)] : []),
    ],
    transitions: [{ entity: { type: 'request', id: request.id }, action, before: request.status, after: status, details: options.reason ? { reason: options.reason } : undefined }],
    notify: options.notify(next),
  });
  if (expiresBids) await settleLiveBidsNow(deps, 'expire-live-bids', request.id);
  return next;
}

const requestParams = (request: TechnicalRequest, reason?: string) => ({ title: request.title, ...(reason ? { reason } : {}) });

export async function submitRequest(deps: ServiceDeps, principal: Principal, requestId: string) {
  const request = await getOwnedRequest(deps, principal, requestId);
  return transitionRequest(deps, principal, request, 'submit', {
    // A draft may have been written before its deadline passed.
    guard: (current) => assertRequestContentValid(current, deps.clock()),
    notify: (next) => [{ to: toAssociations, type: 'REQUEST_SUBMITTED', params: requestParams(next) }],
  });
}

export async function reviewRequest(
  deps: ServiceDeps,
  principal: Principal,
  requestId: string,
  input: { decision: 'APPROVE' | 'REJECT'; reason?: string },
) {
  requireAssociation(principal);
  const request = await getVisibleRequest(deps, principal, requestId, true);
  const action = input.decision === 'APPROVE' ? 'approve' : 'reject';
  return transitionRequest(deps, principal, request, action, {
    reason: input.reason,
    guard: (current) => {
      if (action === 'approve' && Date.parse(current.biddingDeadline) <= deps.clock().getTime()) {
        throw new ConflictError('DEADLINE_PASSED', 'The bidding deadline has passed; reject the request so the owner can set a new one.');
      }
    },
    notify: (next) => [{ to: toOrg(next.ownerOrgId), type: action === 'approve' ? 'REQUEST_APPROVED' : 'REQUEST_REJECTED', params: requestParams(next, input.reason) }],
  });
}

export async function cancelRequest(deps: ServiceDeps, principal: Principal, requestId: string, reason?: string) {
  const request = await getOwnedRequest(deps, principal, requestId);
  return transitionRequest(deps, principal, request, 'cancel', {
    reason,
    notify: (next) => [{ to: toOrg(next.ownerOrgId), type: 'REQUEST_CANCELLED', params: requestParams(next, reason) }],
  });
}

export async function closeRequest(deps: ServiceDeps, principal: Principal, requestId: string, reason?: string) {
  const request = await getOwnedRequest(deps, principal, requestId);
  return transitionRequest(deps, principal, request, 'close', {
    reason,
    notify: (next) => [{ to: toOrg(next.ownerOrgId), type: 'REQUEST_CLOSED', params: requestParams(next, reason) }],
  });
}

export async function suspendRequest(deps: ServiceDeps, principal: Principal, requestId: string, reason: string) {
  requireAssociation(principal);
  const request = await getVisibleRequest(deps, principal, requestId, true);
  return transitionRequest(deps, principal, request, 'suspend', {
    reason,
    notify: (next) => [{ to: toOrg(next.ownerOrgId), type: 'REQUEST_SUSPENDED', params: requestParams(next, reason) }],
  });
}

export interface RequestListQuery {
  status?: RequestStatus;
  cluster?: string;
  tag?: string;
  mine?: boolean;
  /** Words to search OPEN requests for (see searchRequests). */
  q?: string;
}

/**
 * Searches OPEN requests by words in title, summary and tags, ranked; narrowed
 * by cluster and/or tag. Each hit says which words of the query it matched
 * (`matched`) and its `score`. Cost is bounded (see data searchOpenRequests).
 */
export async function searchRequests(deps: ServiceDeps, principal: Principal, query: { q: string; cluster?: string; tag?: string }, page: PageRequest) {
  const parsed = parseSearchQuery(query.q);
  if (parsed.tokens.length === 0) {
    const message = 'Search for at least one Chinese character or a word of two or more letters.';
    throw new ValidationError(message, [{ path: 'q', message, code: 'NO_SEARCH_WORDS' }]);
  }
  const result = await searchOpenRequests(deps.db, { tokens: parsed.tokens, cluster: query.cluster, tag: query.tag }, page);
  return {
    ...result,
    items: result.items.map(({ request, hit }) => ({ ...viewOfRequest(principal, request), matched: matchedWords(parsed, hit.tokens), score: hit.score })),
  };
}

/**
 * Public states (OPEN, AWARDED, CLOSED) are listed for everyone signed in; the
 * review queue and other private states for associations; `mine` lists the
 * caller's own organisation's requests in every state.
 */
export async function listRequests(deps: ServiceDeps, principal: Principal, query: RequestListQuery, page: PageRequest) {
  if (query.q !== undefined) {
    if (query.mine || (query.status && query.status !== 'OPEN')) {
      throw ValidationError.field('q', 'Search finds OPEN requests; combine it with cluster and tag only.', 'UNSUPPORTED_FILTER');
    }
    return searchRequests(deps, principal, { q: query.q, cluster: query.cluster, tag: query.tag }, page);
  }
  if (query.mine) {
    const acting = requireMember(principal);
    if (query.cluster || query.tag) {
      throw ValidationError.field(query.tag ? 'tag' : 'cluster', 'Filter your own requests by status only.', 'UNSUPPORTED_FILTER');
    }
    const result = await listRequestsOfOrganisation(deps.db, acting.org.id, page, query.status);
    return { ...result, items: result.items.map((request) => viewOfRequest(principal, request)) };
  }
  const status = query.status ?? 'OPEN';
  if (!PUBLIC_REQUEST_STATUSES.includes(status)) requireAssociation(principal);
  const result = await queryRequests(deps.db, { status, cluster: query.cluster, tag: query.tag }, page);
  return { ...result, items: result.items.map((request) => viewOfRequest(principal, request)) };
}

/**
 * Scheduled job: an OPEN request whose bidding deadline passed without an
 * award is closed. The owner is told; live bids expire with it (see bids).
 */
export async function closeExpiredRequest(deps: ServiceDeps, request: TechnicalRequest) {
  if (Date.parse(request.biddingDeadline) > deps.clock().getTime()) {
    throw new ConflictError('DEADLINE_NOT_PASSED', 'The bidding deadline has not passed yet.');
  }
  return transitionRequest(deps, SCHEDULER, request, 'close', {
    reason: 'bidding deadline passed without an award',
    notify: (next) => [{ to: toOrg(next.ownerOrgId), type: 'REQUEST_EXPIRED', params: requestParams(next) }],
  });
}

/**
 * The closing job: every OPEN request whose bidding deadline passed, from the
 * deadline timers (one range Query, never the whole OPEN list). A timer read
 * from the index a moment before its request left OPEN is skipped.
 */
export async function closeRequestsPastDeadline(deps: ServiceDeps, { pageSize = 100 }: { pageSize?: number } = {}) {
  let closed = 0;
  const failures: { id: string; error: string }[] = [];
  // One instant for the whole run: the cursor of a range Query is only valid for the same range.
  const now = deps.clock();
  let cursor: string | undefined;
  do {
    const page = await listExpiredDeadlines(deps.db, now, { cursor, limit: pageSize });
    for (const timer of page.items) {
      try {
        const request = await getRequest(deps.db, timer.requestId, true);
        if (!request || request.status !== 'OPEN') {
          // A timer outliving its OPEN state would sit at the front of the index for ever: remove it.
          await deleteDeadlineTimer(deps.db, timer.requestId);
          continue;
        }
        await closeExpiredRequest(deps, request);
        closed += 1;
      } catch (error) {
        failures.push({ id: timer.requestId, error: (error as Error).message });
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { closed, failures };
}
