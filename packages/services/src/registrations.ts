import {
  IP_OWNERSHIP, TECH_CONTRACT_TYPE_LABELS, ValidationError, addCalendarDays, shanghaiDate, endOfShanghaiDay, milestoneSchema, organisationSchema, registrationOf, registrationPartyIds, requireVerified, yuan,
  type Contract, type Principal, type RegistrationRecord,
} from '@sharedtech/core';
import { batchGetByKeys, getBalances, keys, listMilestones, listRegisteredContracts, type PageRequest, type RegistrationScope } from '@sharedtech/data';
import { stringify } from 'csv-stringify/sync';
import type { ServiceDeps } from './deps.js';
import { getVisibleContract } from './contracts.js';

/**
 * Technology contract registration (技术合同认定登记, issue 13): the record a
 * registration needs for one contract (its parties and associations), and the
 * list and CSV export of the contracts activated in a date range for an
 * association (its cluster) or a college (its studios' contracts).
 */

const sellerAccounts = (contract: Contract) => [contract.studioOrgId, ...(contract.collegeOrgId ? [contract.collegeOrgId] : [])].map((orgId) => `earnings:${orgId}`);

/** Registration records of contracts: their parties' organisations, seller earnings and last milestones by BatchGet. */
async function recordsOf(deps: ServiceDeps, contracts: readonly Contract[]): Promise<RegistrationRecord[]> {
  if (contracts.length === 0) return [];
  const partyIds = [...new Set(contracts.flatMap(registrationPartyIds))];
  const [orgs, balances, lastMilestones] = await Promise.all([
    batchGetByKeys(deps.db, partyIds.map((orgId) => keys.org(orgId)), organisationSchema),
    getBalances(deps.db, contracts.flatMap((contract) => sellerAccounts(contract).map((account) => ({ contractId: contract.id, account })))),
    batchGetByKeys(deps.db, contracts.map((contract) => keys.milestone(contract.id, contract.lastMilestoneN ?? contract.milestoneCount)), milestoneSchema),
  ]);
  const orgById = new Map(orgs.map((org) => [org.id, org]));
  return contracts.map((contract) => {
    const earned = balances.filter((balance) => balance.contractId === contract.id).reduce((sum, balance) => sum + balance.amount, 0);
    const dueAt = lastMilestones.find((milestone) => milestone.contractId === contract.id)?.dueAt;
    return registrationOf(contract, orgById, earned, dueAt);
  });
}

/** The registration record of one contract (its parties and associations). */
export async function readContractRegistration(deps: ServiceDeps, principal: Principal, contractId: string): Promise<RegistrationRecord> {
  const contract = await getVisibleContract(deps, principal, contractId);
  // The last milestone by number may have been removed by a change order: the latest due date of those left.
  const [[record], milestones] = await Promise.all([recordsOf(deps, [contract]), listMilestones(deps.db, contract.id)]);
  const dues = milestones.map((milestone) => milestone.dueAt).filter((due): due is string => Boolean(due)).sort();
  return dues.length ? { ...record!, dueOn: shanghaiDate(dues.at(-1)!) } : record!;
}

export interface RegistrationRange {
  from: string;
  to: string;
  cluster?: string;
}

/** Whose registrations the caller exports: an association its cluster (or one it names), a college its own. */
function scopeOf(principal: Principal, cluster?: string): RegistrationScope {
  const acting = requireVerified(principal, ['ASSOCIATION', 'COLLEGE']);
  if (acting.org.type === 'COLLEGE') {
    if (cluster) throw ValidationError.field('cluster', 'A college exports its own studios’ contracts; leave out the cluster.', 'CLUSTER_NOT_ALLOWED');
    return { collegeOrgId: acting.org.id };
  }
  const chosen = cluster ?? acting.org.cluster;
  if (!chosen) throw ValidationError.field('cluster', 'Name the industry cluster to export.', 'CLUSTER_REQUIRED');
  return { cluster: chosen };
}

/** [from, to] as Shanghai dates → the ISO instants [start of from, start of the day after to). */
function instantRange(range: RegistrationRange): { from: string; to: string } {
  if (range.from > range.to) throw ValidationError.field('to', 'The end date is before the start date.', 'RANGE_REVERSED');
  const start = (date: string) => new Date(endOfShanghaiDay(addCalendarDays(date, -1)).getTime() + 1).toISOString();
  return { from: start(range.from), to: start(addCalendarDays(range.to, 1)) };
}

