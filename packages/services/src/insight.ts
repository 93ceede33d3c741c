import {
  REQUEST_STATUSES, ForbiddenError, daysBetween, isAssociation, matchScore, median, ratioBps, requireAssociation,
  parseAccount, requireVerified, type Contract, type Principal, type RequestStatus,
} from '@sharedtech/core';
import {
  countBidsOfRequest, countRequestsOfCluster, listContractBalances, listContractsOfCluster, listContractsOfOrganisation,
  listRequests, listStudiosWithCapability, readAll, type StudioCapability,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { getVisibleRequest } from './requests.js';

/** Requests that reached bidding: the denominator for bids per request. */
const BIDDING_REACHED: readonly RequestStatus[] = ['OPEN', 'AWARDED', 'CLOSED', 'SUSPENDED'];

/**
 * Consortium statistics for one industry cluster (associations only). Counts
 * come from index Queries with Select COUNT; money from the balance items of
 * the cluster's contracts; people from the winning bids' teams. Everything is a Query on a
 * partition of this cluster, so the cost grows with the cluster, not the table.
 */
export async function clusterStatistics(deps: ServiceDeps, principal: Principal, cluster: string) {
  requireAssociation(principal);
  const counts = await Promise.all(REQUEST_STATUSES.map((status) => countRequestsOfCluster(deps.db, cluster, status)));
  const byStatus = Object.fromEntries(REQUEST_STATUSES.map((status, index) => [status, counts[index]!])) as Record<RequestStatus, number>;

  const biddingRequests = (
    await Promise.all(BIDDING_REACHED.map((status) => readAll((page) => listRequests(deps.db, { status, cluster }, page))))
  ).flat();
  const bidCounts = await Promise.all(biddingRequests.map((request) => countBidsOfRequest(deps.db, request.id)));
  const totalBids = bidCounts.reduce((sum, count) => sum + count, 0);

  const awarded = biddingRequests.filter((request) => request.status === 'AWARDED');
  const daysToAward = awarded
    .filter((request) => request.awardedAt && (request.openedAt ?? request.createdAt))
    .map((request) => daysBetween(request.openedAt ?? request.createdAt, request.awardedAt!));

  const contracts = await readAll((page) => listContractsOfCluster(deps.db, cluster, page));
  // Money figures come from the ledger's balance items, so a SPLIT counts exactly what the studio received.
  const balances = (await Promise.all(contracts.map((contract) => listContractBalances(deps.db, contract.id)))).flat();
  const sumOfKind = (kind: 'escrow' | 'earnings') =>
    balances.filter((balance) => parseAccount(balance.account).kind === kind).reduce((sum, balance) => sum + balance.amount, 0);
  const people = (role: 'teachers' | 'students' | 'mentors') =>
    new Set(contracts.flatMap((contract) => (contract.team?.[role] ?? []).map((name) => `${contract.studioOrgId}/${name}`))).size;

  return {
    cluster,
    requests: { byStatus, total: counts.reduce((sum, count) => sum + count, 0) },
    bids: { total: totalBids, perRequest: biddingRequests.length ? Math.round((totalBids / biddingRequests.length) * 100) / 100 : 0 },
    award: {
      awarded: byStatus.AWARDED,
      closedWithoutAward: byStatus.CLOSED,
      rateBps: ratioBps(byStatus.AWARDED, byStatus.AWARDED + byStatus.CLOSED),
      medianDaysToAward: median(daysToAward),
    },
    contracts: {
      total: contracts.length,
      byStatus: countBy(contracts, (contract) => contract.status),
      value: { amount: contracts.reduce((sum, contract) => sum + contract.price.amount, 0), currency: 'CNY' as const },
      escrowHeld: { amount: sumOfKind('escrow'), currency: 'CNY' as const },
      released: { amount: sumOfKind('earnings'), currency: 'CNY' as const },
    },
    education: { teachers: people('teachers'), students: people('students'), mentors: people('mentors') },
  };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** Studios read per capability tag: far above a city consortium's studios with one skill, and still a bounded read. */
const STUDIOS_PER_TAG = 500;
/** How many candidates get their past contracts looked up; the rest are ranked on skills and cluster alone. */
const CANDIDATES_WITH_HISTORY = 30;

/**
 * Studios ranked for a request (its owner and associations): shared capability
 * tags, then cluster, then past contracts. Candidates come from one Query per
 * request tag on the verified studios' capability index (at most ten tags),
 * and only the best few are asked for their history — bounded whatever the
 * size of the consortium.
 */
export async function matchStudiosForRequest(deps: ServiceDeps, principal: Principal, requestId: string, limit = 10) {
  const request = await getVisibleRequest(deps, principal, requestId);
  if (principal.membership?.orgId !== request.ownerOrgId && !isAssociation(principal)) {
    throw new ForbiddenError('NOT_REQUEST_OWNER', 'Only the request owner and associations see matching studios.');
  }
  const perTag = await Promise.all(
    request.tags.map((tag) => readAll((page) => listStudiosWithCapability(deps.db, tag, page), 100, STUDIOS_PER_TAG)),
  );
  const studios = new Map(perTag.flat().map((studio) => [studio.orgId, studio]));
  const scoreOf = (studio: StudioCapability, pastContracts: number) =>
    matchScore({ requestTags: request.tags, capabilities: studio.capabilities, sameCluster: studio.cluster === request.cluster, pastContracts });
  const shortlist = [...studios.values()]
    .sort((a, b) => scoreOf(b, 0).score - scoreOf(a, 0).score || a.name.localeCompare(b.name))
    .slice(0, CANDIDATES_WITH_HISTORY);
  const ranked = await Promise.all(
    shortlist.map(async (studio) => {
      const past = await listContractsOfOrganisation(deps.db, studio.orgId, { limit: 10 });
      const { score, sharedTags } = scoreOf(studio, countCompleted(past.items));
      return { studio: { id: studio.orgId, name: studio.name, cluster: studio.cluster, capabilities: studio.capabilities }, score, sharedTags };
    }),
  );
  return { items: rank(ranked, (item) => item.studio.name).slice(0, limit) };
}

const countCompleted = (contracts: Contract[]) => contracts.filter((contract) => contract.status === 'COMPLETED' || contract.status === 'ACTIVE').length;

/** Orders by score, then by name so equal scores list the same way every time. */
function rank<T extends { score: number }>(items: T[], name: (item: T) => string): T[] {
  return items.filter((item) => item.score > 0).sort((a, b) => b.score - a.score || name(a).localeCompare(name(b)));
}

/** OPEN requests that fit the calling studio: one Query per capability tag and one for its cluster, merged and ranked. */
export async function matchRequestsForStudio(deps: ServiceDeps, principal: Principal, limit = 20) {
  const studio = requireVerified(principal, ['STUDIO']).org;
  const pages = await Promise.all([
    ...studio.capabilities.map((tag) => listRequests(deps.db, { status: 'OPEN', tag }, { limit: 50 })),
    ...(studio.cluster ? [listRequests(deps.db, { status: 'OPEN', cluster: studio.cluster }, { limit: 50 })] : []),
  ]);
  const byId = new Map(pages.flatMap((page) => page.items).map((request) => [request.id, request]));
  const ranked = [...byId.values()].map((request) => {
    const { score, sharedTags } = matchScore({ requestTags: request.tags, capabilities: studio.capabilities, sameCluster: studio.cluster === request.cluster, pastContracts: 0 });
    const { details: _details, version: _version, createdBy: _createdBy, ...summary } = request;
    return { request: summary, score, sharedTags };
  });
  return { items: rank(ranked, (item) => item.request.id).slice(0, limit) };
}
