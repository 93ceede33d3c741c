import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { keys } from '@sharedtech/data';
import { upgradeDerivedItems } from '@sharedtech/services';
import { startTestApi, testClock, type Caller } from '../support/harness.js';
import { expectError, issuePaths, tableItemCount } from '../support/assertions.js';
import { consortium, openRequest, organisation } from '../support/fixtures.js';
import { bidBody, evenShares } from '../support/bids.js';
import { fen, key, milestonePath } from '../support/money.js';

/**
 * Yearly benefit and risk statements (issue 13 point 5): statements carry a
 * period, the summary totals them per year and party, a party's distribution
 * statement of a year shows what was reported, allocated and paid (from the
 * ledger), and reporting goes on after completion for the agreement's term.
 */
const clock = testClock(Date.parse('2026-05-10T02:00:00Z')); // 10:00 in Shanghai, quarter 2 of 2026
const api = await startTestApi({ clock });
const { moderator, enterprise, studio, college } = await consortium(api);
const outsider = await organisation(api, moderator, { type: 'ENTERPRISE' });
const PRICE = 1_000_000;

/** Tokens are minted by the app's clock: callers again after the clock moved on. */
const again = (caller: Caller) => api.as(caller.sub);

async function contract(termYears?: number) {
  const requestId = await openRequest(api, enterprise.caller, moderator);
  const bid = await studio.caller.post(`/v1/requests/${requestId}/bids`, { ...bidBody(studio.team), price: fen(PRICE), milestones: [{ title: '交付', amount: fen(PRICE), dueInDays: 30 }] });
  expect(bid.status, JSON.stringify(bid.body)).toBe(201);
  const award = await enterprise.caller.post(`/v1/requests/${requestId}/award`, {
    bidId: bid.body.id,
    shares: { ...evenShares(enterprise.orgId, studio.orgId), ...(termYears ? { termYears } : {}) },
  });
  expect(award.status, JSON.stringify(award.body)).toBe(201);
  const id = award.body.id as string;
  for (const signer of [enterprise.caller, studio.caller]) expect((await signer.post(`/v1/contracts/${id}/sign`)).status).toBe(200);
  return id;
}

async function complete(id: string) {
  expect((await enterprise.caller.post(milestonePath(id, 1, 'fund'), { amount: fen(PRICE) }, key())).status).toBe(200);
  expect((await studio.caller.post(milestonePath(id, 1, 'submit'), { note: '已交付' })).status).toBe(200);
  expect((await enterprise.caller.post(milestonePath(id, 1, 'accept'), {}, key())).status).toBe(200);
  expect((await enterprise.caller.get(`/v1/contracts/${id}`)).body.status).toBe('COMPLETED');
}

const contractId = await contract();
const shortTerm = await contract(1);
const report = (caller: Caller, body: Record<string, unknown>, kind: 'benefits' | 'risks' = 'benefits', id = contractId) => caller.post(`/v1/contracts/${id}/${kind}`, body);
const summary = (caller: Caller, id = contractId) => caller.get(`/v1/contracts/${id}/statements/summary`);
const distribution = (caller: Caller, query: string, id = contractId) => caller.get(`/v1/contracts/${id}/statements/distribution?${query}`);

describe('periods', () => {
  it('keeps the period reported, and takes this year when none is given', async () => {
    const quarter = await report(enterprise.caller, { amount: fen(100_001), period: { year: 2026, quarter: 1 }, note: '一季度新增销售' });
    expect(quarter.status, JSON.stringify(quarter.body)).toBe(201);
    expect(quarter.body).toMatchObject({ period: { year: 2026, quarter: 1 }, allocations: [{ orgId: enterprise.orgId, amount: fen(60_001) }, { orgId: studio.orgId, amount: fen(40_000) }] });
    const loss = await report(studio.caller, { amount: fen(20_000) }, 'risks');
    expect(loss.status).toBe(201);
    expect(loss.body.period).toEqual({ year: 2026 });
  });

  it('refuses a period in the future, before the award or out of range with the field path, writing nothing', async () => {
    const before = await tableItemCount(api);
    const nextYear = await report(enterprise.caller, { amount: fen(100), period: { year: 2027 } });
    expectError(nextYear, 400, 'PERIOD_IN_FUTURE');
    expect(issuePaths(nextYear)).toEqual(['period.year']);
    const nextQuarter = await report(enterprise.caller, { amount: fen(100), period: { year: 2026, quarter: 3 } }, 'risks');
    expectError(nextQuarter, 400, 'PERIOD_IN_FUTURE');
    expect(issuePaths(nextQuarter)).toEqual(['period.quarter']);
    expectError(await report(enterprise.caller, { amount: fen(100), period: { year: 2025 } }), 400, 'PERIOD_BEFORE_CONTRACT');
    expect(issuePaths(await report(enterprise.caller, { amount: fen(100), period: { year: 2026, quarter: 5 } }))).toEqual(['period.quarter']);
    expect(issuePaths(await report(enterprise.caller, { amount: fen(100), period: { quarter: 1 } }))).toEqual(['period.year']);
    expect(await tableItemCount(api)).toBe(before);
  });
});

