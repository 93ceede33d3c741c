import { allocateByWeight } from './allocation.js';
import { addDays } from './clock.js';
import { milestoneLifecycle, SETTLED_MILESTONE_STATUSES, type Contract, type Milestone, type MilestoneAction, type MilestoneStatus } from './contract.js';
import { assertResolution, resolutionAction, type Resolution } from './dispute.js';
import { ConflictError, ForbiddenError } from './errors.js';
import { balancedPostings, ledgerAccount, LedgerInvariantError, type EntryKind, type Posting } from './ledger.js';
import { allocateByBps, WHOLE_BPS, type Money } from './money.js';
import { coFunders } from './contract.js';
import { splitAcrossPool } from './pool.js';
import { withOverhead } from './overhead.js';
import { grantFundingShare } from './programme.js';

/**
 * Milestone money: who may do what to a milestone, the state it moves to, and
 * the journal entry (if any) that goes with it. Pure functions, so the service
 * only reads, calls `decideMilestone` and writes what it returns — and property
 * tests can drive thousands of random operation sequences through the same code.
 */

export interface FundingShare {
  orgId: string;
  /** Minor units this funder paid into escrow for the milestone. */
  amount: number;
}

/**
 * How a milestone's amount is split between the enterprise and a subsidising
 * government: `allocateByBps(amount, [enterprise: 10 000 − s, government: s])`.
 *
 * With two parts the fractional remainders are complementary, so the rule reads
 * simply: the government pays amount × s / 10 000 rounded to the nearest fen,
 * and the enterprise pays the rest. An exact half fen goes to the larger share
 * (with s = 5 000, to the enterprise, which is listed first). The two parts
 * always add up to the milestone amount exactly.
 */
export function fundingShares(
  contract: Pick<Contract, 'enterpriseOrgId' | 'shares' | 'pool' | 'grant'>,
  amount: Money,
  milestoneN?: number,
  fundedBefore: readonly FundingShare[] = [],
): FundingShare[] {
  return splitAcrossPool(enterpriseAndSubsidy(contract, amount, milestoneN), contract.enterpriseOrgId, contract.pool, paidByFunder(fundedBefore));
}

/** What each funder paid in total, from the funding of a contract's milestones. */
export function paidByFunder(funding: readonly FundingShare[]): Map<string, number> {
  const paid = new Map<string, number>();
  for (const share of funding) paid.set(share.orgId, (paid.get(share.orgId) ?? 0) + share.amount);
  return paid;
}

/**
 * The subsidy part first (an award-time subsidy, or a programme's approved
 * grant for milestone `milestoneN`); then, on a pooled contract,
 * `fundingShares` splits the enterprise part across the pool's members by
 * their bps (largest remainder).
 */
function enterpriseAndSubsidy(contract: Pick<Contract, 'enterpriseOrgId' | 'shares' | 'grant'>, amount: Money, milestoneN?: number): FundingShare[] {
  const subsidy = contract.shares.subsidy;
  if (!subsidy && contract.grant && milestoneN !== undefined) {
    // A programme's approved subsidy: its share, at most what approval reserved for this milestone.
    const granted = grantFundingShare(contract, milestoneN, amount.amount);
    return [
      { orgId: contract.enterpriseOrgId, amount: amount.amount - granted },
      ...(granted > 0 ? [{ orgId: contract.grant.orgId, amount: granted }] : []),
    ];
  }
  if (!subsidy) return [{ orgId: contract.enterpriseOrgId, amount: amount.amount }];
  return allocateByBps(amount.amount, [
    { key: contract.enterpriseOrgId, bps: WHOLE_BPS - subsidy.bps },
    { key: subsidy.orgId, bps: subsidy.bps },
  ]).map(({ key, amount: paid }) => ({ orgId: key, amount: paid }));
}

/** The organisations that fund a milestone by parts: a pooled contract's members (empty otherwise). */
export const partFunders = (contract: Pick<Contract, 'pool'>) =>
  contract.pool && contract.pool.members.length > 1 ? contract.pool.members.map((member) => member.orgId) : [];

