import { describe, expect, it } from 'vitest';
import { changeLifecycle, decideChange, effectiveChangeStatus, missingApprovals, planChange, type ChangeOrder } from './change-order.js';
import type { Contract, Milestone } from './contract.js';
import { ConflictError, ForbiddenError, ValidationError } from './errors.js';
import { fundingShares } from './milestone-money.js';

const at = '2026-05-10T02:00:00.000Z';
const now = new Date(at);
const contract: Contract = {
  id: 'ctr_1', requestId: 'req_1', bidId: 'bid_1', title: '焊缝检测', cluster: 'c', enterpriseOrgId: 'org_e', studioOrgId: 'org_s', governmentOrgId: 'org_g',
  status: 'ACTIVE', price: { amount: 300_000, currency: 'CNY' }, milestoneCount: 3,
  shares: { benefitShares: [{ orgId: 'org_e', bps: 10_000 }], riskShares: [{ orgId: 'org_e', bps: 10_000 }], ipOwnership: 'JOINT', subsidy: { orgId: 'org_g', bps: 3000 } },
  requiredSigners: ['org_e', 'org_s', 'org_g'], signatures: [], reviewWindowDays: 14,
  createdAt: '2026-05-01T00:00:00.000Z', updatedAt: '2026-05-01T00:00:00.000Z', activatedAt: '2026-05-01T02:00:00.000Z', version: 5,
};
const milestone = (n: number, over: Partial<Milestone> = {}): Milestone => ({
  contractId: 'ctr_1', n, title: `里程碑 ${n}`, amount: { amount: 100_000, currency: 'CNY' }, dueInDays: 10 * n,
  dueAt: `2026-05-${String(1 + 10 * n).padStart(2, '0')}T15:59:59.999Z`, status: 'PENDING', updatedAt: at, version: 1, ...over,
});
const milestones = [milestone(1, { status: 'FUNDED', funding: [{ orgId: 'org_e', amount: 70_000 }, { orgId: 'org_g', amount: 30_000 }] }), milestone(2), milestone(3)];
const money = (amount: number) => ({ amount, currency: 'CNY' as const });

const change = (over: Partial<ChangeOrder> = {}): ChangeOrder => ({
  id: 'chg_1', contractId: 'ctr_1', status: 'PENDING', operations: [{ op: 'remove', n: 3 }], reason: '调整',
  proposedBy: { orgId: 'org_e', sub: 'u_e', at }, basePlanVersion: 0, approvals: [{ orgId: 'org_e', sub: 'u_e', at }],
  createdAt: at, updatedAt: at, version: 1, ...over,
});

describe('change order lifecycle', () => {
  it('allows every step only from PENDING', () => {
    for (const action of ['approve', 'apply', 'reject', 'withdraw', 'supersede'] as const) {
      expect(changeLifecycle.can('PENDING', action)).toBe(true);
      for (const from of ['APPLIED', 'REJECTED', 'WITHDRAWN', 'SUPERSEDED'] as const) {
        expect(changeLifecycle.can(from, action)).toBe(false);
        expect(() => changeLifecycle.next(from, action)).toThrow(ConflictError);
      }
    }
  });

  it('applies on the last approval, and counts the proposal as the proposer’s', () => {
    const first = decideChange(change(), contract, { orgId: 'org_s', sub: 'u_s' }, { action: 'approve' }, at);
    expect(first.action).toBe('approve');
    expect(first.change.status).toBe('PENDING');
    expect(missingApprovals(first.change, contract)).toEqual(['org_g']);
    const last = decideChange(first.change, contract, { orgId: 'org_g', sub: 'u_g' }, { action: 'approve' }, at);
    expect(last.action).toBe('apply');
    expect(last.change).toMatchObject({ status: 'APPLIED', version: 3 });
  });

  it('refuses a second approval by one signer, and non-signers', () => {
    expect(() => decideChange(change(), contract, { orgId: 'org_e', sub: 'u_e2' }, { action: 'approve' }, at)).toThrow(expect.objectContaining({ code: 'ALREADY_APPROVED' }));
    expect(() => decideChange(change(), contract, { orgId: 'org_college', sub: 'u_c' }, { action: 'approve' }, at)).toThrow(ForbiddenError);
    expect(() => decideChange(change(), contract, { sub: 'u_x' }, { action: 'reject' }, at)).toThrow(ForbiddenError);
  });

  it('lets any signer reject and only the proposer withdraw', () => {
    expect(decideChange(change(), contract, { orgId: 'org_g', sub: 'u_g' }, { action: 'reject', reason: '不同意' }, at).change).toMatchObject({
      status: 'REJECTED', decision: { orgId: 'org_g', reason: '不同意' },
    });
    expect(() => decideChange(change(), contract, { orgId: 'org_s', sub: 'u_s' }, { action: 'withdraw' }, at)).toThrow(expect.objectContaining({ code: 'NOT_PROPOSER' }));
    expect(decideChange(change(), contract, { orgId: 'org_e', sub: 'u_e' }, { action: 'withdraw' }, at).change.status).toBe('WITHDRAWN');
    expect(() => decideChange(change({ status: 'REJECTED' }), contract, { orgId: 'org_s', sub: 'u_s' }, { action: 'approve' }, at)).toThrow(
      expect.objectContaining({ code: 'INVALID_TRANSITION' }),
    );
  });

  it('supersedes a change proposed against an older plan, or on a contract no longer ACTIVE', () => {
    const moved = { ...contract, planVersion: 1 };
    expect(effectiveChangeStatus(change(), moved)).toBe('SUPERSEDED');
    expect(effectiveChangeStatus(change(), contract)).toBe('PENDING');
    expect(effectiveChangeStatus(change({ status: 'APPLIED' }), moved)).toBe('APPLIED');
    expect(decideChange(change(), moved, { orgId: 'org_s', sub: 'u_s' }, { action: 'approve' }, at)).toMatchObject({ action: 'supersede', change: { status: 'SUPERSEDED' } });
    expect(decideChange(change(), { ...contract, status: 'TERMINATED' }, { orgId: 'org_s', sub: 'u_s' }, { action: 'approve' }, at).action).toBe('supersede');
  });
});

