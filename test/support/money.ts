import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Caller, TestApi } from './harness.js';
import { consortium, openRequest, organisation } from './fixtures.js';
import { bidBody, evenShares } from './bids.js';

export type Parties = Awaited<ReturnType<typeof moneyConsortium>>;

/** The consortium plus a verified government (the subsidiser) and an enterprise that is party to nothing. */
export async function moneyConsortium(api: TestApi) {
  const base = await consortium(api);
  const government = await organisation(api, base.moderator, { type: 'GOVERNMENT' });
  const outsider = await organisation(api, base.moderator, { type: 'ENTERPRISE' });
  return { ...base, government, outsider };
}

export const fen = (amount: number) => ({ amount, currency: 'CNY' as const });

/** A fresh Idempotency-Key header. */
export const key = (value: string = randomUUID()) => ({ 'idempotency-key': value });

export interface ContractOptions {
  /** Milestone amounts in fen; the price is their sum. */
  milestones: number[];
  subsidyBps?: number;
  reviewWindowDays?: number;
  /** Leave the contract PENDING_SIGNATURES. */
  unsigned?: boolean;
}

/**
 * Request → bid → award → every signature: an ACTIVE contract whose
 * milestones have exactly the given amounts (odd fen amounts welcome).
 */
export async function activeContract(api: TestApi, parties: Pick<Parties, 'enterprise' | 'studio' | 'government' | 'moderator'>, options: ContractOptions) {
  const { enterprise, studio, government, moderator } = parties;
  const requestId = await openRequest(api, enterprise.caller, moderator);
  const price = options.milestones.reduce((sum, amount) => sum + amount, 0);
  const bid = await studio.caller.post(`/v1/requests/${requestId}/bids`, {
    ...bidBody(studio.team),
    price: fen(price),
    milestones: options.milestones.map((amount, index) => ({ title: `里程碑 ${index + 1}`, amount: fen(amount), dueInDays: 10 * (index + 1) })),
  });
  expect(bid.status, JSON.stringify(bid.body)).toBe(201);
  const award = await enterprise.caller.post(`/v1/requests/${requestId}/award`, {
    bidId: bid.body.id,
    shares: {
      ...evenShares(enterprise.orgId, studio.orgId),
      ...(options.subsidyBps ? { subsidy: { orgId: government.orgId, bps: options.subsidyBps } } : {}),
    },
    ...(options.reviewWindowDays ? { reviewWindowDays: options.reviewWindowDays } : {}),
  });
  expect(award.status, JSON.stringify(award.body)).toBe(201);
  const contractId = award.body.id as string;
  if (!options.unsigned) {
    const signers: Caller[] = [enterprise.caller, studio.caller, ...(options.subsidyBps ? [government.caller] : [])];
    for (const signer of signers) {
      const signed = await signer.post(`/v1/contracts/${contractId}/sign`);
      expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    }
    const read = await enterprise.caller.get(`/v1/contracts/${contractId}`);
    expect(read.body.status).toBe('ACTIVE');
  }
  return contractId;
}

export const milestonePath = (contractId: string, n: number, step: string) => `/v1/contracts/${contractId}/milestones/${n}/${step}`;

interface Ledger {
  items: { id: string; kind: string; postings: { account: string; amount: number }[]; milestoneN?: number }[];
  balances: { account: string; amount: number }[];
}

/** Reads the whole ledger of a contract (following cursors) and checks the invariants every ledger must keep. */
export async function ledgerOf(caller: Caller, contractId: string) {
  const items: Ledger['items'] = [];
  let cursor: string | null = null;
  let balances: Ledger['balances'] = [];
  do {
    const page: { status: number; body: Ledger & { nextCursor: string | null } } = await caller.get(
      `/v1/contracts/${contractId}/ledger?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    items.push(...page.body.items);
    balances = page.body.balances;
    cursor = page.body.nextCursor;
  } while (cursor);
  for (const entry of items) {
    expect(entry.postings.reduce((sum, posting) => sum + posting.amount, 0), `entry ${entry.id} balances`).toBe(0);
  }
  expect(balances.reduce((sum, balance) => sum + balance.amount, 0), 'all balances sum to zero').toBe(0);
  const balance = (account: string) => balances.find((b) => b.account === account)?.amount ?? 0;
  expect(balance(`escrow:${contractId}`)).toBeGreaterThanOrEqual(0);
  // Balances are exactly the sum of the entries' postings.
  const fromEntries = new Map<string, number>();
  for (const entry of items) for (const posting of entry.postings) fromEntries.set(posting.account, (fromEntries.get(posting.account) ?? 0) + posting.amount);
  for (const b of balances) expect(b.amount, `balance of ${b.account} matches its postings`).toBe(fromEntries.get(b.account) ?? 0);
  return { items, balances, balance };
}
