import { DAY_MS } from './clock.js';
import { CONTRACT_STATUSES, type Contract, type ContractStatus } from './contract.js';
import { REQUEST_STATUSES, type RequestStatus, type TechnicalRequest } from './request.js';
import { ledgerAccount } from './ledger.js';
import { fundingShares } from './milestone-money.js';

/** Median of a list of numbers (mean of the middle two for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Whole days between two ISO instants, to one decimal (statistics only; never money). */
export const daysBetween = (fromIso: string, toIso: string) => Math.round(((Date.parse(toIso) - Date.parse(fromIso)) / DAY_MS) * 10) / 10;

/** A part of a whole in basis points, rounded half up; 0 when the whole is 0. */
export const ratioBps = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part * 10_000) / whole));

/**
 * How well a studio fits a request: shared capability tags weigh most, then
 * the same industry cluster, then a little for past contracts (capped so a
 * newcomer with the right skills still ranks above an incumbent without them),
 * then reputation: `reputation` points from the studio's published review
 * averages (see `reputationPoints` in review.ts: −4 … +4, 0 without reviews).
 */
export function matchScore(input: {
  requestTags: readonly string[];
  capabilities: readonly string[];
  sameCluster: boolean;
  pastContracts: number;
  reputation?: number;
}) {
  const wanted = new Set(input.requestTags.map((tag) => tag.toLowerCase()));
  const shared = input.capabilities.filter((capability) => wanted.has(capability.toLowerCase()));
  const reputation = input.reputation ?? 0;
  const score = Math.round((shared.length * 10 + (input.sameCluster ? 5 : 0) + Math.min(input.pastContracts, 3) + reputation) * 100) / 100;
  return { score, sharedTags: shared, reputation };
}

/** Contracts that make a studio's track record in matching: those it is delivering or has delivered. */
export const countsToTrackRecord = (status: ContractStatus) => status === 'ACTIVE' || status === 'COMPLETED';

/**
 * How a contract's creation (`previous` undefined) or change of state moves
 * its studio's track record (+1, −1 or 0). The count is kept in the
 * transactions that change contracts, so matching reads one number per
 * studio instead of the studio's contracts.
 */
export const trackRecordDelta = (previous: Pick<Contract, 'status'> | undefined, next: Pick<Contract, 'status'>) =>
  Number(countsToTrackRecord(next.status)) - Number(previous !== undefined && countsToTrackRecord(previous.status));

// ── Consortium statistics as counters ───────────────────────────────────────
//
// The statistics of a cluster are a bag of named integer counters, kept up to
// date with ADD in the same transaction as the change they count, so reading
// them costs the same whatever the size of the cluster. Pure here: which
// counters a change moves, and the statistics a bag of counters stands for.

/** Named integer counters (absent = 0). */
export type Counters = Record<string, number>;

/** Requests that reached bidding: the denominator for bids per request. */
export const BIDDING_REACHED: readonly RequestStatus[] = ['OPEN', 'AWARDED', 'CLOSED', 'SUSPENDED'];
const inBidding = (status: RequestStatus) => BIDDING_REACHED.includes(status);

/**
 * Request states whose entry is also counted in the month it happened. A
 * request's cluster can still change while it is a DRAFT or REJECTED, so
 * entries into those (and SUBMITTED) have no fixed cluster to be counted under.
 */
export const MONTHLY_REQUEST_STATUSES: readonly RequestStatus[] = ['OPEN', 'AWARDED', 'CLOSED', 'CANCELLED', 'SUSPENDED'];

export const PEOPLE_ROLES = ['teachers', 'students', 'mentors'] as const;
export type PeopleRole = (typeof PEOPLE_ROLES)[number];

