import {
  ForbiddenError, averagesOf, clusterStatisticsFromCounters, isAssociation, matchScore, reputationPoints, requireAssociation, requireVerified,
  type Principal,
} from '@sharedtech/core';
import {
  getStandingsOfMany, listRequests, listStudiosWithCapability, readAll, readClusterCounters, type StudioCapability,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { getVisibleRequest } from './requests.js';

/**
 * Consortium statistics for one industry cluster (associations only), from the
 * cluster's counter items: one BatchGet of its shards, the same cost for ten
 * requests or ten thousand. The transactions that change what they count keep
 * them (see `packages/core/src/stats.ts`); `recountClusterStatistics` is their definition.
 */
export async function clusterStatistics(deps: ServiceDeps, principal: Principal, cluster: string) {
  requireAssociation(principal);
  return clusterStatisticsFromCounters(cluster, await readClusterCounters(deps.db, cluster));
}

/** Studios read per capability tag: far above a city consortium's studios with one skill, and still a bounded read. */
const STUDIOS_PER_TAG = 500;
/** How many candidates get their standing (track record and reviews) read; the rest are ranked on skills and cluster alone. */
const CANDIDATES_WITH_STANDING = 30;

/**
 * Studios ranked for a request (its owner and associations): shared capability
 * tags, then cluster, then past contracts and reputation (the published review
 * averages, `reputationPoints`: −4 … +4, 0 for a studio without reviews).
 * Candidates come from one Query per request tag on the verified studios'
 * capability index (at most ten tags), and only the best few are asked for
 * their track records and averages (one BatchGet of per-studio aggregates) —
 * the same reads whatever the size of the consortium or of a studio's history.
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
  const scoreOf = (studio: StudioCapability, pastContracts: number, reputation = 0) =>
    matchScore({ requestTags: request.tags, capabilities: studio.capabilities, sameCluster: studio.cluster === request.cluster, pastContracts, reputation });
  const shortlist = [...studios.values()]
    .sort((a, b) => scoreOf(b, 0).score - scoreOf(a, 0).score || a.name.localeCompare(b.name))
    .slice(0, CANDIDATES_WITH_STANDING);
  const standings = await getStandingsOfMany(deps.db, shortlist.map((studio) => studio.orgId));
  const ranked = shortlist.map((studio) => {
    const standing = standings.get(studio.orgId);
    const averages = averagesOf(standing?.ratings) ?? null;
    const pastContracts = standing?.contracts ?? 0;
    const { score, sharedTags, reputation } = scoreOf(studio, pastContracts, reputationPoints(averages ?? undefined));
    return { studio: { id: studio.orgId, name: studio.name, cluster: studio.cluster, capabilities: studio.capabilities }, score, sharedTags, reputation, averages, pastContracts };
  });
  return { items: rank(ranked, (item) => item.studio.name).slice(0, limit) };
}

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
    const { details: _details, version: _version, createdBy: _createdBy, bidCount: _bidCount, ...summary } = request;
    return { request: summary, score, sharedTags };
  });
  return { items: rank(ranked, (item) => item.request.id).slice(0, limit) };
}
