import { describe, expect, it } from 'vitest';
import { monthBucket, programmeCounter, programmeStatsScope, subsidyShare, TOTAL_BUCKET } from '@sharedtech/core';
import { readClusterCounters } from '@sharedtech/data';
import { startTestApi } from '../support/harness.js';
import { expectError, itemIds, tableItemCount } from '../support/assertions.js';
import { organisation } from '../support/fixtures.js';
import { activeContract, fen, key, ledgerOf, milestonePath, moneyConsortium } from '../support/money.js';

/**
 * Subsidy programmes (政府资助计划): a government body publishes a programme with
 * a budget, an enterprise applies on its contract, the government approves
 * (reserving the subsidy atomically) or rejects; FUND posts the approved
 * subsidy, termination returns the unused reservation — and the programme's
 * figures always equal the ledger.
 */
const api = await startTestApi();
const parties = await moneyConsortium(api);
const { moderator, enterprise, government, outsider } = parties;
const otherGovernment = await organisation(api, moderator, { type: 'GOVERNMENT' });

const day = (offsetDays: number) => new Date(api.clock().getTime() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
const programmeBody = (overrides: Record<string, unknown> = {}) => ({
  name: '2026 年度共性技术攻关资助计划',
  budget: fen(10_000_000),
  maxBps: 3_000,
  clusters: ['smart-manufacturing'],
  opensOn: day(-1),
  closesOn: day(30),
  ...overrides,
});
const publish = async (overrides: Record<string, unknown> = {}) => {
  const published = await government.caller.post('/v1/programmes', programmeBody(overrides));
  expect(published.status, JSON.stringify(published.body)).toBe(201);
  return published.body.id as string;
};
const apply = (programmeId: string, contractId: string, bps: number, caller = enterprise.caller) =>
  caller.post(`/v1/programmes/${programmeId}/applications`, { contractId, bps });
const decide = (applicationId: string, decision: 'approve' | 'reject', reason?: string, caller = government.caller) =>
  caller.post(`/v1/applications/${applicationId}/decision`, { decision, ...(reason ? { reason } : {}) }, key());
const figures = async (programmeId: string) => (await enterprise.caller.get(`/v1/programmes/${programmeId}`)).body.figures as Record<string, number>;
const counters = (scope: string, bucket = TOTAL_BUCKET) => readClusterCounters(api.deps.db, scope, bucket, true);

describe('publishing', () => {
  it('lets a verified government body publish, and every member read the programme', async () => {
    const id = await publish();
    const read = await outsider.caller.get(`/v1/programmes/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ governmentOrgId: government.orgId, maxBps: 3_000, open: true, figures: { budget: 10_000_000, reserved: 0, paid: 0, remaining: 10_000_000 } });
    expect(itemIds(await enterprise.caller.get('/v1/programmes'))).toContain(id);
  });

  it('refuses a non-government publisher and bad fields, writing nothing', async () => {
    const before = await tableItemCount(api);
    expectError(await enterprise.caller.post('/v1/programmes', programmeBody()), 403, 'WRONG_ORG_TYPE');
    expectError(await government.caller.post('/v1/programmes', programmeBody({ opensOn: day(5), closesOn: day(1) })), 400, 'PERIOD_ORDER');
    expectError(await government.caller.post('/v1/programmes', programmeBody({ opensOn: '2026-02-30' })), 400, 'INVALID_DATE');
    expectError(await government.caller.post('/v1/programmes', programmeBody({ maxBps: 10_000 })), 400, 'VALIDATION_FAILED');
    expectError(await government.caller.post('/v1/programmes', programmeBody({ budget: fen(0) })), 400, 'VALIDATION_FAILED');
    expect(await tableItemCount(api)).toBe(before);
  });
});

describe('applying, deciding, funding and termination', () => {
  const M1 = 100_001;
  const M2 = 200_000;
  let programmeId: string;
  let contractId: string;
  let applicationId: string;
  const reservedM1 = subsidyShare(M1, 2_500);
  const reservedM2 = subsidyShare(M2, 2_500);

  it('refuses a closed programme, an uncovered cluster, a share above the maximum and a stranger, moving nothing', async () => {
    programmeId = await publish();
    contractId = await activeContract(api, parties, { milestones: [M1, M2] });
    const closed = await publish({ opensOn: day(-20), closesOn: day(-10) });
    const notYet = await publish({ opensOn: day(3), closesOn: day(10) });
    const elsewhere = await publish({ clusters: ['new-energy-vehicles'] });
    const before = await tableItemCount(api);
    expectError(await apply(closed, contractId, 2_000), 409, 'PROGRAMME_CLOSED');
    expectError(await apply(notYet, contractId, 2_000), 409, 'PROGRAMME_CLOSED');
    expectError(await apply(elsewhere, contractId, 2_000), 400, 'CLUSTER_NOT_COVERED');
    expectError(await apply(programmeId, contractId, 3_001), 400, 'BPS_ABOVE_MAXIMUM');
    expectError(await apply(programmeId, contractId, 0), 400, 'VALIDATION_FAILED');
    expectError(await apply(programmeId, contractId, 2_000, outsider.caller), 404);
    expectError(await apply(programmeId, contractId, 2_000, government.caller), 403, 'WRONG_ORG_TYPE');
    expect(await tableItemCount(api)).toBe(before);
  });

  it('takes one application per contract and shows it to the government and the applicant only', async () => {
    const applied = await apply(programmeId, contractId, 2_500);
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    applicationId = applied.body.id;
    expect(applied.body).toMatchObject({ status: 'PENDING', bps: 2_500, applicantOrgId: enterprise.orgId, contractId });
    expectError(await apply(programmeId, contractId, 2_000), 409, 'ALREADY_APPLIED');
    expect(itemIds(await government.caller.get(`/v1/programmes/${programmeId}/applications`))).toEqual([applicationId]);
    expect(itemIds(await enterprise.caller.get(`/v1/programmes/${programmeId}/applications`))).toEqual([applicationId]);
    expect(itemIds(await outsider.caller.get(`/v1/programmes/${programmeId}/applications`))).toEqual([]);
    expect(itemIds(await otherGovernment.caller.get(`/v1/programmes/${programmeId}/applications`))).toEqual([]);
    const inbox = await government.caller.get('/v1/notifications');
    expect(inbox.body.items.map((item: { type: string }) => item.type)).toContain('SUBSIDY_APPLIED');
  });

  it('lets only the programme’s government decide, and only once', async () => {
    const before = await tableItemCount(api);
    // Another government cannot see the application at all (404, as the authorisation matrix says); the applicant sees it but may not decide.
    expectError(await decide(applicationId, 'approve', undefined, otherGovernment.caller), 404);
    expectError(await decide(applicationId, 'approve', undefined, enterprise.caller), 403, 'NOT_PROGRAMME_OWNER');
    expect(await tableItemCount(api)).toBe(before);
    expect(await figures(programmeId)).toMatchObject({ reserved: 0, remaining: 10_000_000 });
  });

  it('reserves the subsidy of every milestone not yet funded at approval', async () => {
    const approved = await decide(applicationId, 'approve');
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: 'APPROVED', reserved: reservedM1 + reservedM2 });
    expectError(await decide(applicationId, 'reject'), 409, 'ALREADY_DECIDED');
    expect(await figures(programmeId)).toEqual({ budget: 10_000_000, reserved: reservedM1 + reservedM2, paid: 0, remaining: 10_000_000 - reservedM1 - reservedM2 });
    const contract = await enterprise.caller.get(`/v1/contracts/${contractId}`);
    expect(contract.body.grant).toMatchObject({ programmeId, bps: 2_500, orgId: government.orgId, reserved: reservedM1 + reservedM2, shares: { 1: reservedM1, 2: reservedM2 } });
    expect(await counters('smart-manufacturing')).toMatchObject({ [programmeCounter.approved]: reservedM1 + reservedM2 });
    expect(await counters(programmeStatsScope(programmeId), monthBucket(api.clock().toISOString()))).toMatchObject({ [programmeCounter.approved]: reservedM1 + reservedM2 });
  });

  it('posts the approved subsidy in the FUND entry, and the programme’s paid equals the ledger', async () => {
    const funded = await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), {}, key());
    expect(funded.status, JSON.stringify(funded.body)).toBe(200);
    expect(funded.body.funding).toEqual([{ orgId: enterprise.orgId, amount: M1 - reservedM1 }, { orgId: government.orgId, amount: reservedM1 }]);
    const ledger = await ledgerOf(enterprise.caller, contractId);
    expect(-ledger.balance(`external:${government.orgId}`)).toBe(reservedM1);
    expect(await figures(programmeId)).toEqual({ budget: 10_000_000, reserved: reservedM2, paid: reservedM1, remaining: 10_000_000 - reservedM1 - reservedM2 });
    expect(await counters(programmeStatsScope(programmeId))).toMatchObject({ [programmeCounter.paid]: reservedM1 });
  });

  it('returns the unspent reservation when the contract is terminated', async () => {
    const terminated = await moderator.post(`/v1/contracts/${contractId}/terminate`, { reason: '项目中止' }, key());
    expect(terminated.status, JSON.stringify(terminated.body)).toBe(200);
    const ledger = await ledgerOf(enterprise.caller, contractId);
    expect(ledger.balance(`external:${government.orgId}`)).toBe(0);
    // The refund gave M1's subsidy back; M2 was never funded: the whole reservation returns.
    expect(await figures(programmeId)).toEqual({ budget: 10_000_000, reserved: 0, paid: 0, remaining: 10_000_000 });
    expect(terminated.body.grant).toMatchObject({ returned: reservedM1 + reservedM2 });
    expect(await counters('smart-manufacturing')).toMatchObject({
      [programmeCounter.approved]: reservedM1 + reservedM2,
      [programmeCounter.paid]: reservedM1,
      [programmeCounter.returned]: reservedM1 + reservedM2,
    });
  });

  it('rejects with a reason and reserves nothing', async () => {
    const other = await activeContract(api, parties, { milestones: [50_000] });
    const applied = await apply(programmeId, other, 1_000);
    const rejected = await decide(applied.body.id, 'reject', '材料不全');
    expect(rejected.body).toMatchObject({ status: 'REJECTED', reason: '材料不全' });
    expect(rejected.body).not.toHaveProperty('reserved');
    expect(await figures(programmeId)).toMatchObject({ reserved: 0, remaining: 10_000_000 });
    const funded = await enterprise.caller.post(milestonePath(other, 1, 'fund'), {}, key());
    expect(funded.body.funding).toEqual([{ orgId: enterprise.orgId, amount: 50_000 }]);
  });

  it('refuses a contract subsidised at award', async () => {
    const subsidised = await activeContract(api, parties, { milestones: [50_000], subsidyBps: 1_000 });
    expectError(await apply(programmeId, subsidised, 1_000), 409, 'ALREADY_SUBSIDISED');
  });
});

describe('concurrent approvals', () => {
  it('never reserve more than the budget', async () => {
    // Each contract reserves 30 000 fen at 30 %; a budget of 100 000 fits three of six.
    const programmeId = await publish({ budget: fen(100_000) });
    const contracts = await Promise.all(Array.from({ length: 6 }, () => activeContract(api, parties, { milestones: [100_000] })));
    const applications: string[] = [];
    for (const contractId of contracts) applications.push((await apply(programmeId, contractId, 3_000)).body.id);
    const decisions = await Promise.all(applications.map((id) => decide(id, 'approve')));
    const approved = decisions.filter((response) => response.status === 200);
    const refused = decisions.filter((response) => response.status !== 200);
    expect(approved).toHaveLength(3);
    for (const response of refused) expectError(response, 409, 'BUDGET_EXCEEDED');
    expect(await figures(programmeId)).toEqual({ budget: 100_000, reserved: 90_000, paid: 0, remaining: 10_000 });
    const states = await government.caller.get(`/v1/programmes/${programmeId}/applications`);
    expect(states.body.items.filter((item: { status: string }) => item.status === 'APPROVED')).toHaveLength(3);
    expect(states.body.items.filter((item: { status: string }) => item.status === 'PENDING')).toHaveLength(3);
    expect(await counters(programmeStatsScope(programmeId))).toMatchObject({ [programmeCounter.approved]: 90_000 });
  });
});
