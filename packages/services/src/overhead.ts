import {
  ForbiddenError, NotFoundError, assertOverheadBps, requireOwnerOf, requireVerified,
  type OverheadRate, type Principal,
} from '@sharedtech/core';
import { getOverheadRate, listOverheadHistory, writesForOverheadRate, type PageRequest } from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toOrg } from './change.js';
import { getVisibleOrganisation } from './organisations.js';

/**
 * College overhead: a college's owner sets the share of its studios' earnings
 * the college takes; each change is a new version, and the rate in force when a
 * contract's last party signs is recorded on the contract (contracts.ts).
 */

export interface OverheadView {
  collegeOrgId: string;
  /** The rate in force (absent: never set, i.e. 0). */
  current: OverheadRate | null;
  history: { items: OverheadRate[]; nextCursor: string | null };
}

/** The college, if the caller may see it (the organisations' visibility rule); any other organisation is no college: 404. */
async function visibleCollege(deps: ServiceDeps, principal: Principal, orgId: string) {
  const org = await getVisibleOrganisation(deps, principal, orgId).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  if (!org || org.type !== 'COLLEGE') throw new NotFoundError('College', orgId);
  return org;
}

export async function setOverheadRate(deps: ServiceDeps, principal: Principal, orgId: string, bps: number): Promise<OverheadRate> {
  // An organisation one may not see, or one that is no college, has no overhead rate: 404 before any role check.
  const college = await visibleCollege(deps, principal, orgId);
  requireOwnerOf(principal, orgId);
  requireVerified(principal);
  if (college.status !== 'VERIFIED') throw new ForbiddenError('ORG_NOT_VERIFIED', 'Only a verified college sets an overhead rate.');
  assertOverheadBps(bps);
  const current = await getOverheadRate(deps.db, orgId, true);
  const rate: OverheadRate = { collegeOrgId: orgId, bps, version: (current?.version ?? 0) + 1, setBy: principal.sub, at: deps.clock().toISOString() };
  await applyChange(deps, principal, {
    writes: writesForOverheadRate(deps.db, rate),
    transitions: [
      { entity: { type: 'organisation', id: orgId }, action: 'set-overhead', before: current ? String(current.bps) : undefined, after: String(bps), details: { version: rate.version } },
    ],
    notify: [{ to: toOrg(orgId), type: 'OVERHEAD_SET', params: { percent: (bps / 100).toFixed(2) } }],
  });
  return rate;
}

/** Any member of the consortium reads a college's rate and its history (newest first). */
export async function readOverheadRate(deps: ServiceDeps, principal: Principal, orgId: string, page: PageRequest): Promise<OverheadView> {
  await visibleCollege(deps, principal, orgId);
  const [current, history] = await Promise.all([getOverheadRate(deps.db, orgId, true), listOverheadHistory(deps.db, orgId, page)]);
  return { collegeOrgId: orgId, current: current ?? null, history };
}