/** A page of registration records of contracts activated in the range, oldest first. */
export async function listRegistrations(deps: ServiceDeps, principal: Principal, range: RegistrationRange, page: PageRequest = {}) {
  const scope = scopeOf(principal, range.cluster);
  const contracts = await listRegisteredContracts(deps.db, scope, instantRange(range), page);
  return { scope, items: await recordsOf(deps, contracts.items), nextCursor: contracts.nextCursor };
}

/** Rows one export holds at most; a wider range is refused so that every export is complete. */
export const MAX_EXPORT_ROWS = 2_000;

const PARTY_ROLES = ['BUYER', 'SELLER', 'SELLER_COLLEGE'] as const;
const IP_LABELS: Record<(typeof IP_OWNERSHIP)[number], string> = { ENTERPRISE: '企业所有', COLLEGE: '学院所有', JOINT: '双方共有', LICENSED_TO_COFUNDERS: '许可各共同出资方使用' };
const STATUS_LABELS = { PENDING_SIGNATURES: '待签署', ACTIVE: '履行中', COMPLETED: '已完成', TERMINATED: '已终止' } as const;

export const REGISTRATION_CSV_HEADERS = [
  '合同编号', '项目名称', '合同类型', '委托方（买方）名称', '委托方统一社会信用代码', '受托方（卖方）名称', '受托方统一社会信用代码',
  '所属学院', '学院统一社会信用代码', '合同金额（元）', '技术交易额（元）', '技术性收入（元）', '签订日期', '生效日期', '履行截止日期',
  '知识产权归属', '合同状态', '产业集群',
];

/** One CSV row per record: amounts in yuan with two decimals, dates as Shanghai calendar dates. */
export function registrationCsvRow(record: RegistrationRecord): string[] {
  const party = (role: (typeof PARTY_ROLES)[number]) => record.parties.find((entry) => entry.role === role);
  // A pooled contract has several buyers: every one in the buyer columns, in the same order, separated by "；".
  const buyers = record.parties.filter((entry) => entry.role === 'BUYER');
  return [
    record.contractId,
    record.subject,
    record.contractType ? TECH_CONTRACT_TYPE_LABELS[record.contractType]['zh-CN'] : '',
    buyers.map((buyer) => buyer.name).join('；'),
    buyers.map((buyer) => buyer.creditCode ?? '—').join('；'),
    party('SELLER')?.name ?? '',
    party('SELLER')?.creditCode ?? '',
    party('SELLER_COLLEGE')?.name ?? '',
    party('SELLER_COLLEGE')?.creditCode ?? '',
    yuan(record.price.amount),
    record.technologyAmount ? yuan(record.technologyAmount.amount) : '',
    yuan(record.technologyIncome.amount),
    record.signedOn ?? '',
    record.activatedOn ?? '',
    record.dueOn ?? '',
    IP_LABELS[record.ipOwnership],
    STATUS_LABELS[record.status],
    record.cluster ?? '',
  ];
}

/**
 * The registrations of a range as a CSV file for spreadsheet software: UTF-8
 * with a byte-order mark, Chinese headers, one row per contract. Reads the
 * range page by page up to MAX_EXPORT_ROWS; a wider range is a 400.
 */
export async function exportRegistrationsCsv(deps: ServiceDeps, principal: Principal, range: RegistrationRange): Promise<{ filename: string; body: string; rows: number }> {
  const scope = scopeOf(principal, range.cluster);
  const instants = instantRange(range);
  const records: RegistrationRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRegisteredContracts(deps.db, scope, instants, { limit: 100, ...(cursor ? { cursor } : {}) });
    records.push(...(await recordsOf(deps, page.items)));
    cursor = page.nextCursor ?? undefined;
    if (records.length > MAX_EXPORT_ROWS || (cursor && records.length >= MAX_EXPORT_ROWS)) {
      throw ValidationError.field('from', `More than ${MAX_EXPORT_ROWS} contracts in this range; export a shorter range.`, 'RANGE_TOO_LARGE');
    }
  } while (cursor);
  const body = stringify([REGISTRATION_CSV_HEADERS, ...records.map(registrationCsvRow)], { bom: true, record_delimiter: 'windows' });
  const who = 'cluster' in scope ? scope.cluster : scope.collegeOrgId;
  return { filename: `registrations-${who}-${range.from}-${range.to}.csv`, body, rows: records.length };
}