/** Counter names. Totals: stocks and sums; months (`MONTH#yyyy-mm`): flows in that UTC month. */
export const counter = {
  /** Total: requests now in `status`. */
  requests: (status: RequestStatus) => `requests#${status}`,
  /** Month: requests that entered `status` that month. */
  requestsEntered: (status: RequestStatus) => `requests>${status}`,
  /** Total: bids not withdrawn on requests that reached bidding. */
  bids: 'bids',
  /** Month: bids submitted / withdrawn that month. */
  bidsEntered: (status: 'SUBMITTED' | 'WITHDRAWN') => `bids>${status}`,
  /** Histogram of days to award in tenths of a day (the resolution of `daysBetween`), so the median is exact. */
  awardDays: (tenths: number) => `awardDays#${tenths}`,
  /** Total: contracts now in `status`. */
  contracts: (status: ContractStatus) => `contracts#${status}`,
  /** Month: contracts that entered `status` that month. */
  contractsEntered: (status: ContractStatus) => `contracts>${status}`,
  /** Sum of contract prices (total), of contracts created that month (month). */
  contractValue: 'contractValue',
  /** Net movement of escrow and earnings accounts (total: what they hold; month: that month's net). */
  escrow: 'escrow',
  earnings: 'earnings',
  /** Total: distinct people (per studio and name) in the teams of awarded contracts. */
  people: (role: PeopleRole) => `people#${role}`,
  /** Total: milestones of ACTIVE contracts that the scheduled job flagged overdue and that are not settled yet. */
  overdueMilestones: 'milestones#OVERDUE',
} as const;

export const TOTAL_BUCKET = '#TOTAL';
/** The month bucket of an ISO instant (UTC, as every stored instant is). */
export const monthBucket = (iso: string) => `MONTH#${new Date(iso).toISOString().slice(0, 7)}`;

/** One change's effect on the counters of one bucket of one cluster. */
export interface StatsDelta {
  cluster: string;
  bucket: string;
  add: Counters;
  /** Entity the change is about; picks the shard the delta is written to. */
  subjectId: string;
}

/** Days from opening to award in tenths (the statistics' resolution). */
export const awardDaysTenths = (request: Pick<TechnicalRequest, 'openedAt' | 'createdAt' | 'awardedAt'>) =>
  Math.round(daysBetween(request.openedAt ?? request.createdAt, request.awardedAt!) * 10);

/** When a request entered its current state, for the month it is counted in (undefined: not counted by month). */
export function requestEnteredAt(request: TechnicalRequest): string | undefined {
  if (!MONTHLY_REQUEST_STATUSES.includes(request.status)) return undefined;
  if (request.status === 'OPEN') return request.openedAt;
  if (request.status === 'AWARDED') return request.awardedAt;
  return request.updatedAt;
}

/** When a contract entered its current state, for the month it is counted in. */
export function contractEnteredAt(contract: Contract): string {
  if (contract.status === 'PENDING_SIGNATURES') return contract.createdAt;
  if (contract.status === 'ACTIVE') return contract.activatedAt ?? contract.updatedAt;
  return contract.updatedAt;
}

class DeltaSet {
  readonly deltas: StatsDelta[] = [];
  add(cluster: string | undefined, bucket: string, subjectId: string, name: string, amount: number) {
    if (!cluster || amount === 0) return;
    let delta = this.deltas.find((d) => d.cluster === cluster && d.bucket === bucket);
    if (!delta) this.deltas.push((delta = { cluster, bucket, subjectId, add: {} }));
    delta.add[name] = (delta.add[name] ?? 0) + amount;
  }
}

/**
 * What a request change (`previous` undefined: a new request) does to the
 * counters. Bids leave or join the bidding total with the request's bid count
 * (`bidCount`, exact because the request item is written under its version).
 */
export function requestStatsDeltas(previous: TechnicalRequest | undefined, next: TechnicalRequest): StatsDelta[] {
  const set = new DeltaSet();
  const id = next.id;
  if (!previous) {
    set.add(next.cluster, TOTAL_BUCKET, id, counter.requests(next.status), 1);
    return set.deltas;
  }
  const moved = previous.cluster !== next.cluster;
  if (moved || previous.status !== next.status) {
    set.add(previous.cluster, TOTAL_BUCKET, id, counter.requests(previous.status), -1);
    set.add(next.cluster, TOTAL_BUCKET, id, counter.requests(next.status), 1);
    const bids = previous.bidCount ?? 0;
    if (inBidding(previous.status) && (moved || !inBidding(next.status))) set.add(previous.cluster, TOTAL_BUCKET, id, counter.bids, -bids);
    if (inBidding(next.status) && (moved || !inBidding(previous.status))) set.add(next.cluster, TOTAL_BUCKET, id, counter.bids, bids);
  }
  if (previous.status !== next.status) {
    const at = requestEnteredAt(next);
    if (at) set.add(next.cluster, monthBucket(at), id, counter.requestsEntered(next.status), 1);
    if (next.status === 'AWARDED' && next.awardedAt) {
      const days = counter.awardDays(awardDaysTenths(next));
      set.add(next.cluster, TOTAL_BUCKET, id, days, 1);
      set.add(next.cluster, monthBucket(next.awardedAt), id, days, 1);
    }
  }
  return set.deltas;
}

