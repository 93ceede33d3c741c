import { ConflictError, STATEMENT_KINDS, countsToTrackRecord, type Contract, MAX_MEMBERS_PER_ORG, ORG_STATUSES, REQUEST_STATUSES, SETTLED_MILESTONE_STATUSES, milestoneDueAt, normaliseRequestTimes, type MemberRoster } from '@sharedtech/core';
import {
  commitChange, getDataVersion, indexActiveAppointment, indexContract, listAppointmentsOfOrg, indexStudioUnderCollege, listContractsOfOrganisation, getMembershipWithOrganisation, getOrganisationRecord, listBidsOfStudio, listMembersOfOrganisation, dueTimerWrites, listContractsOfCluster, listMilestones, putMilestoneVersion, listBalancesOfOrganisation, readAccountTotals, totalByAccount, writesToReplaceAccountTotals,
  listOrganisationsByStatus, listOrganisationsByType, listRequests, listSearchTokensOfRequest, putDataVersion, putDeadlineTimer, putStudioCapabilities,
  readAll, reindexBid, sealPreChainAuditRecords, writesForRequestChange, writesForRosterBackfill, writesToReindexSearch,
  indexRegistrationEntry, indexShareStatementYear, listShareStatements, getTrackRecord, putTrackRecord,
  type Write,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { retryingConflicts } from './change.js';
import { backfillGovernmentStatistics, backfillStatistics } from './statistics.js';

/**
 * The version of the derived items this code writes. Raise it when a change
 * derives new items from existing data, and extend upgradeDerivedItems.
 */
export const DATA_VERSION = 6;

const write = (deps: ServiceDeps, writes: Write[]) => (writes.length ? commitChange(deps.db, { writes, audit: [], notifications: [] }) : Promise.resolve());

/** Writes in transactions of at most 50 items (re-indexing may put and delete up to MAX_TOKENS_PER_REQUEST each). */
async function writeInChunks(deps: ServiceDeps, writes: Write[]) {
  for (let start = 0; start < writes.length; start += 50) await write(deps, writes.slice(start, start + 50));
}

export interface UpgradeReport {
  requestsNormalised: number;
  deadlineTimers: number;
  studioCapabilities: number;
  bidsReindexed: number;
  /** Audit records written before the hash chain, now linked into it. */
  auditRecordsChained: number;
  /** Requests whose search token items were added, changed or removed. */
  searchReindexed: number;
  /** Organisations given their roster and their members a copy of the organisation (one-read authentication). */
  rostersBackfilled: number;
  /** Organisations over MAX_MEMBERS_PER_ORG: left as they were (their members are authenticated with two reads). */
  rostersTooLarge: string[];
  /** Requests given their bid count, and clusters whose statistics counters were recounted. */
  bidCountsSet: number;
  statsClustersRecounted: number;
  /** Contracts given the status, overdue and all-contracts index keys; studios indexed under their college. */
  contractsIndexed: number;
  studiosIndexed: number;
  /** Governments whose co-funding statistics counters were recounted. */
  governmentsRecounted: number;
  /** Milestones of ACTIVE contracts signed before absolute due dates, given their due date and timers. */
  milestonesDated: number;
  /** Organisations whose account totals were set from their per-contract balances. */
  accountTotalsSet: number;
  /** ACTIVE appointments given the index key by which the job ends them when their period is over. */
  appointmentsIndexed: number;
  /** Activated contracts whose registration entry was written (again: a plain Put of what activation writes). */
  registrationsIndexed: number;
  /** Statements recorded before periods, indexed under (and added to the totals of) the year they were recorded. */
  statementsIndexed: number;
  /** Studios whose track record (ACTIVE or COMPLETED contracts, for matching) was set from a recount (version 6). */
  trackRecordsSet: number;
}

/**
 * Brings data written by an earlier version up to the current design: request
 * instants in UTC, a deadline timer per OPEN request, capability items per
 * verified studio, every index key on every bid, and the search token items of
 * every OPEN request (and none for the others). Every step writes what
 * the current code would have written, so running it again changes nothing.
 * Reads whole partitions: an operator's command (and `npm start` on its own
 * data folder), never a request path. Run it while the marketplace is quiet:
 * the derived items it puts are plain Puts, not guarded by their owner's version.
 */
export async function upgradeDerivedItems(deps: ServiceDeps): Promise<UpgradeReport> {
  const report: UpgradeReport = {
    requestsNormalised: 0, deadlineTimers: 0, studioCapabilities: 0, bidsReindexed: 0, searchReindexed: 0, auditRecordsChained: 0,
    rostersBackfilled: 0, rostersTooLarge: [], bidCountsSet: 0, statsClustersRecounted: 0, contractsIndexed: 0, studiosIndexed: 0, governmentsRecounted: 0, milestonesDated: 0, accountTotalsSet: 0, appointmentsIndexed: 0,
    registrationsIndexed: 0, statementsIndexed: 0, trackRecordsSet: 0,
  };
  for (const status of REQUEST_STATUSES) {
    for (const request of await readAll((page) => listRequests(deps.db, { status }, page))) {
      const normalised = { ...request, ...normaliseRequestTimes(request) };
      if (normalised.biddingDeadline !== request.biddingDeadline || normalised.wantedBy !== request.wantedBy) {
        await write(deps, writesForRequestChange(deps.db, request, { ...normalised, version: request.version + 1 }));
        report.requestsNormalised += 1;
      }
      if (status === 'OPEN') {
        await write(deps, [putDeadlineTimer(deps.db, normalised)]);
        report.deadlineTimers += 1;
      }
      // Token items exactly as the current tokeniser derives them: added for OPEN requests written
      // before search existed, replaced if the rules changed, removed from requests that are not OPEN.
      const tokenWrites = writesToReindexSearch(deps.db, normalised, await listSearchTokensOfRequest(deps.db, request.id));
      if (tokenWrites.length > 0) {
        await writeInChunks(deps, tokenWrites);
        report.searchReindexed += 1;
      }
    }
  }
  for (const studio of await readAll((page) => listOrganisationsByType(deps.db, 'STUDIO', 'VERIFIED', page))) {
    await write(deps, putStudioCapabilities(deps.db, studio));
    report.studioCapabilities += 1;
  }
  for (const status of ['PENDING', 'VERIFIED', 'REJECTED', 'SUSPENDED'] as const) {
    for (const studio of await readAll((page) => listOrganisationsByType(deps.db, 'STUDIO', status, page))) {
      // Role views (added without raising DATA_VERSION): a studio under its college, its bids under the college too.
      const studioIndex = indexStudioUnderCollege(deps.db, studio);
      await write(deps, studioIndex);
      report.studiosIndexed += studioIndex.length;
      for (const bid of await readAll((page) => listBidsOfStudio(deps.db, studio.id, page))) {
        await write(deps, [reindexBid(deps.db, bid.collegeOrgId || !studio.collegeId ? bid : { ...bid, collegeOrgId: studio.collegeId })]);
        report.bidsReindexed += 1;
      }
      if (await backfillTrackRecord(deps, studio.id)) report.trackRecordsSet += 1;
    }
    // Every contract has an enterprise: through the enterprises' contracts, each contract gets its list index keys.
    for (const enterprise of await readAll((page) => listOrganisationsByType(deps.db, 'ENTERPRISE', status, page))) {
      const contracts = (await readAll((page) => listContractsOfOrganisation(deps.db, enterprise.id, page))).filter((contract) => contract.enterpriseOrgId === enterprise.id);
      await writeInChunks(deps, contracts.map((contract) => indexContract(deps.db, contract)));
      report.contractsIndexed += contracts.length;
      // Every appointment has an enterprise too: its ACTIVE ones get the end timer key (version 5).
      const active = await readAll((page) => listAppointmentsOfOrg(deps.db, enterprise.id, 'ENTERPRISE', { status: 'ACTIVE' }, page));
      await writeInChunks(deps, active.map((appointment) => indexActiveAppointment(deps.db, appointment)));
      report.appointmentsIndexed += active.length;
      // Registrations and statement periods (issue 13; added without raising DATA_VERSION).
      for (const contract of contracts) await backfillRegistrationAndStatements(deps, contract, report);
    }
  }
  await backfillRosters(deps, report);
  report.milestonesDated = await backfillDueDates(deps);
  await backfillAccountTotals(deps, report);
  const statistics = await backfillStatistics(deps);
  report.bidCountsSet = statistics.bidCountsSet;
  report.statsClustersRecounted = statistics.clustersRecounted;
  report.governmentsRecounted = await backfillGovernmentStatistics(deps);
  report.auditRecordsChained = await sealPreChainAuditRecords(deps.db);
  await putDataVersion(deps.db, DATA_VERSION, deps.clock().toISOString());
  return report;
}

/** A studio's track record as its contracts count it (their items read strongly consistent). */
export async function recountTrackRecord(deps: ServiceDeps, studioId: string): Promise<number> {
  const contracts = await readAll((page) => listContractsOfOrganisation(deps.db, studioId, page, true));
  return contracts.filter((contract) => contract.studioOrgId === studioId && countsToTrackRecord(contract.status)).length;
}

const TRACK_RECORD_ATTEMPTS = 5;

/**
 * Sets a studio's track record to the recount where it differs (contracts
 * stored before version 6 were not counted). The stored value is read before
 * the recount and the put is conditional on it, so a contract that starts or
 * stops counting while this runs makes it count again rather than be lost.
 */
async function backfillTrackRecord(deps: ServiceDeps, studioId: string): Promise<boolean> {
  return retryingConflicts(['CONCURRENT_UPDATE'], TRACK_RECORD_ATTEMPTS, async () => {
    const stored = await getTrackRecord(deps.db, studioId);
    const recount = await recountTrackRecord(deps, studioId);
    if (stored === recount || (stored === undefined && recount === 0)) return false;
    await write(deps, [putTrackRecord(deps.db, studioId, recount, stored)]);
    return true;
  });
}

/**
 * Every organisation gets its roster (sub → role) and every member a copy of
 * the organisation on their membership item. The roster is the members index
 * merged with any roster already there (members added since this version ran
 * are on it). Written only where something is missing or different, at the
 * organisation's current version, so a second run writes nothing.
 */
async function backfillRosters(deps: ServiceDeps, report: UpgradeReport) {
  for (const status of ORG_STATUSES) {
    for (const listed of await readAll((page) => listOrganisationsByStatus(deps.db, status, page))) {
      const record = await getOrganisationRecord(deps.db, listed.id);
      if (!record) continue;
      const indexed = await readAll((page) => listMembersOfOrganisation(deps.db, record.org.id, page));
      const roster: MemberRoster = { ...record.members };
      for (const member of indexed) roster[member.sub] = member.role;
      if (Object.keys(roster).length > MAX_MEMBERS_PER_ORG) {
        report.rostersTooLarge.push(record.org.id);
        continue;
      }
      const copies = await Promise.all(Object.keys(roster).map((sub) => getMembershipWithOrganisation(deps.db, sub)));
      const inStep =
        record.members !== undefined &&
        Object.keys(roster).length === Object.keys(record.members).length &&
        copies.every((copy) => copy?.membership.orgId === record.org.id && JSON.stringify(copy.org) === JSON.stringify(record.org));
      if (inStep) continue;
      await write(deps, writesForRosterBackfill(deps.db, record.org, roster));
      report.rostersBackfilled += 1;
    }
  }
}

/**
 * Milestones of ACTIVE contracts activated before due dates existed get the
 * date they would have had (activation + their days, Asia/Shanghai) and its
 * timers; one past due is flagged by the next run of the scheduled job. Only
 * milestones without a date are written, so a second run writes nothing.
 */
async function backfillDueDates(deps: ServiceDeps): Promise<number> {
  const clusters = new Set<string>();
  for (const request of await readAll((page) => listRequests(deps.db, { status: 'AWARDED' }, page))) clusters.add(request.cluster);
  let dated = 0;
  for (const cluster of clusters) {
    for (const contract of await readAll((page) => listContractsOfCluster(deps.db, cluster, page))) {
      if (contract.status !== 'ACTIVE' || !contract.activatedAt) continue;
      for (const milestone of await listMilestones(deps.db, contract.id, true)) {
        if (milestone.dueAt || SETTLED_MILESTONE_STATUSES.includes(milestone.status)) continue;
        const next = { ...milestone, dueAt: milestoneDueAt(contract.activatedAt, milestone.dueInDays), version: milestone.version + 1 };
        await write(deps, [putMilestoneVersion(deps.db, next), ...dueTimerWrites(deps.db, next)]);
        dated += 1;
      }
    }
  }
  return dated;
}

/**
 * Every organisation's account totals equal the sum of its per-contract
 * balances (money moved before the totals existed is in the balances only).
 * Written only where they differ, so a second run writes nothing.
 */
async function backfillAccountTotals(deps: ServiceDeps, report: UpgradeReport) {
  const canonical = (totals: readonly { account: string; currency: string; amount: number }[]) =>
    JSON.stringify(totals.filter((total) => total.amount !== 0).map(({ account, currency, amount }) => [account, currency, amount]).sort());
  const backfill = async (orgId: string) => {
    const [balances, stored] = await Promise.all([readAll((page) => listBalancesOfOrganisation(deps.db, orgId, page)), readAccountTotals(deps.db, orgId, true)]);
    const totals = totalByAccount(balances);
    if (canonical(totals) === canonical(stored)) return;
    await write(deps, writesToReplaceAccountTotals(deps.db, orgId, totals));
    report.accountTotalsSet += 1;
  };
  for (const status of ORG_STATUSES) {
    const orgs = await readAll((page) => listOrganisationsByStatus(deps.db, status, page));
    // A few organisations at a time: each is two reads, and most need no write.
    for (let start = 0; start < orgs.length; start += 16) await Promise.all(orgs.slice(start, start + 16).map((org) => backfill(org.id)));
  }
}

/**
 * A contract activated before registrations gets its registration entry (a
 * plain Put of the same item); each statement recorded before periods gets its
 * year index and is added to its year's totals — on condition it has no index
 * yet, so a second run adds nothing twice.
 */
async function backfillRegistrationAndStatements(deps: ServiceDeps, contract: Contract, report: UpgradeReport) {
  const entry = indexRegistrationEntry(deps.db, contract);
  if (entry.length) {
    await write(deps, entry);
    report.registrationsIndexed += 1;
  }
  for (const kind of STATEMENT_KINDS) {
    for (const statement of await readAll((page) => listShareStatements(deps.db, contract.id, kind, page))) {
      try {
        await write(deps, indexShareStatementYear(deps.db, statement));
        report.statementsIndexed += 1;
      } catch (error) {
        if (!(error instanceof ConflictError && error.code === 'CONFLICT')) throw error; // indexed already
      }
    }
  }
}

/** Upgrades only data older than this code (what `npm start` runs on its data folder): one read when up to date. */
export async function upgradeDerivedItemsIfNeeded(deps: ServiceDeps): Promise<UpgradeReport | undefined> {
  return (await getDataVersion(deps.db)) < DATA_VERSION ? upgradeDerivedItems(deps) : undefined;
}
