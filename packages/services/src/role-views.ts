import {
  NotFoundError, ValidationError, contractParties, withPersonalDataFor, governmentScope, isContractOverdue, governmentStatisticsFromCounters, isAssociation, requireMember, requireVerified,
  type Contract, type ContractStatus, type Principal,
} from '@sharedtech/core';
import {
  listBidsOfCollege, listContracts, listContractsOfOrganisation, readClusterCounters, type ContractFilter, type Page, type PageRequest,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { viewOfBid } from './bids.js';
import { getOrganisationOrThrow } from './organisations.js';

/**
 * What each role sees of the consortium beyond its own records: associations
 * every contract (by status, cluster, overdue); a government the contracts it
 * co-funds and their statistics; a college its studios, their bids and
 * contracts. Every list is one page of an index, never a Scan.
 */

export interface ContractListQuery {
  status?: ContractStatus;
  cluster?: string;
  overdue?: 'true' | 'false';
}

const summaryOf = ({ version: _version, ...contract }: Contract) => contract;

/** Whether a contract passes the filter (the caller's own list, filtered after its page is read). */
const matches = (contract: Contract, filter: ContractFilter) =>
  (!filter.status || contract.status === filter.status) &&
  (!filter.cluster || contract.cluster === filter.cluster) &&
  (!filter.overdue || isContractOverdue(contract));

/**
 * `GET /v1/contracts`: an association's list is every contract of the
 * consortium, from the index the filter picks; anyone else's is its own
 * organisation's (party pointers), with the same filters applied to each page
 * (a filtered page may be short; its cursor goes on).
 */
export async function listContractsFor(deps: ServiceDeps, principal: Principal, query: ContractListQuery, page: PageRequest): Promise<Page<ReturnType<typeof summaryOf>>> {
  const filter: ContractFilter = {
    ...(query.status ? { status: query.status } : {}),
    ...(query.cluster ? { cluster: query.cluster } : {}),
    ...(query.overdue === 'true' ? { overdue: true } : {}),
  };
  if (isAssociation(principal)) {
    const result = await listContracts(deps.db, filter, page);
    // Associations moderate: they see a contract's team as head counts, not its people's personal data.
    return { ...result, items: result.items.map((contract) => summaryOf(withPersonalDataFor(principal.membership?.orgId, contractParties(contract), contract))) };
  }
  const acting = requireMember(principal);
  const result = await listContractsOfOrganisation(deps.db, acting.org.id, page);
  return { ...result, items: result.items.filter((contract) => matches(contract, filter)).map(summaryOf) };
}

/**
 * Statistics of the contracts a government co-funds: contracts by status and
 * outcome, value, subsidy committed, funded, refunded and net paid — counter
 * items kept by the same transactions (one BatchGet, whatever the number of contracts).
 * A government reads its own; associations name one.
 */
export async function fundedStatistics(deps: ServiceDeps, principal: Principal, orgId?: string) {
  let governmentId: string;
  if (isAssociation(principal)) {
    if (!orgId) throw ValidationError.field('orgId', 'Name the government organisation whose co-funded contracts to count.', 'REQUIRED');
    const government = await getOrganisationOrThrow(deps, orgId);
    if (government.type !== 'GOVERNMENT') throw new NotFoundError('Government', orgId);
    governmentId = government.id;
  } else {
    const acting = requireVerified(principal, ['GOVERNMENT']);
    if (orgId !== undefined && orgId !== acting.org.id) throw new NotFoundError('Government', orgId);
    governmentId = acting.org.id;
  }
  return governmentStatisticsFromCounters(governmentId, await readClusterCounters(deps.db, governmentScope(governmentId)));
}

/** The college `collegeId`, if the caller is one of its members or an association (a 404 for anyone else, as for a missing one). */
async function visibleCollege(deps: ServiceDeps, principal: Principal, collegeId: string) {
  if (principal.membership?.orgId !== collegeId && !isAssociation(principal)) throw new NotFoundError('College', collegeId);
  const college = await getOrganisationOrThrow(deps, collegeId);
  if (college.type !== 'COLLEGE') throw new NotFoundError('College', collegeId);
  return college;
}

/** The bids of a college's studios, newest first, read only. */
export async function listCollegeBids(deps: ServiceDeps, principal: Principal, collegeId: string, page: PageRequest) {
  const college = await visibleCollege(deps, principal, collegeId);
  const result = await listBidsOfCollege(deps.db, college.id, page);
  return { ...result, items: result.items.map(viewOfBid) };
}

/** The contracts of a college's studios (the college is a party to each), newest first, read only. */
export async function listCollegeContracts(deps: ServiceDeps, principal: Principal, collegeId: string, page: PageRequest) {
  const college = await visibleCollege(deps, principal, collegeId);
  const result = await listContractsOfOrganisation(deps.db, college.id, page);
  return { ...result, items: result.items.map(summaryOf) };
}