describe('planning a change', () => {
  it('re-prices a PENDING milestone and moves the contract total by the difference', () => {
    const plan = planChange(contract, milestones, [{ op: 'reprice', n: 2, amount: money(150_001) }], now);
    expect(plan.contract.price).toEqual(money(350_001));
    expect(plan.contract.planVersion).toBe(1);
    expect(plan.updated).toMatchObject([{ n: 2, amount: money(150_001), version: 2 }]);
    // The subsidy share is taken from the new amount when it is funded: the two parts still add up exactly.
    const shares = fundingShares(plan.contract, plan.updated[0]!.amount);
    expect(shares.reduce((sum, share) => sum + share.amount, 0)).toBe(150_001);
  });

  it('never re-prices, re-titles or removes a milestone that holds money', () => {
    for (const operation of [{ op: 'reprice', n: 1, amount: money(1) }, { op: 'retitle', n: 1, title: 'x' }, { op: 'remove', n: 1 }] as const) {
      expect(() => planChange(contract, milestones, [operation], now)).toThrow(expect.objectContaining({ code: 'MILESTONE_NOT_PENDING', status: 409 }));
    }
  });

  it('adds and removes milestones, keeping the total the sum of its milestones and never reusing a number', () => {
    const plan = planChange(contract, milestones, [{ op: 'remove', n: 3 }, { op: 'add', title: '补充验收', amount: money(40_000), dueInDays: 60 }], now);
    expect(plan.removed.map((m) => m.n)).toEqual([3]);
    expect(plan.added).toMatchObject([{ n: 4, title: '补充验收', status: 'PENDING', dueAt: '2026-06-30T15:59:59.999Z', version: 1 }]);
    expect(plan.contract).toMatchObject({ price: money(240_000), milestoneCount: 3, lastMilestoneN: 4 });
  });

  it('moves a due date (also of a funded milestone) and un-flags an overdue one', () => {
    const overdue = [milestones[0]!, milestone(2, { overdueAt: '2026-05-22T00:00:00Z' }), milestone(3)];
    const plan = planChange({ ...contract, overdueMilestones: 1 }, overdue, [{ op: 'moveDue', n: 2, dueDate: '2026-07-01' }, { op: 'moveDue', n: 1, dueDate: '2026-05-10' }], now);
    expect(plan.updated.find((m) => m.n === 2)).toMatchObject({ dueAt: '2026-07-01T15:59:59.999Z', dueInDays: 61, overdueAt: undefined });
    expect(plan.updated.find((m) => m.n === 1)).toMatchObject({ dueAt: '2026-05-10T15:59:59.999Z', status: 'FUNDED' });
    expect(plan.contract.overdueMilestones).toBe(0);
  });

  it('changes the review window', () => {
    expect(planChange(contract, milestones, [{ op: 'reviewWindow', days: 21 }], now).contract.reviewWindowDays).toBe(21);
  });

  it('refuses unknown milestones, past dates, conflicts and an empty plan with field paths', () => {
    const issues = (operations: Parameters<typeof planChange>[2], list = milestones) => {
      try {
        planChange(contract, list, operations, now);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return ((error as ValidationError).details as { issues: { path: string; code: string }[] }).issues.map((item) => `${item.path}:${item.code}`);
      }
      throw new Error('expected a validation error');
    };
    expect(issues([{ op: 'retitle', n: 9, title: 'x' }])).toEqual(['operations.0.n:UNKNOWN_MILESTONE']);
    expect(issues([{ op: 'moveDue', n: 2, dueDate: '2026-05-09' }])).toEqual(['operations.0.dueDate:DUE_DATE_PAST']);
    expect(issues([{ op: 'moveDue', n: 2, dueDate: '2026-02-30' }])).toEqual(['operations.0.dueDate:INVALID_DATE']);
    expect(issues([{ op: 'remove', n: 2 }, { op: 'retitle', n: 2, title: 'x' }])).toEqual(['operations.1.n:CONFLICTING_OPERATIONS']);
    expect(issues([{ op: 'add', title: 'x', amount: money(0), dueInDays: 30 }])).toEqual(['operations.0.amount.amount:NOT_POSITIVE']);
    expect(issues([{ op: 'remove', n: 2 }], [milestone(2)])).toEqual(['operations:NO_MILESTONES_LEFT']);
  });

  it('only changes an ACTIVE contract', () => {
    expect(() => planChange({ ...contract, status: 'COMPLETED' }, milestones, [{ op: 'reviewWindow', days: 3 }], now)).toThrow(
      expect.objectContaining({ code: 'CONTRACT_NOT_ACTIVE' }),
    );
  });

  it('completes the contract when what remains is settled', () => {
    const settled = [milestone(1, { status: 'RELEASED' }), milestone(2)];
    expect(planChange(contract, settled, [{ op: 'remove', n: 2 }], now).contract.status).toBe('COMPLETED');
  });
});
