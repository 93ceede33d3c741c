import { z } from 'zod';
import { ConflictError, ValidationError } from './errors.js';
import { moneySchema } from './money-schema.js';
import { allocateByBps, WHOLE_BPS, type Money } from './money.js';

/**
 * Pooled requests (共性技术需求): other verified enterprises of the request's
 * cluster join an OPEN request with a pledge in basis points of the cost. The
 * owner holds the remainder, so the shares always total 100 %: the members'
 * pledges together stay below 10 000 bps (the owner keeps at least 1 bp) and a
 * join that would reach or pass it is refused. At award the pool is frozen on
 * the contract; every member funds, signs and shares by its bps.
 *
 * A pledge given in money is converted once, at joining, to the bps it is of
 * the request's maximum budget (rounded down, so a member never pays more than
 * it pledged while the price stays within the budget); the money is kept for
 * display only.
 */

/** Funders of one pooled request, the owner included: 2–8 (every member signs and is notified in one transaction). */
export const MAX_POOL_MEMBERS = 8;

export const poolMemberSchema = z.object({
  orgId: z.string(),
  orgName: z.string().optional(),
  bps: z.number().int(),
  /** The pledge as given in money, if it was (its bps is what counts). */
  pledge: moneySchema.optional(),
  joinedBy: z.string(),
  joinedAt: z.string(),
});
export type PoolMember = z.infer<typeof poolMemberSchema>;

