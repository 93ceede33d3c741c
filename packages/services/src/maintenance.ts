import { REQUEST_STATUSES, normaliseRequestTimes } from '@sharedtech/core';
import {
  commitChange, getDataVersion, listBidsOfStudio, listOrganisationsByType, listRequests, putDataVersion, putDeadlineTimer, putStudioCapabilities, readAll,
  reindexBid, sealPreChainAuditRecords, writesForRequestChange, type Write,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';

/**
 * The version of the derived items this code writes. Raise it when a change
 * derives new items from existing data, and extend upgradeDerivedItems.
 */
export const DATA_VERSION = 1;

const write = (deps: ServiceDeps, writes: Write[]) => (writes.length ? commitChange(deps.db, { writes, audit: [], notifications: [] }) : Promise.resolve());

export interface UpgradeReport {
  requestsNormalised: number;
  deadlineTimers: number;
  studioCapabilities: number;
  bidsReindexed: number;
  /** Audit records written before the hash chain, now linked into it. */
  auditRecordsChained: number;
}

/**
 * Brings data written by an earlier version up to the current design: request
 * instants in UTC, a deadline timer per OPEN request, capability items per
 * verified studio, and every index key on every bid. Every step writes what
 * the current code would have written, so running it again changes nothing.
 * Reads whole partitions: an operator's command (and `npm start` on its own
 * data folder), never a request path. Run it while the marketplace is quiet:
 * the derived items it puts are plain Puts, not guarded by their owner's version.
 */
export async function upgradeDerivedItems(deps: ServiceDeps): Promise<UpgradeReport> {
  const report: UpgradeReport = { requestsNormalised: 0, deadlineTimers: 0, studioCapabilities: 0, bidsReindexed: 0, auditRecordsChained: 0 };
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
    }
  }
  for (const studio of await readAll((page) => listOrganisationsByType(deps.db, 'STUDIO', 'VERIFIED', page))) {
    await write(deps, putStudioCapabilities(deps.db, studio));
    report.studioCapabilities += 1;
  }
  for (const status of ['PENDING', 'VERIFIED', 'REJECTED', 'SUSPENDED'] as const) {
    for (const studio of await readAll((page) => listOrganisationsByType(deps.db, 'STUDIO', status, page))) {
      for (const bid of await readAll((page) => listBidsOfStudio(deps.db, studio.id, page))) {
        await write(deps, [reindexBid(deps.db, bid)]);
        report.bidsReindexed += 1;
      }
    }
  }
  report.auditRecordsChained = await sealPreChainAuditRecords(deps.db);
  await putDataVersion(deps.db, DATA_VERSION, deps.clock().toISOString());
  return report;
}

/** Upgrades only data older than this code (what `npm start` runs on its data folder): one read when up to date. */
export async function upgradeDerivedItemsIfNeeded(deps: ServiceDeps): Promise<UpgradeReport | undefined> {
  return (await getDataVersion(deps.db)) < DATA_VERSION ? upgradeDerivedItems(deps) : undefined;
}
