import { contractSchema, type Contract } from '@sharedtech/core';
import { z } from 'zod';
import type { Db } from './client.js';
import { putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { onIndex, queryPage, type Page, type PageRequest } from './query.js';
import { batchGetByKeys } from './batch-get.js';
import { balanceSchema, type Balance } from './ledger.js';

/**
 * Technology contract registration (技术合同认定登记): an entry per contract
 * that became ACTIVE, written in the activating transaction, indexed by its
 * activation instant under its cluster (associations) and its college.
 * Lists read a page of entries in a date range, then BatchGet the contracts.
 */
const registrationEntrySchema = z.object({ contractId: z.string(), activatedAt: z.string() });

const registrationEntry = (contract: Contract & { activatedAt: string }) => ({
  ...keys.registration(contract.id),
  ...(contract.cluster ? keys.registrationsOfCluster(contract.cluster, contract.activatedAt, contract.id) : {}),
  ...(contract.collegeOrgId ? keys.registrationsOfCollege(contract.collegeOrgId, contract.activatedAt, contract.id) : {}),
  contractId: contract.id,
  activatedAt: contract.activatedAt,
});

export const putRegistrationEntry = (db: Db, contract: Contract): Write[] =>
  contract.activatedAt ? [putNew(db, registrationEntry({ ...contract, activatedAt: contract.activatedAt }))] : [];

/** upgrade-data: the entry of a contract activated before registrations existed (a plain Put of what activation writes). */
export const indexRegistrationEntry = (db: Db, contract: Contract): Write[] =>
  contract.activatedAt ? [{ op: { Put: { TableName: db.tableName, Item: registrationEntry({ ...contract, activatedAt: contract.activatedAt }) } } }] : [];

export type RegistrationScope = { cluster: string } | { collegeOrgId: string };

/** A page of contracts activated in [from, to) (ISO instants) of a cluster or a college, oldest first. */
export async function listRegisteredContracts(db: Db, scope: RegistrationScope, range: { from: string; to: string }, page?: PageRequest): Promise<Page<Contract>> {
  const [index, partition] = 'cluster' in scope
    ? (['gsi1', keys.registrationsOfCluster(scope.cluster, '', '').gsi1pk] as const)
    : (['gsi2', keys.registrationsOfCollege(scope.collegeOrgId, '', '').gsi2pk] as const);
  const entries = await queryPage(
    db,
    {
      ...onIndex(index, partition),
      schema: registrationEntrySchema,
      newestFirst: false,
      sortKeyCondition: { expression: `#rsk BETWEEN :from AND :to`, names: { '#rsk': `${index}sk` }, values: { ':from': range.from, ':to': `${range.to}` } },
    },
    page,
  );
  const contracts = await batchGetByKeys(db, entries.items.map((entry) => keys.contract(entry.contractId)), contractSchema);
  const byId = new Map(contracts.map((contract) => [contract.id, contract]));
  return { items: entries.items.map((entry) => byId.get(entry.contractId)).filter((contract): contract is Contract => Boolean(contract)), nextCursor: entries.nextCursor };
}

/** The balance items of the given (contract, account) pairs that exist (one BatchGet per 100). */
export const getBalances = (db: Db, pairs: readonly { contractId: string; account: string }[]): Promise<Balance[]> =>
  batchGetByKeys(db, pairs.map((pair) => keys.contractBalance(pair.contractId, pair.account)), balanceSchema);
