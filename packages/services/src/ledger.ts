import {
  ForbiddenError, NotFoundError, allocateStatement, contractParties, isAssociation, requireMember, requireVerified,
  type Money, type Principal, type ShareStatement, type StatementKind,
} from '@sharedtech/core';
import {
  conditionCheck, keys, listBalancesOfOrganisation, listContractBalances, listJournalEntries, listShareStatements,
  putNewShareStatement, readAccountTotals, type PageRequest,
} from '@sharedtech/data';
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
  input: { amount: Money; note?: string },
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
    const statement: ShareStatement = {
      id: deps.ids('statement'),
      contractId: contract.id,
      kind,
      amount: input.amount,
      ...(input.note ? { note: input.note } : {}),
      allocations,
      reportedBy: { sub: principal.sub, orgId: acting.org.id },
      at: deps.clock().toISOString(),
    };
    const type = kind === 'BENEFIT' ? 'BENEFIT_REPORTED' : 'RISK_REPORTED';
    await applyChange(deps, principal, {
      writes: [
        putNewShareStatement(deps.db, statement),
        // The share agreement must still be the one we allocated by (it is fixed once signed; this is belt and braces).
        conditionCheck(deps.db, keys.contract(contract.id), { expression: '#version = :version', names: { '#version': 'version' }, values: { ':version': contract.version } }),
        ...recordFor(201, statement),
      ],
      transitions: [
        {
          entity: { type: 'contract', id: contract.id },
          action: kind === 'BENEFIT' ? 'report-benefit' : 'report-risk',
          details: { statementId: statement.id, amount: input.amount.amount, currency: input.amount.currency },
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