/** FUND: each funder's external account pays its share; escrow receives the whole amount. */
export function fundPostings(contractId: string, funding: readonly FundingShare[]): Posting[] {
  const total = funding.reduce((sum, share) => sum + share.amount, 0);
  return balancedPostings([
    ...funding.map((share) => ({ account: ledgerAccount.external(share.orgId), amount: -share.amount })),
    { account: ledgerAccount.escrow(contractId), amount: total },
  ]);
}

/** RELEASE: the milestone's escrow goes to the studio's earnings. */
export function releasePostings(contractId: string, studioOrgId: string, held: number): Posting[] {
  return balancedPostings([
    { account: ledgerAccount.escrow(contractId), amount: -held },
    { account: ledgerAccount.earnings(studioOrgId), amount: held },
  ]);
}

/** REFUND: every funder gets back exactly what it paid (the proportional share of 100 %). */
export function refundPostings(contractId: string, funding: readonly FundingShare[]): Posting[] {
  const held = funding.reduce((sum, share) => sum + share.amount, 0);
  return balancedPostings([
    { account: ledgerAccount.escrow(contractId), amount: -held },
    ...funding.map((share) => ({ account: ledgerAccount.external(share.orgId), amount: share.amount })),
  ]);
}

/**
 * How a SPLIT divides held escrow: `studioBps` to the studio, the rest back to
 * the funders in proportion to what each paid.
 *
 * It is one largest-remainder allocation over all parts at once, with weights
 * studio = studioBps × held and funder i = (10 000 − studioBps) × paid_i (both
 * over 10 000 × held). Rounding in two stages (studio vs. funders, then among
 * funders) could put a funder up to two fen off its exact share; one stage keeps
 * every part within one fen while the parts still sum to `held` exactly.
 */
export function splitAllocation(studioOrgId: string, funding: readonly FundingShare[], studioBps: number) {
  const held = funding.reduce((sum, share) => sum + share.amount, 0);
  const parts = [
    { key: `studio`, weight: BigInt(studioBps) * BigInt(held) },
    ...funding.map((share, index) => ({ key: `funder:${index}`, weight: BigInt(WHOLE_BPS - studioBps) * BigInt(share.amount) })),
  ];
  const allocation = allocateByWeight(held, parts);
  return {
    held,
    studio: { orgId: studioOrgId, amount: allocation[0]!.amount },
    refunds: funding.map((share, index) => ({ orgId: share.orgId, amount: allocation[index + 1]!.amount })),
  };
}

/** SPLIT: escrow goes partly to the studio's earnings and partly back to the funders. */
export function splitPostings(contractId: string, studioOrgId: string, funding: readonly FundingShare[], studioBps: number): Posting[] {
  const { held, studio, refunds } = splitAllocation(studioOrgId, funding, studioBps);
  return balancedPostings([
    { account: ledgerAccount.escrow(contractId), amount: -held },
    { account: ledgerAccount.earnings(studio.orgId), amount: studio.amount },
    ...refunds.map((refund) => ({ account: ledgerAccount.external(refund.orgId), amount: refund.amount })),
  ]);
}

// ── Who may do what ─────────────────────────────────────────────────────────

export type MilestoneCommand =
  /** `by`: who funds; on a pooled contract each member funds its part and the last part posts the FUND entry. */
  /**
   * `fundedBefore`: the funding of the contract's other milestones (every funded
   * one, settled or not), so a pool's parts are allocated cumulatively.
   */
  | { action: 'fund'; by?: { orgId: string; sub: string; reference?: string }; fundedBefore?: readonly FundingShare[] }
  | { action: 'submit'; note: string; link?: string }
  | { action: 'accept' }
  | { action: 'requestRevision'; reason?: string }
  | { action: 'dispute'; disputeId: string }
  | { action: 'autoRelease' }
  | { action: 'terminateRefund' }
  | ({ action: 'resolve' } & Resolution);

/** The contract role a milestone command needs; `association` and `scheduler` are not contract parties. */
export const MILESTONE_COMMAND_ROLES: Record<MilestoneCommand['action'], readonly ('enterprise' | 'studio' | 'association' | 'scheduler')[]> = {
  fund: ['enterprise'],
  submit: ['studio'],
  accept: ['enterprise'],
  requestRevision: ['enterprise'],
  dispute: ['enterprise', 'studio'],
  resolve: ['association'],
  autoRelease: ['scheduler'],
  terminateRefund: ['association'],
};

