import { describe, expect, it } from 'vitest';
import { getContract } from '@sharedtech/data';
import { canonical, recountClusterStatistics, storedClusterStatistics } from '@sharedtech/services';
import { startTestApi } from '../support/harness.js';
import { expectError, issuePaths, itemIds, tableItemCount } from '../support/assertions.js';
import { organisation } from '../support/fixtures.js';
import { activeContract, fen, key, milestonePath, moneyConsortium } from '../support/money.js';

/**
 * Change orders: a signer proposes, every signer approves, the last approval
 * applies the operations in one transaction guarded by the contract's version.
 */
const api = await startTestApi();
const parties = await moneyConsortium(api);
const { enterprise, studio, college, government, moderator, outsider } = parties;
const rivalStudio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId });
const nobody = await api.as('changes-nobody');

const changesOf = (contractId: string) => `/v1/contracts/${contractId}/changes`;
const step = (contractId: string, changeId: string, action: string) => `/v1/contracts/${contractId}/changes/${changeId}/${action}`;
const inbox = async (caller: typeof studio.caller) => ((await caller.get('/v1/notifications')).body.items as { type: string }[]).map((item) => item.type);
const trail = async (contractId: string) => ((await moderator.get(`/v1/audit?entity=contract:${contractId}`)).body.items as { action: string; details?: Record<string, unknown> }[]);
const contractOf = async (contractId: string) => (await enterprise.caller.get(`/v1/contracts/${contractId}`)).body;

async function expectStatsEqualRecount(contractId: string) {
  const cluster = (await getContract(api.deps.db, contractId, true))!.cluster!;
  const [stored, recount] = await Promise.all([storedClusterStatistics(api.deps, cluster), recountClusterStatistics(api.deps, cluster)]);
  expect(canonical(stored)).toEqual(canonical(recount));
}