/** A bid submitted on an OPEN request of `cluster`. */
export function bidSubmittedDeltas(cluster: string, requestId: string, at: string): StatsDelta[] {
  const set = new DeltaSet();
  set.add(cluster, TOTAL_BUCKET, requestId, counter.bids, 1);
  set.add(cluster, monthBucket(at), requestId, counter.bidsEntered('SUBMITTED'), 1);
  return set.deltas;
}

/** A bid withdrawn from a request now in `requestStatus`: it leaves the bidding total only if the request counts there. */
export function bidWithdrawnDeltas(cluster: string, requestId: string, requestStatus: RequestStatus, at: string): StatsDelta[] {
  const set = new DeltaSet();
  if (inBidding(requestStatus)) set.add(cluster, TOTAL_BUCKET, requestId, counter.bids, -1);
  set.add(cluster, monthBucket(at), requestId, counter.bidsEntered('WITHDRAWN'), 1);
  return set.deltas;
}

/** A contract created (`previous` undefined) or moved to another state. */
export function contractStatsDeltas(previous: Contract | undefined, next: Contract): StatsDelta[] {
  const set = new DeltaSet();
  const id = next.id;
  if (!previous) {
    set.add(next.cluster, TOTAL_BUCKET, id, counter.contracts(next.status), 1);
    set.add(next.cluster, TOTAL_BUCKET, id, counter.contractValue, next.price.amount);
    set.add(next.cluster, monthBucket(next.createdAt), id, counter.contractsEntered(next.status), 1);
    set.add(next.cluster, monthBucket(next.createdAt), id, counter.contractValue, next.price.amount);
    set.add(next.cluster, TOTAL_BUCKET, id, counter.overdueMilestones, overdueCounted(next));
  } else {
    if (previous.status !== next.status) {
      set.add(previous.cluster, TOTAL_BUCKET, id, counter.contracts(previous.status), -1);
      set.add(next.cluster, TOTAL_BUCKET, id, counter.contracts(next.status), 1);
      set.add(next.cluster, monthBucket(contractEnteredAt(next)), id, counter.contractsEntered(next.status), 1);
    }
    // A change order re-prices the contract: its value is counted in the month it was created.
    const repriced = next.price.amount - previous.price.amount;
    set.add(next.cluster, TOTAL_BUCKET, id, counter.contractValue, repriced);
    set.add(next.cluster, monthBucket(next.createdAt), id, counter.contractValue, repriced);
    set.add(previous.cluster, TOTAL_BUCKET, id, counter.overdueMilestones, -overdueCounted(previous));
    set.add(next.cluster, TOTAL_BUCKET, id, counter.overdueMilestones, overdueCounted(next));
  }
  return set.deltas;
}

/** Overdue milestones a contract contributes to the statistics: only while it is ACTIVE. */
const overdueCounted = (contract: Contract) => (contract.status === 'ACTIVE' ? (contract.overdueMilestones ?? 0) : 0);

/** Journal entries of one contract: the net movement of its escrow and earnings accounts, in total and by month. */
export function ledgerStatsDeltas(
  cluster: string | undefined,
  entries: readonly { contractId: string; at: string; postings: readonly { account: string; amount: number }[] }[],
): StatsDelta[] {
  const set = new DeltaSet();
  for (const entry of entries) {
    for (const posting of entry.postings) {
      const kind = posting.account.slice(0, posting.account.indexOf(':'));
      if (kind !== 'escrow' && kind !== 'earnings') continue;
      set.add(cluster, TOTAL_BUCKET, entry.contractId, counter[kind], posting.amount);
      set.add(cluster, monthBucket(entry.at), entry.contractId, counter[kind], posting.amount);
    }
  }
  return set.deltas;
}

