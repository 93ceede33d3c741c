import {
  MAX_MILESTONES, contractParties, contractSchema, contractStatsDeltas, governmentContractDeltas, isContractOverdue, milestoneSchema, type Contract, type ContractStatus, type Milestone,
} from '@sharedtech/core';
import { z } from 'zod';
import { batchGetByKeys } from './batch-get.js';
import type { Db } from './client.js';
import { putIfVersion, putNew, setIndexKeys, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onIndex, onTable, queryBounded, queryPage, type Page, type PageRequest } from './query.js';
import { statsWrites } from './stats.js';
import { trackRecordWrites } from './track-record.js';

/**
 * Every index key of a contract is derived from its fields here, so any write
 * of the contract keeps the lists right: by cluster, by status, all, and — for
 * an ACTIVE contract with a milestone flagged overdue — the overdue index.
 */
export const contractIndexKeys = (contract: Contract) => ({
  ...(contract.cluster ? keys.contractsOfCluster(contract.cluster, contract.id) : {}),
  ...keys.contractsByStatus(contract.status, contract.id),
  ...(isContractOverdue(contract) ? keys.contractsOverdue(contract.id) : {}),
  ...keys.allContracts(contract.id),
});

const contractItem = (contract: Contract) => ({
  ...keys.contract(contract.id),
  ...contractIndexKeys(contract),
  ...contract,
});
const milestoneItem = (milestone: Milestone) => ({ ...keys.milestone(milestone.contractId, milestone.n), ...milestone });

export const getContract = (db: Db, contractId: string, consistent = false) =>
  getItem(db, keys.contract(contractId), contractSchema, consistent);

export const getMilestone = (db: Db, contractId: string, n: number, consistent = false) =>
  getItem(db, keys.milestone(contractId, n), milestoneSchema, consistent);

/** All milestones of a contract in plan order (one Query on the contract's partition, Limit MAX_MILESTONES + 1). */
export const listMilestones = (db: Db, contractId: string, consistent = false) =>
  queryBounded(
    db,
    {
      ...onTable(keys.contract(contractId).pk),
      schema: milestoneSchema,
      newestFirst: false,
      sortKeyCondition: { expression: 'begins_with(sk, :milestones)', values: { ':milestones': 'MS#' } },
    },
    { max: MAX_MILESTONES, consistent },
  );

/** A new contract, its milestones and one pointer per party for "my contracts". */
export function writesForNewContract(db: Db, contract: Contract, milestones: Milestone[]): Write[] {
  return [
    putNew(db, contractItem(contract)),
    ...milestones.map((milestone) => putNew(db, milestoneItem(milestone))),
    ...contractParties(contract).map((orgId) =>
      putNew(db, { ...keys.contractParty(contract.id, orgId), ...keys.contractsOfOrg(orgId, contract.id), contractId: contract.id, orgId }),
    ),
    ...statsWrites(db, contractStatsDeltas(undefined, contract)),
    ...statsWrites(db, governmentContractDeltas(undefined, contract, milestones.map((milestone) => milestone.amount.amount))),
    ...trackRecordWrites(db, undefined, contract),
  ];
}

/** Replaces a contract read at `previous.version`, with the statistics counters its change of state moves. */
export const writesForContractChange = (db: Db, previous: Contract, next: Contract, onConflict?: Write['onConflict']): Write[] => [
  putContractVersion(db, next, onConflict),
  ...statsWrites(db, contractStatsDeltas(previous, next)),
  ...statsWrites(db, governmentContractDeltas(previous, next)),
  ...trackRecordWrites(db, previous, next),
];

export const putContractVersion = (db: Db, contract: Contract, onConflict?: Write['onConflict']) =>
  putIfVersion(db, contractItem(contract), onConflict);

export const putMilestoneVersion = (db: Db, milestone: Milestone, onConflict?: Write['onConflict']) =>
  putIfVersion(db, milestoneItem(milestone), onConflict);

const partyPointerSchema = z.object({ contractId: z.string(), orgId: z.string() });

/**
 * An organisation's contracts, newest first: a page of pointers, then one
 * BatchGet of the contracts (strongly consistent if asked: the pointers,
 * written at award, come from an index).
 */
export async function listContractsOfOrganisation(db: Db, orgId: string, page?: PageRequest, consistent = false): Promise<Page<Contract>> {
  const pointers = await queryPage(db, { ...onIndex('gsi1', keys.contractsOfOrg(orgId, '').gsi1pk), schema: partyPointerSchema }, page);
  if (pointers.items.length === 0) return { items: [], nextCursor: pointers.nextCursor };
  const contracts = await batchGetByKeys(db, pointers.items.map((pointer) => keys.contract(pointer.contractId)), contractSchema, consistent);
  const byId = new Map(contracts.map((contract) => [contract.id, contract]));
  return {
    items: pointers.items.map((pointer) => byId.get(pointer.contractId)).filter((contract): contract is Contract => Boolean(contract)),
    nextCursor: pointers.nextCursor,
  };
}

/** Contracts of an industry cluster, newest first (consortium statistics). */
export const listContractsOfCluster = (db: Db, cluster: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi2', keys.contractsOfCluster(cluster, '').gsi2pk), schema: contractSchema }, page);

/**
 * upgrade-data: gives a contract written before the status, overdue and
 * all-contracts indexes their keys, if it is still at the version read.
 */
export function indexContract(db: Db, contract: Contract): Write {
  const index: Record<string, string> = contractIndexKeys(contract);
  return setIndexKeys(db, keys.contract(contract.id), contract.version, index, ['gsi3pk', 'gsi3sk'].filter((name) => !(name in index)));
}

export interface ContractFilter {
  status?: ContractStatus;
  cluster?: string;
  /** Only ACTIVE contracts with a milestone flagged overdue. */
  overdue?: boolean;
}

const statusFilter = (status: ContractStatus) => ({
  FilterExpression: '#status = :status',
  ExpressionAttributeNames: { '#status': 'status' },
  ExpressionAttributeValues: { ':status': status },
});

/**
 * Every contract of the consortium (associations), newest first, by the index
 * that fits the filter: all (gsi4), by status (gsi1), by cluster (gsi2, the
 * status then a filter: a page may come back short with a cursor), overdue
 * (the sparse gsi3 of flagged contracts, cluster a filter). One page, never a Scan.
 */
export async function listContracts(db: Db, filter: ContractFilter, page?: PageRequest): Promise<Page<Contract>> {
  if (filter.overdue) {
    if (filter.status && filter.status !== 'ACTIVE') return { items: [], nextCursor: null };
    return queryPage(
      db,
      {
        ...onIndex('gsi3', keys.contractsOverdue('').gsi3pk),
        schema: contractSchema,
        ...(filter.cluster
          ? { filter: { FilterExpression: '#cluster = :cluster', ExpressionAttributeNames: { '#cluster': 'cluster' }, ExpressionAttributeValues: { ':cluster': filter.cluster } } }
          : {}),
      },
      page,
    );
  }
  if (filter.cluster) {
    return queryPage(
      db,
      { ...onIndex('gsi2', keys.contractsOfCluster(filter.cluster, '').gsi2pk), schema: contractSchema, ...(filter.status ? { filter: statusFilter(filter.status) } : {}) },
      page,
    );
  }
  if (filter.status) return queryPage(db, { ...onIndex('gsi1', keys.contractsByStatus(filter.status, '').gsi1pk), schema: contractSchema }, page);
  return queryPage(db, { ...onIndex('gsi4', keys.allContracts('').gsi4pk), schema: contractSchema }, page);
}
