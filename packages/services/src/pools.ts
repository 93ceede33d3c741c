import {
  ConflictError, ForbiddenError, NotFoundError, WHOLE_BPS, isAssociation, membersAfterJoin, pledgeToBps, pledgedBps, requireVerified,
  type Money, type Pool, type PoolMember, type Principal, type TechnicalRequest,
} from '@sharedtech/core';
import { conditionCheck, getPool, keys, writePoolChange } from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toOrg } from './change.js';
import { getVisibleRequest } from './requests.js';

/**
 * Pooled requests (共性技术需求): other verified enterprises of the request's
 * cluster join an OPEN request with a pledge; they leave before the award. The
 * pool item is versioned and each join or leave checks the request's state in
 * the same transaction, so of two joins that together pass 100 % one commits
 * (409 for the other) and no join lands after the award has read the pool.
 */

export type JoinPoolInput = { pledgeBps: number; pledge?: undefined } | { pledge: Money; pledgeBps?: undefined };

const poolChanged = () => new ConflictError('CONCURRENT_UPDATE', 'The pool changed meanwhile (another enterprise joined or left); reload and try again. Nothing was changed.');
const requestLeftOpen = (what: string) => () =>
  new ConflictError('REQUEST_NOT_OPEN', `The request is no longer open for ${what}; nothing was changed.`);

const emptyPool = (request: TechnicalRequest): Pool => ({
  requestId: request.id, ownerOrgId: request.ownerOrgId, cluster: request.cluster, members: [], updatedAt: request.updatedAt, version: 0,
});

/** What the caller sees of a pool: members for the owner, members and associations; totals for everyone who may read the request. */
export function viewOfPool(principal: Principal, request: TechnicalRequest, pool: Pool | undefined) {
  const members = pool?.members ?? [];
  const orgId = principal.membership?.orgId;
  const seesMembers = orgId === request.ownerOrgId || isAssociation(principal) || members.some((member) => member.orgId === orgId);
  const pledged = pledgedBps(members);
  return {
    requestId: request.id,
    ownerOrgId: request.ownerOrgId,
    requestStatus: request.status,
    cluster: request.cluster,
    memberCount: members.length,
    pledgedBps: pledged,
    ownerBps: WHOLE_BPS - pledged,
    /** The most a new member may still pledge (the owner keeps at least 1 bp). */
    availableBps: Math.max(0, WHOLE_BPS - 1 - pledged),
    isMember: members.some((member) => member.orgId === orgId),
    members: seesMembers ? members.map(({ joinedBy: _by, ...member }) => member) : [],
  };
}
export type PoolView = ReturnType<typeof viewOfPool>;

export async function readPool(deps: ServiceDeps, principal: Principal, requestId: string): Promise<PoolView> {
  const request = await getVisibleRequest(deps, principal, requestId);
  return viewOfPool(principal, request, await getPool(deps.db, request.id));
}

/** An owner of a verified enterprise of the request's cluster joins its OPEN pool with a pledge. */
export async function joinPool(deps: ServiceDeps, principal: Principal, requestId: string, input: JoinPoolInput): Promise<PoolView> {
  const acting = requireVerified(principal, ['ENTERPRISE']);
  if (acting.membership.role !== 'OWNER') throw new ForbiddenError('NOT_ORG_OWNER', 'Only an owner of your organisation can pledge its money to a pool.');
  const request = await getVisibleRequest(deps, principal, requestId, true);
  if (request.status !== 'OPEN') {
    throw new ConflictError('REQUEST_NOT_OPEN', `A pool takes members while its request is OPEN; this one is ${request.status}. Nothing was changed.`, { status: request.status });
  }
  if (acting.org.cluster !== request.cluster) {
    throw new ForbiddenError('OTHER_CLUSTER', `Only enterprises of the cluster ${request.cluster} join this pool; set your organisation's cluster first.`);
  }
  const bps = input.pledgeBps ?? pledgeToBps(input.pledge, request.budget.max);
  const now = deps.clock().toISOString();
  const pool = (await getPool(deps.db, request.id, true)) ?? emptyPool(request);
  const member: PoolMember = { orgId: acting.org.id, orgName: acting.org.name, bps, ...(input.pledge ? { pledge: input.pledge } : {}), joinedBy: principal.sub, joinedAt: now };
  const next: Pool = { ...pool, members: membersAfterJoin(pool, member), updatedAt: now, version: pool.version + 1 };
  await applyChange(deps, principal, {
    writes: [
      writePoolChange(deps.db, next, poolChanged),
      conditionCheck(deps.db, keys.request(request.id), { expression: '#status = :open', names: { '#status': 'status' }, values: { ':open': 'OPEN' } }, requestLeftOpen('joining')),
    ],
    transitions: [{ entity: { type: 'request', id: request.id }, action: 'pool-join', details: { orgId: acting.org.id, bps, ...(input.pledge ? { pledge: input.pledge.amount } : {}) } }],
    notify: [request.ownerOrgId, ...pool.members.map((other) => other.orgId)].map((orgId) => ({
      to: toOrg(orgId), type: 'POOL_JOINED', params: { title: request.title, requestId: request.id, member: acting.org.name, bps },
    })),
  });
  return viewOfPool(principal, request, next);
}

/** A member leaves the pool before the award (its pledge goes with it). */
export async function leavePool(deps: ServiceDeps, principal: Principal, requestId: string): Promise<PoolView> {
  const acting = requireVerified(principal, ['ENTERPRISE']);
  if (acting.membership.role !== 'OWNER') throw new ForbiddenError('NOT_ORG_OWNER', 'Only an owner of your organisation can withdraw its pledge.');
  const request = await getVisibleRequest(deps, principal, requestId, true);
  const pool = await getPool(deps.db, request.id, true);
  if (!pool?.members.some((member) => member.orgId === acting.org.id)) throw new NotFoundError('Pool member', `${request.id}/${acting.org.id}`);
  if (request.status === 'AWARDED') {
    throw new ConflictError('POOL_LOCKED', 'The request has been awarded: the pool is fixed on the contract and nobody leaves it. Nothing was changed.', { status: request.status });
  }
  const now = deps.clock().toISOString();
  const next: Pool = { ...pool, members: pool.members.filter((member) => member.orgId !== acting.org.id), updatedAt: now, version: pool.version + 1 };
  await applyChange(deps, principal, {
    writes: [
      writePoolChange(deps.db, next, poolChanged),
      conditionCheck(deps.db, keys.request(request.id), { expression: '#status <> :awarded', names: { '#status': 'status' }, values: { ':awarded': 'AWARDED' } }, requestLeftOpen('leaving')),
    ],
    transitions: [{ entity: { type: 'request', id: request.id }, action: 'pool-leave', details: { orgId: acting.org.id } }],
    notify: [request.ownerOrgId, ...next.members.map((other) => other.orgId)].map((orgId) => ({
      to: toOrg(orgId), type: 'POOL_LEFT', params: { title: request.title, requestId: request.id, member: acting.org.name },
    })),
  });
  return viewOfPool(principal, request, next);
}
