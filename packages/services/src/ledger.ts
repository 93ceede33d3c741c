import {
  ForbiddenError, NotFoundError, ValidationError, allocateStatement, assertStatementPeriod, assertWithinShareTerm, contractParties, distributionOf, isAssociation,
  requireMember, requireVerified, shanghaiDate, shanghaiPeriod, shareTermEndsAt, DEFAULT_SHARE_TERM_YEARS, yuan,
  type Money, type Principal, type ShareStatement, type StatementKind, type StatementPeriod,
} from '@sharedtech/core';
import {
  conditionCheck, keys, listBalancesOfOrganisation, listContractBalances, listJournalEntries, listShareStatements,
  putNewShareStatement, readAccountTotals, readAll, readStatementYearTotals, listShareStatementsOfYear, type PageRequest,
} from '@sharedtech/data';
import { stringify } from 'csv-stringify/sync';
import type { ServiceDeps } from './deps.js';
import { getOrganisationOrThrow } from './organisations.js';
import { applyChange, toOrg } from './change.js';
import { getVisibleContract } from './contracts.js';
import { runIdempotent, type CommandResult, type IdempotencyInput } from './idempotency.js';

/**
 * Reading money (the contract ledger, an organisation's balances) and the
 * benefit and risk statements of PRODUCT.md §3.
 */

/** A contract's journal, oldest first, with its account balances, for its parties and associations. */
export async function readContractLedger(deps: ServiceDeps, principal: Principal, contractId: string, page: PageRequest) {
  const contract = await getVisibleContract(deps, principal, contractId);
  const [entries, balances] = await Promise.all([listJournalEntries(deps.db, contract.id, page), listContractBalances(deps.db, contract.id)]);
  return {
    contractId: contract.id,
    currency: contract.price.currency,
    items: entries.items,
    nextCursor: entries.nextCursor,
    balances: balances.map(({ account, amount }) => ({ account, amount })).sort((a, b) => a.account.localeCompare(b.account)),
  };
}

/**
 * An organisation's accounts across its contracts: totals per account (kept
 * in the transactions that move the money) and a page of the per-contract
 * balances they add up from. Members read their own organisation's;
 * associations may read any.
 */
export async function readOrganisationAccounts(deps: ServiceDeps, principal: Principal, orgId?: string, page: PageRequest = {}) {
  // Another organisation's accounts do not exist for anyone but associations: a 404, like any record one may not read.
  if (orgId !== undefined && orgId !== principal.membership?.orgId && !isAssociation(principal)) throw new NotFoundError('Accounts', orgId);
  const acting = requireMember(principal);
  const target = orgId ?? acting.org.id;
  if (target !== acting.org.id) await getOrganisationOrThrow(deps, target);
  const [accounts, balances] = await Promise.all([readAccountTotals(deps.db, target), listBalancesOfOrganisation(deps.db, target, page)]);
  return {
    orgId: target,
    accounts,
    byContract: balances.items.map(({ account, contractId, currency, amount }) => ({ account, contractId, currency, amount })),
    nextCursor: balances.nextCursor,
  };
}

export type StatementView = ShareStatement;

/**
 * A party reports downstream revenue (BENEFIT) or a loss (RISK); the platform
 * allocates it by the contract's share table and records the statement,
 * notifying every party that has a share.
 */
export async function reportShareStatement(
  deps: ServiceDeps,
  principal: Principal,
  contractId: string,
  kind: StatementKind,
  input: { amount: Money; note?: string; period?: StatementPeriod },
  idempotency?: IdempotencyInput,
): Promise<CommandResult<StatementView>> {
  return runIdempotent(deps, principal, idempotency, async (recordFor) => {
    const contract = await getVisibleContract(deps, principal, contractId, true);
    const orgId = principal.membership?.orgId;
    if (!orgId || !contractParties(contract).includes(orgId)) {
      throw new ForbiddenError('NOT_A_PARTY', 'Only the parties of the contract report its benefits and losses.');
    }
    const acting = requireVerified(principal);
    const allocations = allocateStatement(contract, kind, input.amount);
    const now = deps.clock();
    // Benefits are reported for the agreement's term after the contract ends (409 after it); a period has begun and follows the award.
    assertWithinShareTerm(contract, now);
    const period = input.period ?? { year: shanghaiPeriod(now).year };
    assertStatementPeriod(period, now, contract.createdAt);
    const statement: ShareStatement = {
      id: deps.ids('statement'),
      contractId: contract.id,
      kind,
      amount: input.amount,
      ...(input.note ? { note: input.note } : {}),
      allocations,
      reportedBy: { sub: principal.sub, orgId: acting.org.id },
      at: now.toISOString(),
      period,
    };
    const type = kind === 'BENEFIT' ? 'BENEFIT_REPORTED' : 'RISK_REPORTED';
    await applyChange(deps, principal, {
      writes: [
        ...putNewShareStatement(deps.db, statement),
        // The share agreement must still be the one we allocated by (it is fixed once signed; this is belt and braces).
        conditionCheck(deps.db, keys.contract(contract.id), { expression: '#version = :version', names: { '#version': 'version' }, values: { ':version': contract.version } }),
        ...recordFor(201, statement),
      ],
      transitions: [
        {
          entity: { type: 'contract', id: contract.id },
          action: kind === 'BENEFIT' ? 'report-benefit' : 'report-risk',
          details: { statementId: statement.id, amount: input.amount.amount, currency: input.amount.currency, year: period.year, ...(period.quarter ? { quarter: period.quarter } : {}) },
        },
      ],
      notify: allocations.map((allocation) => ({
        to: toOrg(allocation.orgId),
        type,
        params: { title: contract.title, contractId: contract.id, statementId: statement.id, amount: input.amount.amount, share: allocation.amount.amount },
      })),
    });
    return { status: 201, body: statement };
  });
}

