import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDb, scanAuditPartitions, verifyAuditChain, type AuditChainReport, type Db } from '@sharedtech/data';

/**
 * The invariants every state of the table must keep, whatever crashed or was
 * restored: checked on the raw items (a full Scan), not through the API, so a
 * half-written transaction cannot hide behind a view. Returns the problems
 * found (empty when all hold) plus counts a test can compare.
 */
export interface TableCheck {
  problems: string[];
  items: number;
  contracts: number;
  entries: number;
  auditChains: AuditChainReport[];
  /** Milestone status per `<contractId>#<n>`. */
  milestones: Map<string, string>;
  /** Open follow-up tasks (TASK# items). */
  tasks: string[];
}

export const dbFor = (endpoint: string, tableName: string) => createDb({ tableName, endpoint, cursorSecret: 'invariants', region: 'local' });

export async function scanAll(db: Db): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(new ScanCommand({ TableName: db.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const HELD = ['FUNDED', 'SUBMITTED', 'DISPUTED'];

export async function checkTable(db: Db): Promise<TableCheck> {
  const items = await scanAll(db);
  const problems: string[] = [];
  const byContract = new Map<string, Record<string, any>[]>();
  for (const item of items) {
    if (typeof item.pk === 'string' && item.pk.startsWith('CTR#')) byContract.set(item.pk.slice(4), [...(byContract.get(item.pk.slice(4)) ?? []), item]);
  }
  const milestones = new Map<string, string>();
  let entries = 0;
  for (const [contractId, partition] of byContract) {
    const contract = partition.find((item) => item.sk === '#CTR');
    if (!contract) problems.push(`${contractId}: items without the contract item`);
    const journal = partition.filter((item) => item.sk.startsWith('JNL#'));
    const balances = partition.filter((item) => item.sk.startsWith('BAL#'));
    const ms = partition.filter((item) => item.sk.startsWith('MS#'));
    entries += journal.length;
    // Every entry balances; every balance is the sum of its postings; all balances of a contract sum to zero.
    const fromEntries = new Map<string, number>();
    for (const entry of journal) {
      const sum = entry.postings.reduce((total: number, posting: { amount: number }) => total + posting.amount, 0);
      if (sum !== 0) problems.push(`${contractId}: entry ${entry.id} postings sum to ${sum}`);
      for (const posting of entry.postings) fromEntries.set(posting.account, (fromEntries.get(posting.account) ?? 0) + posting.amount);
    }
    const balanceSum = balances.reduce((total, balance) => total + balance.amount, 0);
    if (balanceSum !== 0) problems.push(`${contractId}: balances sum to ${balanceSum}`);
    for (const balance of balances) {
      if ((fromEntries.get(balance.account) ?? 0) !== balance.amount) problems.push(`${contractId}: balance ${balance.account} is ${balance.amount}, its postings ${fromEntries.get(balance.account) ?? 0}`);
    }
    for (const account of fromEntries.keys()) {
      if (!balances.some((balance) => balance.account === account)) problems.push(`${contractId}: postings on ${account} without a balance item`);
    }
    const escrow = balances.find((balance) => balance.account === `escrow:${contractId}`)?.amount ?? 0;
    if (escrow < 0) problems.push(`${contractId}: escrow is negative (${escrow})`);
    // Each milestone's money matches its status: held milestones are in escrow, exactly once.
    let held = 0;
    for (const milestone of ms) {
      milestones.set(`${contractId}#${milestone.n}`, milestone.status);
      const kinds = journal.filter((entry) => entry.milestoneN === milestone.n).map((entry) => entry.kind);
      const funds = kinds.filter((kind) => kind === 'FUND').length;
      const settles = kinds.filter((kind) => kind !== 'FUND').length;
      const expected = milestone.status === 'PENDING' ? [0, 0] : HELD.includes(milestone.status) ? [1, 0] : [1, 1];
      if (funds !== expected[0] || settles !== expected[1]) {
        problems.push(`${contractId} milestone ${milestone.n} is ${milestone.status} with ${funds} FUND and ${settles} settling entries`);
      }
      if (HELD.includes(milestone.status)) held += milestone.amount.amount;
      const timer = partition.some((item) => item.sk === `TIMER#RELEASE#${String(milestone.n).padStart(4, '0')}`);
      if (timer !== (milestone.status === 'SUBMITTED')) problems.push(`${contractId} milestone ${milestone.n} is ${milestone.status} ${timer ? 'with' : 'without'} a release timer`);
    }
    if (ms.length && escrow !== held) problems.push(`${contractId}: escrow ${escrow} but held milestones add up to ${held}`);
  }
  // An organisation's account totals (sharded ORG#…#TOTALS items) equal the sum of its per-contract balances.
  const fromBalances = new Map<string, number>();
  for (const item of items) {
    if (typeof item.pk === 'string' && item.pk.startsWith('CTR#') && item.sk.startsWith('BAL#') && !item.account.startsWith('escrow:')) {
      const key = `${item.orgId}|${item.currency}|${item.account}`;
      fromBalances.set(key, (fromBalances.get(key) ?? 0) + item.amount);
    }
  }
  const fromTotals = new Map<string, number>();
  for (const item of items) {
    if (typeof item.pk !== 'string' || !item.pk.endsWith('#TOTALS') || !item.pk.startsWith('ORG#')) continue;
    const orgId = item.pk.slice('ORG#'.length, -'#TOTALS'.length);
    for (const [name, value] of Object.entries(item)) {
      if (!name.startsWith('T|')) continue;
      const key = `${orgId}|${name.slice(2)}`;
      fromTotals.set(key, (fromTotals.get(key) ?? 0) + (value as number));
    }
  }
  for (const key of new Set([...fromBalances.keys(), ...fromTotals.keys()])) {
    if ((fromBalances.get(key) ?? 0) !== (fromTotals.get(key) ?? 0)) problems.push(`account total ${key} is ${fromTotals.get(key) ?? 0}, its per-contract balances ${fromBalances.get(key) ?? 0}`);
  }
  // Awards: a request is AWARDED with exactly one contract, and the accepted bid is that contract's.
  const contracts = items.filter((item) => item.sk === '#CTR');
  for (const request of items.filter((item) => item.sk === '#REQ' && item.status === 'AWARDED')) {
    const its = contracts.filter((contract) => contract.requestId === request.id);
    if (its.length !== 1) problems.push(`request ${request.id} is AWARDED with ${its.length} contracts`);
  }
  for (const contract of contracts) {
    const request = items.find((item) => item.sk === '#REQ' && item.id === contract.requestId);
    const bid = items.find((item) => item.sk === '#BID' && item.id === contract.bidId);
    if (request?.status !== 'AWARDED') problems.push(`contract ${contract.id}: its request is ${request?.status}`);
    if (bid?.status !== 'ACCEPTED') problems.push(`contract ${contract.id}: its bid is ${bid?.status}`);
  }
  // Every audit chain verifies.
  const auditChains = [...(await scanAuditPartitions(db))].map(([entity, chain]) => verifyAuditChain(entity, chain));
  for (const chain of auditChains) if (!chain.ok) problems.push(`audit chain ${chain.entity}: ${chain.broken!.reason}`);
  const tasks = items.filter((item) => typeof item.pk === 'string' && item.pk.startsWith('TASK#')).map((item) => `${item.pk}/${item.sk}`);
  return { problems, items: items.length, contracts: contracts.length, entries, auditChains, milestones, tasks };
}
