import {
  BIDDING_REACHED, ORG_STATUSES, REQUEST_STATUSES, TOTAL_BUCKET, awardDaysTenths, counter, governmentContractDeltas, governmentLedgerDeltas, governmentScope, isFlaggedOverdue,
  isSignedOff, monthBucket, poolAwardDeltas, programmeCounter, recordIssuedDeltas, requireAssociation, signOffDeltas, subsidyDeltas, subsidyFunded, sumCounters,
  type Counters, type PeopleRole, type Principal, type StatsDelta,
} from '@sharedtech/core';
import {
  countBidsOfRequest, listBidsOfRequest, listContractBalances, listContractsOfCluster, listContractsOfOrganisation, listJournalEntries, listMilestones,
  listOrganisationsByType, listParticipationOfContract, listRequests, listStudentRecordsOfContract, readAll,
  readClusterBuckets, readStoredStats, replaceClusterStats, setRequestBidCount,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { recountClusterUsage } from './usage-recount.js';

/** A cluster's statistics as counters by bucket (`#TOTAL`, `MONTH#yyyy-mm`) and the people counted per studio. */
export interface ClusterCounts {
  buckets: Record<string, Counters>;
  people: Record<string, Record<PeopleRole, string[]>>;
}

/**
 * Monthly flows of a cluster for the `months` UTC months up to `until`
 * (associations): requests and contracts entering each state, bids submitted and
 * withdrawn, contract value, escrow and earnings net movement, days to award.
 * Reads months × shards items by key (two BatchGets for 24 months), whatever the cluster's size.
 */
export async function clusterMonthlyStatistics(deps: ServiceDeps, principal: Principal, cluster: string, { until = deps.clock(), months = 24 } = {}) {
  requireAssociation(principal);
  const buckets = Array.from({ length: months }, (_, back) => {
    const month = new Date(Date.UTC(until.getUTCFullYear(), until.getUTCMonth() - (months - 1 - back), 1));
    return monthBucket(month.toISOString());
  });
  const counters = await readClusterBuckets(deps.db, cluster, buckets);
  return buckets.map((bucket) => ({ month: bucket.slice('MONTH#'.length), counters: counters[bucket] ?? {} }));
}

/**
 * Recounts a cluster's statistics from the items they count (operators only:
 * one Query per request, bid list, contract balance set and journal — never a
 * request path). The definition of every counter, against which the counters
 * kept by the transactions are checked.
 */
export async function recountClusterStatistics(deps: ServiceDeps, cluster: string): Promise<ClusterCounts> {
  const buckets: Record<string, Counters> = {};
  const add = (bucket: string, name: string, amount: number) => {
    const bag = (buckets[bucket] ??= {});
    bag[name] = (bag[name] ?? 0) + amount;
  };
  for (const status of REQUEST_STATUSES) {
    for (const request of await readAll((page) => listRequests(deps.db, { status, cluster }, page))) {
      add(TOTAL_BUCKET, counter.requests(status), 1);
      if (BIDDING_REACHED.includes(status)) add(TOTAL_BUCKET, counter.bids, await countBidsOfRequest(deps.db, request.id));
      if (request.openedAt) add(monthBucket(request.openedAt), counter.requestsEntered('OPEN'), 1);
      if (status === 'AWARDED' && request.awardedAt) {
        add(monthBucket(request.awardedAt), counter.requestsEntered('AWARDED'), 1);
        add(TOTAL_BUCKET, counter.awardDays(awardDaysTenths(request)), 1);
        add(monthBucket(request.awardedAt), counter.awardDays(awardDaysTenths(request)), 1);
      }
      if (status === 'CLOSED' || status === 'CANCELLED' || status === 'SUSPENDED') add(monthBucket(request.updatedAt), counter.requestsEntered(status), 1);
      if (!request.openedAt) continue; // bids only ever land on OPEN requests
      for (const bid of await readAll((page) => listBidsOfRequest(deps.db, request.id, page))) {
        add(monthBucket(bid.createdAt), counter.bidsEntered('SUBMITTED'), 1);
        if (bid.status === 'WITHDRAWN') add(monthBucket(bid.updatedAt), counter.bidsEntered('WITHDRAWN'), 1);
      }
    }
  }
  /** What a writer's own delta function counts in this cluster (its other scopes are recounted elsewhere). */
  const addOwn = (deltas: readonly StatsDelta[]) => {
    for (const delta of deltas) if (delta.cluster === cluster) for (const [name, amount] of Object.entries(delta.add)) add(delta.bucket, name, amount);
  };
  const people: Record<string, Record<PeopleRole, Set<string>>> = {};
  for (const contract of await readAll((page) => listContractsOfCluster(deps.db, cluster, page))) {
    add(TOTAL_BUCKET, counter.contracts(contract.status), 1);
    add(TOTAL_BUCKET, counter.contractValue, contract.price.amount);
    // A pooled request's award (the contract is created by it): pools>AWARDED and poolMembers>AWARDED.
    addOwn(poolAwardDeltas(cluster, contract.requestId, contract.pool, contract.createdAt));
    add(monthBucket(contract.createdAt), counter.contractsEntered('PENDING_SIGNATURES'), 1);
    add(monthBucket(contract.createdAt), counter.contractValue, contract.price.amount);
    if (contract.activatedAt) add(monthBucket(contract.activatedAt), counter.contractsEntered('ACTIVE'), 1);
    if (contract.status === 'COMPLETED' || contract.status === 'TERMINATED') add(monthBucket(contract.updatedAt), counter.contractsEntered(contract.status), 1);
    for (const balance of await listContractBalances(deps.db, contract.id, true)) {
      const kind = balance.account.slice(0, balance.account.indexOf(':'));
      if (kind === 'escrow' || kind === 'earnings') add(TOTAL_BUCKET, counter[kind], balance.amount);
    }
    const entries = await readAll((page) => listJournalEntries(deps.db, contract.id, page));
    for (const entry of entries) {
      for (const posting of entry.postings) {
        const kind = posting.account.slice(0, posting.account.indexOf(':'));
        if (kind === 'escrow' || kind === 'earnings') add(monthBucket(entry.at), counter[kind], posting.amount);
      }
    }
    // A programme's grant: reserved at approval, paid in each FUND entry, the unspent rest returned when the contract ended.
    const grant = contract.grant;
    if (grant) {
      addOwn(subsidyDeltas(programmeCounter.approved, cluster, grant.programmeId, contract.id, grant.reserved, grant.approvedAt));
      for (const entry of entries) addOwn(subsidyDeltas(programmeCounter.paid, cluster, grant.programmeId, contract.id, subsidyFunded(grant.orgId, [entry]), entry.at));
      if (grant.returned !== undefined) addOwn(subsidyDeltas(programmeCounter.returned, cluster, grant.programmeId, contract.id, grant.returned, contract.updatedAt));
    }
    // Education outcomes: participation fully signed off (when the second side signed) and the records issued.
    for (const entry of (await listParticipationOfContract(deps.db, contract.id, true)).filter(isSignedOff)) addOwn(signOffDeltas(contract, [entry], entry.signedOffAt ?? entry.updatedAt));
    for (const record of await listStudentRecordsOfContract(deps.db, contract.id, true)) addOwn(recordIssuedDeltas(record, false, false));
    if (contract.status === 'ACTIVE') {
      const overdue = (await listMilestones(deps.db, contract.id, true)).filter(isFlaggedOverdue).length;
      add(TOTAL_BUCKET, counter.overdueMilestones, overdue);
    }
    const sets = (people[contract.studioOrgId] ??= { teachers: new Set(), students: new Set(), mentors: new Set() });
    for (const role of ['teachers', 'students', 'mentors'] as const) for (const name of contract.team?.[role] ?? []) sets[role].add(name);
  }
  for (const sets of Object.values(people)) {
    for (const role of ['teachers', 'students', 'mentors'] as const) add(TOTAL_BUCKET, counter.people(role), sets[role].size);
  }
  // Appointments and resource use of the cluster (usage-recount.ts) count in the same buckets.
  for (const [bucket, bag] of Object.entries(await recountClusterUsage(deps, cluster))) for (const [name, amount] of Object.entries(bag)) add(bucket, name, amount);
  return {
    buckets: Object.fromEntries(Object.entries(buckets).map(([bucket, bag]) => [bucket, sumCounters(bag)]).filter(([, bag]) => Object.keys(bag as Counters).length > 0)),
    people: Object.fromEntries(
      Object.entries(people)
        .map(([studio, sets]) => [studio, { teachers: [...sets.teachers].sort(), students: [...sets.students].sort(), mentors: [...sets.mentors].sort() }] as const)
        .filter(([, sets]) => sets.teachers.length + sets.students.length + sets.mentors.length > 0),
    ),
  };
}

/** What the transactions have stored for a cluster, in the shape of a recount (operators and tests). */
export async function storedClusterStatistics(deps: ServiceDeps, cluster: string): Promise<ClusterCounts> {
  const { buckets, people } = await readStoredStats(deps.db, cluster);
  return {
    buckets: Object.fromEntries(Object.entries(buckets).filter(([, bag]) => Object.keys(bag).length > 0)),
    people: Object.fromEntries(
      Object.entries(people)
        .map(([studio, sets]) => [studio, { teachers: [...sets.teachers].sort(), students: [...sets.students].sort(), mentors: [...sets.mentors].sort() }] as const)
        .filter(([, sets]) => sets.teachers.length + sets.students.length + sets.mentors.length > 0),
    ),
  };
}

/** Every cluster with a request (contracts belong to their request's cluster). */
async function allClusters(deps: ServiceDeps): Promise<string[]> {
  const clusters = new Set<string>();
  for (const status of REQUEST_STATUSES) {
    for (const request of await readAll((page) => listRequests(deps.db, { status }, page))) clusters.add(request.cluster);
  }
  return [...clusters].sort();
}

/**
 * upgrade-data: every request's bid count and every cluster's statistics,
 * recounted from the items and written where they differ from what is stored,
 * so a second run writes nothing. Run it while the marketplace is quiet: the
 * recount is not atomic with changes in flight.
 */
export async function backfillStatistics(deps: ServiceDeps) {
  let bidCountsSet = 0;
  let clustersRecounted = 0;
  for (const status of REQUEST_STATUSES) {
    for (const request of await readAll((page) => listRequests(deps.db, { status }, page))) {
      const count = await countBidsOfRequest(deps.db, request.id);
      if (request.bidCount === count) continue;
      await setRequestBidCount(deps.db, request.id, request.version, count);
      bidCountsSet += 1;
    }
  }
  for (const cluster of await allClusters(deps)) {
    const recount = await recountClusterStatistics(deps, cluster);
    if (JSON.stringify(canonical(recount)) === JSON.stringify(canonical(await storedClusterStatistics(deps, cluster)))) continue;
    await replaceClusterStats(deps.db, cluster, recount.buckets, recount.people);
    clustersRecounted += 1;
  }
  return { bidCountsSet, clustersRecounted };
}

/**
 * Recounts the statistics of the contracts a government co-funds from the
 * contracts (its party pointers), their milestones and journals — the
 * definition its counters are checked against (operators and tests only).
 */
export async function recountGovernmentStatistics(deps: ServiceDeps, governmentOrgId: string): Promise<Counters> {
  const bags: Counters[] = [];
  for (const contract of await readAll((page) => listContractsOfOrganisation(deps.db, governmentOrgId, page))) {
    if (contract.governmentOrgId !== governmentOrgId) continue;
    // What the contract's creation counted (its milestones' subsidy shares), then its current state.
    const milestones = await listMilestones(deps.db, contract.id, true);
    const created = governmentContractDeltas(undefined, { ...contract, status: 'PENDING_SIGNATURES' }, milestones.map((milestone) => milestone.amount.amount));
    const moved = governmentContractDeltas({ ...contract, status: 'PENDING_SIGNATURES' }, contract);
    const entries = await readAll((page) => listJournalEntries(deps.db, contract.id, page));
    bags.push(...[...created, ...moved, ...governmentLedgerDeltas(governmentOrgId, entries)].map((delta) => delta.add));
  }
  return sumCounters(...bags);
}

/** What the transactions have stored for a government (its `#TOTAL` counters). */
export async function storedGovernmentStatistics(deps: ServiceDeps, governmentOrgId: string): Promise<Counters> {
  return sumCounters((await readStoredStats(deps.db, governmentScope(governmentOrgId))).buckets[TOTAL_BUCKET] ?? {});
}

/** upgrade-data: every government's counters, recounted and written where they differ (a second run writes nothing). */
export async function backfillGovernmentStatistics(deps: ServiceDeps): Promise<number> {
  let recounted = 0;
  for (const status of ORG_STATUSES) {
    for (const government of await readAll((page) => listOrganisationsByType(deps.db, 'GOVERNMENT', status, page))) {
      const recount = await recountGovernmentStatistics(deps, government.id);
      if (JSON.stringify(canonical(recount)) === JSON.stringify(canonical(await storedGovernmentStatistics(deps, government.id)))) continue;
      await replaceClusterStats(deps.db, governmentScope(government.id), { [TOTAL_BUCKET]: recount }, {});
      recounted += 1;
    }
  }
  return recounted;
}

/** Sorted keys at every level, so two counts compare by content. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  return value;
}