/**
 * Throws 403 unless the organisation `orgId` plays a role the command needs on
 * this contract. Checked before the state, so a wrong role is 403 in any state.
 */
export function assertMilestoneRole(
  contract: Pick<Contract, 'enterpriseOrgId' | 'studioOrgId' | 'pool'>,
  action: MilestoneCommand['action'],
  caller: { orgId?: string; association?: boolean; scheduler?: boolean },
): void {
  const roles = MILESTONE_COMMAND_ROLES[action];
  const allowed =
    (roles.includes('enterprise') && caller.orgId === contract.enterpriseOrgId) ||
    (action === 'fund' && caller.orgId !== undefined && coFunders(contract).includes(caller.orgId)) ||
    (roles.includes('studio') && caller.orgId === contract.studioOrgId) ||
    (roles.includes('association') && caller.association === true) ||
    (roles.includes('scheduler') && caller.scheduler === true);
  if (!allowed) {
    const who = roles.map((role) => (role === 'enterprise' ? "the contract's enterprise" : role === 'studio' ? "the contract's studio" : role === 'association' ? 'an association' : 'the scheduler')).join(' or ');
    throw new ForbiddenError('WRONG_CONTRACT_ROLE', `Only ${who} can ${action} this milestone.`);
  }
}

// ── Deciding a step ─────────────────────────────────────────────────────────

/** Milestone states in which its amount sits in escrow. */
export const HELD_MILESTONE_STATUSES: readonly MilestoneStatus[] = ['FUNDED', 'SUBMITTED', 'DISPUTED'];

export interface MilestoneEntryDraft {
  kind: EntryKind;
  postings: Posting[];
  studioBps?: number;
}

export interface MilestoneDecision {
  action: MilestoneAction;
  /** The milestone after the step, at version + 1. */
  milestone: Milestone;
  /** The money the step moves, if any. */
  entry?: MilestoneEntryDraft;
}

/** When a SUBMITTED milestone is released without the enterprise's word. */
export function releaseDueAt(contract: Pick<Contract, 'reviewWindowDays'>, milestone: Pick<Milestone, 'submittedAt'>): Date {
  if (!milestone.submittedAt) throw new LedgerInvariantError('Only a submitted milestone has a release date');
  return addDays(new Date(milestone.submittedAt), contract.reviewWindowDays);
}

function heldFunding(milestone: Milestone): FundingShare[] {
  const funding = milestone.funding;
  const held = funding?.reduce((sum, share) => sum + share.amount, 0);
  if (!funding || held !== milestone.amount.amount) {
    throw new LedgerInvariantError(`Milestone ${milestone.n} holds ${held ?? 'nothing'}, not its amount ${milestone.amount.amount}`);
  }
  return funding;
}

/**
 * The next state of a milestone and the entry it posts. Money moves only on an
 * ACTIVE contract (all parties signed, not yet completed); anything the
 * lifecycle does not allow is a 409 from `milestoneLifecycle`. Roles are
 * checked separately (`assertMilestoneRole`) because they depend on the caller.
 */