/** A contract's statements of one kind, newest first, for its parties and associations. */
export async function listStatements(deps: ServiceDeps, principal: Principal, contractId: string, kind: StatementKind, page: PageRequest) {
  const contract = await getVisibleContract(deps, principal, contractId);
  return listShareStatements(deps.db, contract.id, kind, page);
}

/**
 * Totals of a contract's benefit and risk statements per year and party
 * (newest year first), from the per-year totals the statements' transactions
 * keep: one bounded Query whatever the number of statements.
 */
export async function readStatementSummary(deps: ServiceDeps, principal: Principal, contractId: string) {
  const contract = await getVisibleContract(deps, principal, contractId);
  const termEndsAt = shareTermEndsAt(contract);
  return {
    contractId: contract.id,
    currency: contract.price.currency,
    termYears: contract.shares.termYears ?? DEFAULT_SHARE_TERM_YEARS,
    termEndsAt: termEndsAt ? termEndsAt.toISOString() : null,
    years: await readStatementYearTotals(deps.db, contract.id),
  };
}

/** Statements of one contract and year a distribution statement lists at most (a handful per party and quarter in practice). */
export const MAX_STATEMENTS_PER_YEAR = 1_000;
/** Journal entries of one contract: a few per milestone, at most MAX_MILESTONES milestones and their disputes. */
const MAX_ENTRIES_PER_CONTRACT = 1_000;

/**
 * One party's distribution statement of one year: what was reported, its
 * allocation, and from the ledger what it paid in and was paid out that year.
 * Parties read their own; associations and the contract's other parties any party's.
 */
export async function readDistribution(deps: ServiceDeps, principal: Principal, contractId: string, query: { year: number; orgId?: string }) {
  const contract = await getVisibleContract(deps, principal, contractId);
  const parties = contractParties(contract);
  const own = principal.membership?.orgId;
  const orgId = query.orgId ?? (own && parties.includes(own) ? own : undefined);
  if (!orgId) throw ValidationError.field('orgId', 'Name the party whose distribution statement to read.', 'ORG_REQUIRED');
  if (!parties.includes(orgId)) throw ValidationError.field('orgId', 'This organisation is not a party of the contract.', 'NOT_A_PARTY');
  const [statements, entries, org] = await Promise.all([
    readAll((page) => listShareStatementsOfYear(deps.db, contract.id, query.year, page), 100, MAX_STATEMENTS_PER_YEAR),
    readAll((page) => listJournalEntries(deps.db, contract.id, page), 100, MAX_ENTRIES_PER_CONTRACT),
    getOrganisationOrThrow(deps, orgId),
  ]);
  return { contractId: contract.id, title: contract.title, currency: contract.price.currency, orgName: org.name, ...distributionOf(orgId, query.year, statements, entries) };
}

/** A distribution statement as a CSV file (UTF-8 with BOM, Chinese headers, yuan with two decimals, Shanghai dates). */
export async function exportDistributionCsv(deps: ServiceDeps, principal: Principal, contractId: string, query: { year: number; orgId?: string }) {
  const distribution = await readDistribution(deps, principal, contractId, query);
  const periodLabel = (period: StatementPeriod) => (period.quarter ? `${period.year}年第${period.quarter}季度` : `${period.year}年度`);
  const rows: string[][] = [
    ['项目', '日期', '期间', '类型', '申报金额（元）', '分配比例（%）', '分配金额（元）', '已付（元）', '已收（元）', '说明'],
    ...distribution.lines.map((line) => [
      '收益/风险申报', shanghaiDate(line.at), periodLabel(line.period), line.kind === 'BENEFIT' ? '收益' : '风险', yuan(line.reported), (line.bps / 100).toFixed(2), yuan(line.allocated), '', '', line.note ?? '',
    ]),
    ...distribution.ledger.map((line) => [
      '资金往来', shanghaiDate(line.at), `${distribution.year}年度`, line.kind, '', '', '', yuan(line.paid), yuan(line.received), line.milestoneN ? `里程碑 ${line.milestoneN}` : '',
    ]),
    ['合计：收益', '', `${distribution.year}年度`, '收益', yuan(distribution.totals.benefitReported), '', yuan(distribution.totals.benefitAllocated), '', '', ''],
    ['合计：风险', '', `${distribution.year}年度`, '风险', yuan(distribution.totals.riskReported), '', yuan(distribution.totals.riskAllocated), '', '', ''],
    ['合计：资金', '', `${distribution.year}年度`, '', '', '', '', yuan(distribution.totals.paid), yuan(distribution.totals.received), ''],
  ];
  return {
    filename: `distribution-${distribution.contractId}-${distribution.orgId}-${distribution.year}.csv`,
    body: stringify(rows, { bom: true, record_delimiter: 'windows' }),
  };
}