/** People of an awarded team not yet counted for their studio in this cluster. */
export function newPeople(team: Partial<Record<PeopleRole, readonly string[]>> | undefined, known: Partial<Record<PeopleRole, ReadonlySet<string>>>) {
  const fresh = {} as Record<PeopleRole, string[]>;
  for (const role of PEOPLE_ROLES) fresh[role] = [...new Set(team?.[role] ?? [])].filter((name) => !known[role]?.has(name));
  return fresh;
}

export function peopleDeltas(cluster: string | undefined, contractId: string, fresh: Record<PeopleRole, readonly string[]>): StatsDelta[] {
  const set = new DeltaSet();
  for (const role of PEOPLE_ROLES) set.add(cluster, TOTAL_BUCKET, contractId, counter.people(role), fresh[role].length);
  return set.deltas;
}

/** Adds counters; drops the ones that sum to zero (absent and 0 mean the same). */
export function sumCounters(...bags: readonly Counters[]): Counters {
  const sum: Counters = {};
  for (const bag of bags) for (const [name, value] of Object.entries(bag)) sum[name] = (sum[name] ?? 0) + value;
  for (const name of Object.keys(sum)) if (sum[name] === 0) delete sum[name];
  return sum;
}

/** The median of a histogram of tenths of days, in days (exactly `median` of the values it counts). */
export function medianFromHistogram(counters: Counters): number | null {
  const buckets = Object.entries(counters)
    .filter(([name, count]) => name.startsWith('awardDays#') && count > 0)
    .map(([name, count]) => [Number(name.slice('awardDays#'.length)), count] as const)
    .sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  const at = (index: number) => {
    let seen = 0;
    for (const [tenths, count] of buckets) {
      seen += count;
      if (index < seen) return tenths / 10;
    }
    throw new RangeError('index beyond the histogram');
  };
  const middle = Math.floor(total / 2);
  return total % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
}

/** The consortium statistics of a cluster from its counters (the shape of `GET /v1/stats`). */
export function clusterStatisticsFromCounters(cluster: string, counters: Counters) {
  const get = (name: string) => counters[name] ?? 0;
  const byStatus = Object.fromEntries(REQUEST_STATUSES.map((status) => [status, get(counter.requests(status))])) as Record<RequestStatus, number>;
  const biddingRequests = BIDDING_REACHED.reduce((sum, status) => sum + byStatus[status], 0);
  const totalBids = get(counter.bids);
  const contractsByStatus: Record<string, number> = {};
  for (const status of CONTRACT_STATUSES) if (get(counter.contracts(status)) > 0) contractsByStatus[status] = get(counter.contracts(status));
  return {
    cluster,
    requests: { byStatus, total: Object.values(byStatus).reduce((sum, count) => sum + count, 0) },
    bids: { total: totalBids, perRequest: biddingRequests ? Math.round((totalBids / biddingRequests) * 100) / 100 : 0 },
    award: {
      awarded: byStatus.AWARDED,
      closedWithoutAward: byStatus.CLOSED,
      rateBps: ratioBps(byStatus.AWARDED, byStatus.AWARDED + byStatus.CLOSED),
      medianDaysToAward: medianFromHistogram(counters),
    },
    contracts: {
      total: Object.values(contractsByStatus).reduce((sum, count) => sum + count, 0),
      byStatus: contractsByStatus,
      value: { amount: get(counter.contractValue), currency: 'CNY' as const },
      escrowHeld: { amount: get(counter.escrow), currency: 'CNY' as const },
      released: { amount: get(counter.earnings), currency: 'CNY' as const },
      /** Milestones of ACTIVE contracts past their due date and not settled, as the scheduled job flagged them. */
      overdueMilestones: get(counter.overdueMilestones),
    },
    education: { teachers: get(counter.people('teachers')), students: get(counter.people('students')), mentors: get(counter.people('mentors')) },
  };
}

// ── Statistics of the contracts a government co-funds ────────────────────────
//
// Kept like a cluster's: counter items under the scope `GOV#<orgId>` (cluster
// names cannot contain `#`, so the two never meet), moved by ADD in the same
// transactions as the contracts and journal entries they count.

/** The statistics scope of a government organisation (in place of a cluster in `StatsDelta`). */
export const governmentScope = (governmentOrgId: string) => `GOV#${governmentOrgId}`;