describe('a change order approved by every signer', () => {
  it('applies re-pricing, re-titling, a new milestone, a moved date and a new review window in one step', async () => {
    const contractId = await activeContract(api, parties, { milestones: [100_000, 200_000, 300_000], subsidyBps: 3000 });
    const before = await contractOf(contractId);
    expect(before.milestones.map((m: { dueAt?: string }) => typeof m.dueAt)).toEqual(['string', 'string', 'string']);
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), {}, key())).status).toBe(200);

    const proposed = await studio.caller.post(changesOf(contractId), {
      reason: '客户需求调整：第三阶段拆分。',
      operations: [
        { op: 'reprice', n: 2, amount: fen(250_001) },
        { op: 'retitle', n: 3, title: '现场调试' },
        { op: 'add', title: '驻场培训', amount: fen(50_000), dueInDays: 90 },
        { op: 'moveDue', n: 1, dueDate: '2099-12-31' },
        { op: 'reviewWindow', days: 21 },
      ],
    });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    expect(proposed.body).toMatchObject({ status: 'PENDING', basePlanVersion: 0, approvals: [{ orgId: studio.orgId }] });
    expect(proposed.body.awaiting.sort()).toEqual([enterprise.orgId, government.orgId].sort());
    for (const party of [enterprise.caller, government.caller, college.caller]) expect(await inbox(party)).toContain('CHANGE_PROPOSED');
    // Nothing changes before every signer approved.
    expect((await contractOf(contractId)).price).toEqual(before.price);

    const approved = await enterprise.caller.post(step(contractId, proposed.body.id, 'approve'));
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: 'PENDING', awaiting: [government.orgId] });
    const applied = await government.caller.post(step(contractId, proposed.body.id, 'approve'));
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body).toMatchObject({ status: 'APPLIED', awaiting: [], applied: { priceBefore: fen(600_000), priceAfter: fen(700_001), addedMilestones: [4] } });

    const after = await contractOf(contractId);
    expect(after).toMatchObject({ price: fen(700_001), milestoneCount: 4, reviewWindowDays: 21, planVersion: 1 });
    expect(after.milestones.map((m: { n: number; title: string; amount: { amount: number }; status: string }) => [m.n, m.title, m.amount.amount, m.status])).toEqual([
      [1, '里程碑 1', 100_000, 'FUNDED'],
      [2, '里程碑 2', 250_001, 'PENDING'],
      [3, '现场调试', 300_000, 'PENDING'],
      [4, '驻场培训', 50_000, 'PENDING'],
    ]);
    expect(after.milestones[0].dueAt).toBe('2099-12-31T15:59:59.999Z');
    // Added 90 days after the start: 80 days after the first milestone's original date (day 10).
    expect(after.milestones[3].dueAt).toBe(new Date(Date.parse(before.milestones[0].dueAt) + 80 * 86_400_000).toISOString());
    // The re-priced milestone is funded with the subsidy share of its new amount: 30 % of 250 001 fen.
    const funded = await enterprise.caller.post(milestonePath(contractId, 2, 'fund'), {}, key());
    expect(funded.status).toBe(200);
    expect(funded.body.funding).toEqual([{ orgId: enterprise.orgId, amount: 175_001 }, { orgId: government.orgId, amount: 75_000 }]);

    const actions = (await trail(contractId)).map((record) => record.action);
    expect(actions.filter((action) => action.startsWith('change-'))).toEqual(['change-propose', 'change-approve', 'change-approve', 'change-apply']);
    for (const party of [enterprise.caller, studio.caller, government.caller, college.caller]) expect(await inbox(party)).toContain('CHANGE_APPLIED');
    await expectStatsEqualRecount(contractId);

    const listed = await college.caller.get(changesOf(contractId));
    expect(listed.status).toBe(200);
    expect(itemIds(listed)).toEqual([proposed.body.id]);
    expect((await moderator.get(changesOf(contractId))).status).toBe(200);
  });

  it('lists newest first, a page at a time', async () => {
    const contractId = await activeContract(api, parties, { milestones: [10_000, 20_000] });
    const ids: string[] = [];
    for (const days of [20, 30, 40]) {
      const proposed = await enterprise.caller.post(changesOf(contractId), { reason: `窗口 ${days}`, operations: [{ op: 'reviewWindow', days }] });
      expect(proposed.status).toBe(201);
      ids.unshift(proposed.body.id);
    }
    const first = await studio.caller.get(`${changesOf(contractId)}?limit=2`);
    expect(itemIds(first)).toEqual(ids.slice(0, 2));
    const second = await studio.caller.get(`${changesOf(contractId)}?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(itemIds(second)).toEqual(ids.slice(2));
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('races', () => {
  it('two change orders against one version: exactly one applies, the other is SUPERSEDED (409)', async () => {
    const contractId = await activeContract(api, parties, { milestones: [10_000, 20_000] });
    const a = await enterprise.caller.post(changesOf(contractId), { reason: 'A', operations: [{ op: 'reprice', n: 2, amount: fen(25_000) }] });
    const b = await enterprise.caller.post(changesOf(contractId), { reason: 'B', operations: [{ op: 'reprice', n: 2, amount: fen(30_000) }] });
    expect([a.status, b.status]).toEqual([201, 201]);
    const results = await Promise.all([a, b].map((change) => studio.caller.post(step(contractId, change.body.id, 'approve'))));
    expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
    const winner = results.find((result) => result.status === 200)!;
    const loser = results.find((result) => result.status === 409)!;
    expect(winner.body.status).toBe('APPLIED');
    expectError(loser, 409, 'CHANGE_SUPERSEDED');

    const contract = await contractOf(contractId);
    expect(contract.planVersion).toBe(1);
    expect(contract.price.amount).toBe(10_000 + (winner.body.id === a.body.id ? 25_000 : 30_000));
    const listed = (await studio.caller.get(changesOf(contractId))).body.items as { id: string; status: string }[];
    expect(listed.map((change) => change.status).sort()).toEqual(['APPLIED', 'SUPERSEDED']);
    expect((await trail(contractId)).filter((record) => record.action === 'change-apply')).toHaveLength(1);
    // A superseded change stays superseded.
    expectError(await studio.caller.post(step(contractId, loser === results[0] ? a.body.id : b.body.id, 'approve')), 409);
    await expectStatsEqualRecount(contractId);
  });

  it('concurrent approvals of one change: both count, it applies exactly once', async () => {
    const contractId = await activeContract(api, parties, { milestones: [10_000, 20_000], subsidyBps: 2000 });
    const change = await enterprise.caller.post(changesOf(contractId), { reason: '延期', operations: [{ op: 'moveDue', n: 2, dueDate: '2099-01-31' }] });
    const results = await Promise.all([studio.caller, government.caller].map((caller) => caller.post(step(contractId, change.body.id, 'approve'))));
    expect(results.map((result) => result.status)).toEqual([200, 200]);
    expect(results.map((result) => result.body.status).sort()).toEqual(['APPLIED', 'PENDING']);
    const listed = (await studio.caller.get(changesOf(contractId))).body.items[0];
    expect(listed.status).toBe('APPLIED');
    expect(listed.approvals).toHaveLength(3);
    expect((await contractOf(contractId)).planVersion).toBe(1);
    expect((await trail(contractId)).filter((record) => record.action === 'change-apply')).toHaveLength(1);
  });
});

describe('what a change may not do', () => {
  it('never re-prices or removes a funded milestone, and writes nothing', async () => {
    const contractId = await activeContract(api, parties, { milestones: [10_000, 20_000] });
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), {}, key())).status).toBe(200);
    const before = await tableItemCount(api);
    expectError(await studio.caller.post(changesOf(contractId), { reason: '涨价', operations: [{ op: 'reprice', n: 1, amount: fen(15_000) }] }), 409, 'MILESTONE_NOT_PENDING');
    expectError(await studio.caller.post(changesOf(contractId), { reason: '删除', operations: [{ op: 'remove', n: 1 }] }), 409, 'MILESTONE_NOT_PENDING');
    expect(await tableItemCount(api)).toBe(before);

    // Proposed while PENDING, funded before the last approval: the approval is refused and nothing applies.
    const change = await studio.caller.post(changesOf(contractId), { reason: '涨价', operations: [{ op: 'reprice', n: 2, amount: fen(25_000) }] });
    expect(change.status).toBe(201);
    expect((await enterprise.caller.post(milestonePath(contractId, 2, 'fund'), {}, key())).status).toBe(200);
    expectError(await enterprise.caller.post(step(contractId, change.body.id, 'approve')), 409, 'MILESTONE_NOT_PENDING');
    expect((await contractOf(contractId)).price.amount).toBe(30_000);
  });

  it('is a 404 for non-parties, a 403 for parties and associations that do not sign', async () => {
    const contractId = await activeContract(api, parties, { milestones: [10_000, 20_000] });
    const change = await enterprise.caller.post(changesOf(contractId), { reason: '窗口', operations: [{ op: 'reviewWindow', days: 7 }] });
    const before = await tableItemCount(api);
    for (const stranger of [rivalStudio.caller, outsider.caller, nobody]) {
      expectError(await stranger.get(changesOf(contractId)), 404);
      expectError(await stranger.post(changesOf(contractId), { reason: 'x', operations: [{ op: 'reviewWindow', days: 7 }] }), 404);
      expectError(await stranger.post(step(contractId, change.body.id, 'approve')), 404);
    }
    expectError(await college.caller.post(changesOf(contractId), { reason: 'x', operations: [{ op: 'reviewWindow', days: 7 }] }), 403, 'NOT_A_SIGNER');
    expectError(await moderator.post(step(contractId, change.body.id, 'approve')), 403);
    expectError(await studio.caller.post(step(contractId, change.body.id, 'withdraw')), 403, 'NOT_PROPOSER');
    expectError(await enterprise.caller.post(step(contractId, change.body.id, 'approve')), 409, 'ALREADY_APPROVED');
    expect(await tableItemCount(api)).toBe(before);
  });

  it('refuses bad input with a 4xx naming the field, writing nothing', async () => {
    const contractId = await activeContract(api, parties, { milestones: [10_000, 20_000] });
    const before = await tableItemCount(api);
    const bad = async (body: unknown, status = 400) => {
      const response = await enterprise.caller.post(changesOf(contractId), body);
      expectError(response, status);
      return issuePaths(response);
    };
    expect(await bad({ operations: [{ op: 'reviewWindow', days: 7 }] })).toContain('reason');
    expect(await bad({ reason: 'x', operations: [] })).toContain('operations');
    expect(await bad({ reason: 'x', operations: [{ op: 'explode', n: 1 }] })).toEqual([expect.stringMatching(/^operations\.0/)]);
    expect(new Set(await bad({ reason: 'x', operations: [{ op: 'reprice', n: 2, amount: fen(-5) }] }))).toEqual(new Set(['operations.0.amount.amount']));
    expect(await bad({ reason: 'x', operations: [{ op: 'retitle', n: 9, title: '新' }] })).toEqual(['operations.0.n']);
    expect(await bad({ reason: 'x', operations: [{ op: 'moveDue', n: 1, dueDate: '2020-01-01' }] })).toEqual(['operations.0.dueDate']);
    expect(await bad({ reason: 'x', operations: [{ op: 'moveDue', n: 1, dueDate: '2099-02-30' }] })).toEqual(['operations.0.dueDate']);
    expect(await bad({ reason: 'x', operations: [{ op: 'remove', n: 1 }, { op: 'remove', n: 2 }] })).toEqual(['operations']);
    expect(await bad({ reason: 'x', operations: [{ op: 'reviewWindow', days: 7 }], extra: true })).toBeDefined();
    expectError(await enterprise.caller.post(`/v1/contracts/${contractId}/changes/not-a-change/approve`), 400);
    expectError(await enterprise.caller.post(step(contractId, 'chg_01J00000000000000000000000', 'approve')), 404);
    expect(await tableItemCount(api)).toBe(before);
  });

  it('rejects and withdraws; a decided change takes no more steps', async () => {
    const contractId = await activeContract(api, parties, { milestones: [10_000, 20_000] });
    const rejected = await enterprise.caller.post(changesOf(contractId), { reason: '窗口', operations: [{ op: 'reviewWindow', days: 7 }] });
    const reject = await studio.caller.post(step(contractId, rejected.body.id, 'reject'), { reason: '验收期太短' });
    expect(reject.status).toBe(200);
    expect(reject.body).toMatchObject({ status: 'REJECTED', decision: { orgId: studio.orgId, reason: '验收期太短' } });
    expect(await inbox(enterprise.caller)).toContain('CHANGE_REJECTED');
    expectError(await studio.caller.post(step(contractId, rejected.body.id, 'approve')), 409, 'INVALID_TRANSITION');

    const withdrawn = await enterprise.caller.post(changesOf(contractId), { reason: '窗口', operations: [{ op: 'reviewWindow', days: 8 }] });
    const withdraw = await enterprise.caller.post(step(contractId, withdrawn.body.id, 'withdraw'));
    expect(withdraw.status).toBe(200);
    expect(withdraw.body.status).toBe('WITHDRAWN');
    expect(await inbox(studio.caller)).toContain('CHANGE_WITHDRAWN');
    expect((await contractOf(contractId)).reviewWindowDays).toBe(14);
    const actions = (await trail(contractId)).map((record) => record.action);
    expect(actions).toEqual(expect.arrayContaining(['change-reject', 'change-withdraw']));
  });

  it('only changes an ACTIVE contract', async () => {
    const contractId = await activeContract(api, parties, { milestones: [10_000], unsigned: true });
    expectError(await enterprise.caller.post(changesOf(contractId), { reason: 'x', operations: [{ op: 'reviewWindow', days: 7 }] }), 409, 'CONTRACT_NOT_ACTIVE');
  });
});