describe('after completion, for the agreement’s term', () => {
  it('goes on reporting a year after the contract completed', async () => {
    await complete(contractId);
    await complete(shortTerm);
    clock.advanceDays(365); // 2027-05-10
    const enterpriseNow = await again(enterprise.caller);
    expect((await report(enterpriseNow, { amount: fen(50_000), period: { year: 2027 } })).status).toBe(201);
    expect((await report(enterpriseNow, { amount: fen(30_000), period: { year: 2026, quarter: 4 } })).status).toBe(201);
  });

  it('totals per year and party', async () => {
    const read = await summary(await again(studio.caller));
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toMatchObject({ contractId, currency: 'CNY', termYears: 3 });
    expect(read.body.termEndsAt.slice(0, 4)).toBe('2029');
    const byYear = (year: number) => read.body.years.find((entry: { year: number }) => entry.year === year);
    expect(read.body.years.map((entry: { year: number }) => entry.year)).toEqual([2027, 2026]);
    expect(byYear(2027)).toMatchObject({ statements: 1, benefit: 50_000, risk: 0 });
    expect(byYear(2026)).toMatchObject({ statements: 3, benefit: 130_001, risk: 20_000 });
    const party = (year: number, orgId: string) => byYear(year).parties.find((entry: { orgId: string }) => entry.orgId === orgId);
    expect(party(2026, enterprise.orgId)).toEqual({ orgId: enterprise.orgId, benefit: 60_001 + 18_000, risk: 14_000 });
    expect(party(2026, studio.orgId)).toEqual({ orgId: studio.orgId, benefit: 40_000 + 12_000, risk: 6_000 });
    expect(party(2027, studio.orgId)).toEqual({ orgId: studio.orgId, benefit: 20_000, risk: 0 });
  });

  it('gives each party its distribution statement of a year, with what moved in the ledger', async () => {
    const enterpriseNow = await again(enterprise.caller);
    const own = await distribution(enterpriseNow, 'year=2026');
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body).toMatchObject({ contractId, orgId: enterprise.orgId, year: 2026 });
    expect(own.body.lines.map((line: { kind: string; reported: number; allocated: number }) => [line.kind, line.reported, line.allocated])).toEqual([
      ['BENEFIT', 100_001, 60_001],
      ['RISK', 20_000, 14_000],
      ['BENEFIT', 30_000, 18_000],
    ]);
    expect(own.body.ledger).toEqual([expect.objectContaining({ kind: 'FUND', paid: PRICE, received: 0, milestoneN: 1 })]);
    expect(own.body.totals).toEqual({ benefitReported: 130_001, benefitAllocated: 78_001, riskReported: 20_000, riskAllocated: 14_000, paid: PRICE, received: 0 });
    const studios = await distribution(moderator, `year=2026&orgId=${studio.orgId}`);
    expect(studios.body.totals).toMatchObject({ benefitAllocated: 52_000, paid: 0, received: PRICE });
    const later = await distribution(enterpriseNow, 'year=2027');
    expect(later.body.ledger).toEqual([]);
    expect(later.body.totals).toMatchObject({ benefitReported: 50_000, benefitAllocated: 30_000 });
  });

  it('exports a distribution statement as CSV with a BOM, Chinese headers and yuan', async () => {
    const response = await fetch(`${api.baseUrl}/v1/contracts/${contractId}/statements/distribution.csv?year=2026`, { headers: { authorization: `Bearer ${(await again(enterprise.caller)).token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const raw = Buffer.from(await response.arrayBuffer());
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: Record<string, string>[] = parse(raw, { bom: true, columns: true });
    expect(Object.keys(rows[0]!)).toEqual(['项目', '日期', '期间', '类型', '申报金额（元）', '分配比例（%）', '分配金额（元）', '已付（元）', '已收（元）', '说明']);
    expect(rows[0]).toMatchObject({ 期间: '2026年第1季度', 类型: '收益', '申报金额（元）': '1000.01', '分配比例（%）': '60.00', '分配金额（元）': '600.01', 说明: '一季度新增销售' });
    expect(rows.find((row) => row['项目'] === '资金往来')).toMatchObject({ 类型: 'FUND', '已付（元）': '10000.00', '已收（元）': '0.00' });
    expect(rows.find((row) => row['项目'] === '合计：收益')).toMatchObject({ '申报金额（元）': '1300.01', '分配金额（元）': '780.01' });
  });

  it('refuses a party that is not one, and strangers, without writing', async () => {
    const enterpriseNow = await again(enterprise.caller);
    expectError(await distribution(enterpriseNow, `year=2026&orgId=${outsider.orgId}`), 400, 'NOT_A_PARTY');
    expectError(await distribution(moderator, 'year=2026'), 400, 'ORG_REQUIRED');
    expect(issuePaths(await distribution(enterpriseNow, 'year=later'))).toEqual(['year']);
    expectError(await distribution(await again(outsider.caller), 'year=2026'), 404);
    expectError(await summary(await again(outsider.caller)), 404);
    expect((await summary(await again(college.caller))).status).toBe(200);
  });

  it('refuses reporting once the agreement’s term has ended (409), with a shorter term sooner', async () => {
    const enterpriseNow = await again(enterprise.caller);
    const before = await tableItemCount(api);
    // One year and a day after completion: past the one-year term of the other contract, inside this one's three.
    clock.advanceDays(1);
    const late = await report(await again(enterpriseNow), { amount: fen(100), period: { year: 2027 } }, 'benefits', shortTerm);
    expectError(late, 409, 'SHARE_TERM_ENDED');
    expect(await tableItemCount(api)).toBe(before);
    clock.advanceDays(2 * 365 + 30); // 2029-06: past three years
    const refused = await report(await again(enterpriseNow), { amount: fen(100), period: { year: 2029 } });
    expectError(refused, 409, 'SHARE_TERM_ENDED');
    expect(await tableItemCount(api)).toBe(before);
    // What was reported stays readable.
    expect((await summary(await again(studio.caller))).body.years.map((entry: { year: number }) => entry.year)).toEqual([2027, 2026]);
  });
});

describe('statements recorded before periods', () => {
  it('stay readable and count in the year they were recorded once the data is upgraded', async () => {
    const old = {
      id: 'stm_01JD0000000000000000000001',
      contractId,
      kind: 'BENEFIT',
      amount: fen(10_000),
      allocations: [{ orgId: enterprise.orgId, bps: 6_000, amount: fen(6_000) }, { orgId: studio.orgId, bps: 4_000, amount: fen(4_000) }],
      reportedBy: { sub: enterprise.caller.sub, orgId: enterprise.orgId },
      at: '2026-12-31T17:00:00.000Z', // 2027-01-01 01:00 in Shanghai
    };
    await api.deps.db.doc.send(new PutCommand({ TableName: api.tableName, Item: { ...keys.shareStatement(contractId, 'BENEFIT', old.id), ...old } }));
    const studioNow = await again(studio.caller);
    const listed = await studioNow.get(`/v1/contracts/${contractId}/benefits?limit=100`);
    expect(listed.body.items.find((item: { id: string }) => item.id === old.id)).not.toHaveProperty('period');

    const upgraded = await upgradeDerivedItems(api.deps);
    expect(upgraded.statementsIndexed).toBeGreaterThanOrEqual(1);
    const year2027 = (await summary(studioNow)).body.years.find((entry: { year: number }) => entry.year === 2027);
    expect(year2027).toMatchObject({ statements: 2, benefit: 60_000 });
    const lines = (await distribution(studioNow, 'year=2027')).body.lines;
    expect(lines.find((line: { statementId: string }) => line.statementId === old.id)).toMatchObject({ period: { year: 2027 }, allocated: 4_000 });
    // Running it again adds nothing twice.
    await upgradeDerivedItems(api.deps);
    expect((await summary(studioNow)).body.years.find((entry: { year: number }) => entry.year === 2027)).toMatchObject({ statements: 2, benefit: 60_000 });
  });
});