/** The pool of one request: the members other than the owner (the owner holds the remainder). */
export const poolSchema = z.object({
  requestId: z.string(),
  ownerOrgId: z.string(),
  cluster: z.string(),
  members: z.array(poolMemberSchema),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Pool = z.infer<typeof poolSchema>;

/** A contract's pool: every funder with its bps (owner first), totalling 10 000. */
export const contractPoolSchema = z.object({ members: z.array(z.object({ orgId: z.string(), bps: z.number().int() })) });
export type ContractPool = z.infer<typeof contractPoolSchema>;

export const pledgedBps = (members: readonly Pick<PoolMember, 'bps'>[]) => members.reduce((sum, member) => sum + member.bps, 0);

/** The bps a money pledge is of the request's maximum budget, rounded down (at least 1 bp, else a 400). */
export function pledgeToBps(pledge: Money, budgetMax: Money, path = 'pledge.amount'): number {
  if (pledge.currency !== budgetMax.currency) throw ValidationError.field('pledge.currency', `Pledge in the budget's currency ${budgetMax.currency}.`, 'CURRENCY_MISMATCH');
  if (budgetMax.amount <= 0) throw ValidationError.field(path, 'The request has no budget to pledge a part of.', 'NO_BUDGET');
  const bps = Number((BigInt(pledge.amount) * BigInt(WHOLE_BPS)) / BigInt(budgetMax.amount));
  if (bps < 1) throw ValidationError.field(path, 'The pledge is less than 0.01 % of the budget.', 'PLEDGE_TOO_SMALL');
  if (bps >= WHOLE_BPS) throw ValidationError.field(path, 'A pledge must leave the owner a share: below the maximum budget.', 'PLEDGE_OVER_100');
  return bps;
}

/**
 * The members after `joining` joins: not the owner, not twice, at most
 * MAX_POOL_MEMBERS funders, and the pledges below 100 % (409 POOL_OVERSUBSCRIBED).
 */
export function membersAfterJoin(pool: Pick<Pool, 'ownerOrgId' | 'members'>, joining: PoolMember): PoolMember[] {
  if (joining.orgId === pool.ownerOrgId) throw new ConflictError('POOL_OWNER', 'The owner of the request holds the remainder of the pool; it does not join.');
  if (pool.members.some((member) => member.orgId === joining.orgId)) throw new ConflictError('ALREADY_IN_POOL', 'Your organisation is already in this pool.');
  if (pool.members.length + 2 > MAX_POOL_MEMBERS) {
    throw new ConflictError('POOL_FULL', `A pool has at most ${MAX_POOL_MEMBERS} funders, the owner included.`, { max: MAX_POOL_MEMBERS });
  }
  const total = pledgedBps(pool.members) + joining.bps;
  if (joining.bps < 1 || total >= WHOLE_BPS) {
    throw new ConflictError('POOL_OVERSUBSCRIBED', `Pledges would total ${total / 100} %; together they must stay below 100 % so the owner keeps a share. Nothing was changed.`, {
      pledgedBps: pledgedBps(pool.members),
      availableBps: WHOLE_BPS - 1 - pledgedBps(pool.members),
    });
  }
  return [...pool.members, joining];
}

/** The funders' shares at award: the owner's remainder first, then the members in joining order; totals exactly 10 000. */
export function contractPoolOf(pool: Pick<Pool, 'ownerOrgId' | 'members'>): ContractPool {
  const owner = WHOLE_BPS - pledgedBps(pool.members);
  if (owner < 1) throw new ConflictError('POOL_OVERSUBSCRIBED', 'The pool’s pledges leave the owner no share.');
  return { members: [{ orgId: pool.ownerOrgId, bps: owner }, ...pool.members.map((member) => ({ orgId: member.orgId, bps: member.bps }))] };
}

/**
 * Splits the enterprise's part of a milestone across the pool by bps; other
 * funders' parts (a subsidy) stay as they are.
 *
 * Cumulative, so a member's total stays within one fen of its share of
 * everything funded (not k fen over k milestones): `fundedBefore` is what each
 * member already paid into this contract's other milestones; the members'
 * parts now are the largest-remainder allocation of the cumulative enterprise
 * amount minus what each already paid. Largest remainder is not monotone in
 * the total (the Alabama paradox), so a part can come out at −1 fen; it is then
 * 0 and the fen is taken from a member that was rounded up (its total stays
 * within one fen too).
 */
export function splitAcrossPool<S extends { orgId: string; amount: number }>(
  shares: readonly S[],
  enterpriseOrgId: string,
  pool: ContractPool | undefined,
  fundedBefore: ReadonlyMap<string, number> = new Map(),
): { orgId: string; amount: number }[] {
  if (!pool || pool.members.length < 2) return shares.map(({ orgId, amount }) => ({ orgId, amount }));
  return shares.flatMap(({ orgId, amount }) =>
    orgId === enterpriseOrgId ? cumulativePoolParts(amount, pool, fundedBefore) : [{ orgId, amount }],
  );
}

function cumulativePoolParts(amount: number, pool: ContractPool, fundedBefore: ReadonlyMap<string, number>) {
  const before = pool.members.map((member) => fundedBefore.get(member.orgId) ?? 0);
  const cumulative = before.reduce((sum, paid) => sum + paid, amount);
  const targets = allocateByBps(cumulative, pool.members.map((member) => ({ key: member.orgId, bps: member.bps })));
  const parts = targets.map((target, index) => target.amount - before[index]!);
  // Exact share × 10 000 of each member, to tell who was rounded up.
  const over = pool.members.map((member, index) => BigInt(targets[index]!.amount) * BigInt(WHOLE_BPS) - BigInt(cumulative) * BigInt(member.bps));
  for (let index = 0; index < parts.length; index++) {
    while (parts[index]! < 0) {
      const donor = parts
        .map((part, at) => ({ part, at }))
        .filter(({ part, at }) => part > 0 && at !== index)
        .sort((a, b) => (over[b.at]! > over[a.at]! ? 1 : over[b.at]! < over[a.at]! ? -1 : b.part - a.part))[0];
      if (!donor) break;
      parts[donor.at]! -= 1;
      over[donor.at]! -= BigInt(WHOLE_BPS);
      parts[index]! += 1;
      over[index]! += BigInt(WHOLE_BPS);
    }
  }
  return pool.members.map((member, index) => ({ orgId: member.orgId, amount: parts[index]! }));
}

/**
 * A share table (benefit or risk) with the enterprise's line divided across the
 * pool by bps: a pooled contract's agreement names the enterprise for the pool.
 */
export function expandPoolShares(table: readonly { orgId: string; bps: number }[], enterpriseOrgId: string, pool: ContractPool | undefined) {
  if (!pool || pool.members.length < 2) return [...table];
  const merged = new Map<string, number>();
  for (const share of table) {
    const parts = share.orgId === enterpriseOrgId && share.bps > 0
      ? allocateByBps(share.bps, pool.members.map((member) => ({ key: member.orgId, bps: member.bps }))).map(({ key, amount }) => ({ orgId: key, bps: amount }))
      : [share];
    for (const part of parts) merged.set(part.orgId, (merged.get(part.orgId) ?? 0) + part.bps);
  }
  return [...merged].map(([orgId, bps]) => ({ orgId, bps }));
}