export function decideMilestone(contract: Contract, milestone: Milestone, command: MilestoneCommand, now: Date): MilestoneDecision {
  if (contract.status !== 'ACTIVE') {
    throw new ConflictError('CONTRACT_NOT_ACTIVE', `The contract is ${contract.status}; milestones move only while it is ACTIVE.`, { status: contract.status });
  }
  if (milestone.contractId !== contract.id) throw new LedgerInvariantError('Milestone of another contract');
  const action: MilestoneAction = command.action === 'resolve' ? resolutionAction(command.outcome) : fundsOnlyAPart(contract, milestone, command) ? 'fundPart' : command.action;
  if (command.action === 'resolve') assertResolution(command);
  const status = milestoneLifecycle.next(milestone.status, action);
  const at = now.toISOString();
  const base: Milestone = { ...milestone, status, updatedAt: at, version: milestone.version + 1 };

  switch (command.action) {
    case 'fund': {
      const fundedParts = withFundedPart(contract, milestone, command, at);
      if (action === 'fundPart') return { action, milestone: { ...base, fundedParts } };
      const funding = fundingShares(contract, milestone.amount, milestone.n, command.fundedBefore);
      return {
        action,
        milestone: { ...base, ...(fundedParts ? { fundedParts } : {}), funding, fundedAt: at },
        entry: { kind: 'FUND', postings: fundPostings(contract.id, funding) },
      };
    }
    case 'submit':
      return { action, milestone: { ...base, submission: { note: command.note, link: command.link, at }, submittedAt: at } };
    case 'requestRevision':
      // Back to FUNDED: the escrow stays, the last submission is no longer under review.
      return { action, milestone: { ...base, submission: undefined, submittedAt: undefined } };
    case 'dispute':
      return { action, milestone: { ...base, disputeId: command.disputeId } };
    case 'autoRelease':
      if (releaseDueAt(contract, milestone).getTime() > now.getTime()) {
        throw new ConflictError('REVIEW_WINDOW_OPEN', 'The review window of this milestone has not ended yet.', {
          releaseDueAt: releaseDueAt(contract, milestone).toISOString(),
        });
      }
      return settle(contract, base, action, 'RELEASE', at);
    case 'accept':
      return settle(contract, base, action, 'RELEASE', at);
    case 'resolve':
      return settle(contract, base, action, command.outcome, at, command.studioBps);
    case 'terminateRefund':
      return settle(contract, base, action, 'REFUND', at);
  }
}

/**
 * Funding by parts (a pooled contract): each member records its part once; the
 * milestone stays PENDING until the last part, whose step posts the one FUND
 * entry debiting every member's share (and the subsidy). Returns the parts after
 * this one, or undefined when the contract is not pooled.
 */
function withFundedPart(contract: Contract, milestone: Milestone, command: Extract<MilestoneCommand, { action: 'fund' }>, at: string) {
  const funders = partFunders(contract);
  if (funders.length === 0) return undefined;
  const by = command.by;
  if (!by || !funders.includes(by.orgId)) throw new ForbiddenError('NOT_A_FUNDER', 'Only a member of the contract’s pool funds a part of this milestone.');
  const parts = milestone.fundedParts ?? [];
  if (parts.some((part) => part.orgId === by.orgId)) {
    throw new ConflictError('PART_ALREADY_FUNDED', 'Your organisation has already funded its part of this milestone; nothing was moved.');
  }
  return [...parts, { orgId: by.orgId, sub: by.sub, at, ...(by.reference ? { reference: by.reference } : {}) }];
}

/** True when this fund command is a pool member's part that is not the last one. */
function fundsOnlyAPart(contract: Contract, milestone: Milestone, command: MilestoneCommand): boolean {
  if (command.action !== 'fund') return false;
  const funders = partFunders(contract);
  if (funders.length === 0 || milestone.status !== 'PENDING') return false;
  const funded = new Set([...(milestone.fundedParts ?? []).map((part) => part.orgId), ...(command.by ? [command.by.orgId] : [])]);
  return !funders.every((orgId) => funded.has(orgId));
}

function settle(
  contract: Contract,
  next: Milestone,
  action: MilestoneAction,
  outcome: Resolution['outcome'],
  at: string,
  studioBps?: number,
): MilestoneDecision {
  const funding = heldFunding(next);
  const entry: MilestoneEntryDraft =
    outcome === 'RELEASE'
      ? { kind: 'RELEASE', postings: withOverhead(releasePostings(contract.id, contract.studioOrgId, next.amount.amount), contract.studioOrgId, contract.overhead) }
      : outcome === 'REFUND'
        ? { kind: 'REFUND', postings: refundPostings(contract.id, funding) }
        : { kind: 'SPLIT', postings: withOverhead(splitPostings(contract.id, contract.studioOrgId, funding, studioBps!), contract.studioOrgId, contract.overhead), studioBps };
  return { action, milestone: { ...next, settledAt: at }, entry };
}

/** True when every milestone is RELEASED, REFUNDED or SPLIT: the contract is then COMPLETED. */
export function allMilestonesSettled(milestones: readonly Pick<Milestone, 'status'>[]): boolean {
  return milestones.length > 0 && milestones.every((milestone) => SETTLED_MILESTONE_STATUSES.includes(milestone.status));
}