export const governmentCounter = {
  /** Contracts it co-funds now in `status` (outcomes). */
  contracts: counter.contracts,
  /** Sum of the prices of the contracts it co-funds. */
  contractValue: counter.contractValue,
  /** Its subsidy share of every milestone of those contracts (what it committed at award). */
  committed: 'committed',
  /** Paid from its account into escrow (FUND). */
  funded: 'funded',
  /** Paid back to its account (REFUND, its part of a SPLIT). */
  refunded: 'refunded',
} as const;

/** The government's subsidy share of each milestone amount, exactly as funding will take it. */
export function subsidyCommitted(contract: Pick<Contract, 'enterpriseOrgId' | 'shares'>, milestoneAmounts: readonly number[]): number {
  const subsidy = contract.shares.subsidy;
  if (!subsidy) return 0;
  return milestoneAmounts.reduce(
    (sum, amount) => sum + (fundingShares(contract, { amount, currency: 'CNY' }).find((share) => share.orgId === subsidy.orgId)?.amount ?? 0),
    0,
  );
}

/**
 * A co-funded contract created (`previous` undefined, with its milestones) or
 * moved to another state: the counters of its government. Nothing for a
 * contract without a government.
 */
export function governmentContractDeltas(previous: Contract | undefined, next: Contract, milestoneAmounts: readonly number[] = []): StatsDelta[] {
  const set = new DeltaSet();
  if (!next.governmentOrgId) return set.deltas;
  const scope = governmentScope(next.governmentOrgId);
  if (!previous) {
    set.add(scope, TOTAL_BUCKET, next.id, governmentCounter.contracts(next.status), 1);
    set.add(scope, TOTAL_BUCKET, next.id, governmentCounter.contractValue, next.price.amount);
    set.add(scope, TOTAL_BUCKET, next.id, governmentCounter.committed, subsidyCommitted(next, milestoneAmounts));
  } else if (previous.status !== next.status) {
    set.add(scope, TOTAL_BUCKET, next.id, governmentCounter.contracts(previous.status), -1);
    set.add(scope, TOTAL_BUCKET, next.id, governmentCounter.contracts(next.status), 1);
  }
  return set.deltas;
}

/** Journal entries of a co-funded contract: what its government paid in and got back. */
export function governmentLedgerDeltas(
  governmentOrgId: string | undefined,
  entries: readonly { contractId: string; postings: readonly { account: string; amount: number }[] }[],
): StatsDelta[] {
  const set = new DeltaSet();
  if (!governmentOrgId) return set.deltas;
  const scope = governmentScope(governmentOrgId);
  const account = ledgerAccount.external(governmentOrgId);
  for (const entry of entries) {
    for (const posting of entry.postings) {
      if (posting.account !== account) continue;
      if (posting.amount < 0) set.add(scope, TOTAL_BUCKET, entry.contractId, governmentCounter.funded, -posting.amount);
      else set.add(scope, TOTAL_BUCKET, entry.contractId, governmentCounter.refunded, posting.amount);
    }
  }
  return set.deltas;
}

/** The statistics of the contracts a government co-funds, from its counters (the shape of `GET /v1/stats/funded`). */
export function governmentStatisticsFromCounters(orgId: string, counters: Counters) {
  const get = (name: string) => counters[name] ?? 0;
  const byStatus = Object.fromEntries(CONTRACT_STATUSES.map((status) => [status, get(governmentCounter.contracts(status))])) as Record<ContractStatus, number>;
  const money = (amount: number) => ({ amount, currency: 'CNY' as const });
  const funded = get(governmentCounter.funded);
  const refunded = get(governmentCounter.refunded);
  return {
    orgId,
    contracts: { total: Object.values(byStatus).reduce((sum, count) => sum + count, 0), byStatus },
    outcomes: { active: byStatus.ACTIVE, completed: byStatus.COMPLETED, terminated: byStatus.TERMINATED },
    value: money(get(governmentCounter.contractValue)),
    committed: money(get(governmentCounter.committed)),
    funded: money(funded),
    refunded: money(refunded),
    /** Net subsidy paid: funded less what came back. */
    paid: money(funded - refunded),
  };
}
