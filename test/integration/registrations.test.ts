import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { shanghaiDate } from '@sharedtech/core';
import { keys } from '@sharedtech/data';
import { createAssociation, upgradeDerivedItems } from '@sharedtech/services';
import { startTestApi, type Caller } from '../support/harness.js';
import { expectError, issuePaths, tableItemCount } from '../support/assertions.js';
import { openRequest, organisation, uniqueSub } from '../support/fixtures.js';
import { bidBody, evenShares } from '../support/bids.js';
import { fen, key, milestonePath } from '../support/money.js';

/**
 * Technology contract registration (技术合同认定登记, issue 13 point 4): the
 * contract type and technology transaction amount chosen at award, the
 * registration record of a contract, and the list and CSV export for an
 * association's cluster and a college's studios, read back with a real CSV parser.
 */
const api = await startTestApi();
const associationSub = uniqueSub('association');
await createAssociation(api.deps, { name: '测试产业协会', ownerSub: associationSub, cluster: 'smart-manufacturing' });
const moderator = await api.as(associationSub);
// A name with a comma and quotes: the CSV must keep it intact.
const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', name: '精工零部件, "华南"有限公司', cluster: 'smart-manufacturing' });
const college = await organisation(api, moderator, { type: 'COLLEGE', name: '市职业技术学院' });
const studio = await organisation(api, moderator, { type: 'STUDIO', name: '智能视觉教师工作室', collegeId: college.orgId, capabilities: ['机器视觉'] });
const otherCollege = await organisation(api, moderator, { type: 'COLLEGE' });
const credit = async (orgId: string) => (await moderator.get(`/v1/orgs/${orgId}`)).body.creditCode as string;

const today = shanghaiDate(api.clock());
const M1 = 3_000_000;
const M2 = 6_000_000;

/** Request → bid → award (with the registration choice, if given) → both signatures. */
async function contract(options: { title?: string; cluster?: string; registration?: unknown; sign?: boolean } = {}) {
  const requestId = await openRequest(api, enterprise.caller, moderator, {
    ...(options.title ? { title: options.title } : {}),
    ...(options.cluster ? { cluster: options.cluster } : {}),
  });
  const bid = await studio.caller.post(`/v1/requests/${requestId}/bids`, {
    ...bidBody(studio.team),
    price: fen(M1 + M2),
    milestones: [{ title: '方案设计', amount: fen(M1), dueInDays: 30 }, { title: '现场验收', amount: fen(M2), dueInDays: 90 }],
  });
  expect(bid.status, JSON.stringify(bid.body)).toBe(201);
  const award = await enterprise.caller.post(`/v1/requests/${requestId}/award`, {
    bidId: bid.body.id,
    shares: evenShares(enterprise.orgId, studio.orgId),
    ...(options.registration ? { registration: options.registration } : {}),
  });
  expect(award.status, JSON.stringify(award.body)).toBe(201);
  const id = award.body.id as string;
  if (options.sign !== false) {
    for (const signer of [enterprise.caller, studio.caller]) expect((await signer.post(`/v1/contracts/${id}/sign`)).status).toBe(200);
  }
  return { id, requestId, bidId: bid.body.id as string };
}

const TITLE = '视觉检测, 含"缺陷"分类与复判';
const development = await contract({ title: TITLE, registration: { contractType: 'DEVELOPMENT', technologyAmount: fen(7_500_000) } });
const service = await contract({ registration: { contractType: 'SERVICE', technologyAmount: fen(M1 + M2) } });
const older = await contract(); // awarded without a registration choice, like contracts before this feature
const unsigned = await contract({ registration: { contractType: 'CONSULTING', technologyAmount: fen(100) }, sign: false });

const csvOf = async (caller: Caller, query: string) => {
  const response = await api.call<string>('GET', `/v1/registrations.csv?${query}`, caller.token);
  return { ...response, text: typeof response.body === 'string' ? response.body : JSON.stringify(response.body) };
};

describe('choosing at award', () => {
  it('records the contract type and technology transaction amount on the contract', async () => {
    const read = await enterprise.caller.get(`/v1/contracts/${development.id}`);
    expect(read.body.registration).toEqual({ contractType: 'DEVELOPMENT', technologyAmount: fen(7_500_000) });
    expect((await enterprise.caller.get(`/v1/contracts/${older.id}`)).body).not.toHaveProperty('registration');
  });

  it('refuses an amount above the price, a zero amount and an unknown type with the field path, writing nothing', async () => {
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const bid = await studio.caller.post(`/v1/requests/${requestId}/bids`, bidBody(studio.team, 1_000));
    const award = (registration: unknown) =>
      enterprise.caller.post(`/v1/requests/${requestId}/award`, { bidId: bid.body.id, shares: evenShares(enterprise.orgId, studio.orgId), registration });
    const before = await tableItemCount(api);
    const over = await award({ contractType: 'TRANSFER', technologyAmount: fen(100_001) });
    expectError(over, 400, 'TECH_AMOUNT_RANGE');
    expect(issuePaths(over)).toEqual(['registration.technologyAmount.amount']);
    expect(issuePaths(await award({ contractType: 'TRANSFER', technologyAmount: fen(0) }))).toEqual(['registration.technologyAmount.amount']);
    const unknown = await award({ contractType: 'LEASING', technologyAmount: fen(100) });
    expectError(unknown, 400, 'VALIDATION_FAILED');
    expect(issuePaths(unknown)).toEqual(['registration.contractType']);
    expectError(await award({ contractType: 'TRANSFER' }), 400, 'VALIDATION_FAILED');
    expect(await tableItemCount(api)).toBe(before);
    expect((await enterprise.caller.get(`/v1/requests/${requestId}`)).body.status).toBe('OPEN');
  });
});

describe('the registration record of a contract', () => {
  it('names the parties with their credit codes, the type, amounts, Shanghai dates and IP ownership', async () => {
    const record = await studio.caller.get(`/v1/contracts/${development.id}/registration`);
    expect(record.status, JSON.stringify(record.body)).toBe(200);
    expect(record.body).toMatchObject({
      contractId: development.id,
      subject: TITLE,
      contractType: 'DEVELOPMENT',
      status: 'ACTIVE',
      price: fen(M1 + M2),
      technologyAmount: fen(7_500_000),
      technologyIncome: fen(0),
      signedOn: today,
      activatedOn: today,
      ipOwnership: 'JOINT',
      parties: [
        { role: 'BUYER', orgId: enterprise.orgId, name: '精工零部件, "华南"有限公司', creditCode: await credit(enterprise.orgId) },
        { role: 'SELLER', orgId: studio.orgId, name: '智能视觉教师工作室' },
        { role: 'SELLER_COLLEGE', orgId: college.orgId, name: '市职业技术学院', creditCode: await credit(college.orgId) },
      ],
    });
    // The last milestone is due 90 Shanghai days after activation.
    const due = new Date(`${today}T00:00:00+08:00`);
    due.setUTCDate(due.getUTCDate() + 90);
    expect(record.body.dueOn).toBe(shanghaiDate(due));
  });

  it('counts the technology part of what the studio side has been paid as technology income', async () => {
    expect((await enterprise.caller.post(milestonePath(development.id, 1, 'fund'), { amount: fen(M1) }, key())).status).toBe(200);
    expect((await studio.caller.post(milestonePath(development.id, 1, 'submit'), { note: '方案已交付' })).status).toBe(200);
    expect((await enterprise.caller.post(milestonePath(development.id, 1, 'accept'), {}, key())).status).toBe(200);
    const record = await college.caller.get(`/v1/contracts/${development.id}/registration`);
    // 3,000,000 fen earned × 7,500,000 / 9,000,000 = 2,500,000 fen.
    expect(record.body.technologyIncome).toEqual(fen(2_500_000));
  });

  it('reads a contract awarded before registrations without type or technology amount', async () => {
    const record = await enterprise.caller.get(`/v1/contracts/${older.id}/registration`);
    expect(record.status).toBe(200);
    expect(record.body).not.toHaveProperty('contractType');
    expect(record.body).not.toHaveProperty('technologyAmount');
    expect(record.body.technologyIncome).toEqual(fen(0));
  });

  it('is the parties’ and associations’ only', async () => {
    expect((await moderator.get(`/v1/contracts/${development.id}/registration`)).status).toBe(200);
    expectError(await otherCollege.caller.get(`/v1/contracts/${development.id}/registration`), 404);
  });
});

describe('the list and the export', () => {
  const range = (from = today, to = today) => `from=${from}&to=${to}`;

  it('lists an association’s cluster and a college’s studios’ activated contracts, oldest first', async () => {
    const forAssociation = await moderator.get(`/v1/registrations?${range()}`);
    expect(forAssociation.status, JSON.stringify(forAssociation.body)).toBe(200);
    expect(forAssociation.body.scope).toEqual({ cluster: 'smart-manufacturing' });
    expect(forAssociation.body.items.map((item: { contractId: string }) => item.contractId)).toEqual([development.id, service.id, older.id]);
    const forCollege = await college.caller.get(`/v1/registrations?${range()}&limit=2`);
    expect(forCollege.body.items.map((item: { contractId: string }) => item.contractId)).toEqual([development.id, service.id]);
    const next = await college.caller.get(`/v1/registrations?${range()}&limit=2&cursor=${encodeURIComponent(forCollege.body.nextCursor)}`);
    expect(next.body.items.map((item: { contractId: string }) => item.contractId)).toEqual([older.id]);
    expect((await otherCollege.caller.get(`/v1/registrations?${range()}`)).body.items).toEqual([]);
    expect((await moderator.get(`/v1/registrations?${range()}&cluster=new-energy-vehicles`)).body.items).toEqual([]);
  });

  it('leaves out contracts activated outside the range', async () => {
    expect((await moderator.get(`/v1/registrations?${range('2020-01-01', '2020-12-31')}`)).body.items).toEqual([]);
  });

  it('exports UTF-8 CSV with a BOM, Chinese headers, one row per contract, yuan with two decimals, commas and quotes intact', async () => {
    const file = await csvOf(moderator, range());
    expect(file.status, file.text).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="registrations-smart-manufacturing-/);
    const raw = Buffer.from(await (await fetch(`${api.baseUrl}/v1/registrations.csv?${range()}`, { headers: { authorization: `Bearer ${moderator.token}` } })).arrayBuffer());
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: Record<string, string>[] = parse(raw, { bom: true, columns: true });
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0]!)).toEqual([
      '合同编号', '项目名称', '合同类型', '委托方（买方）名称', '委托方统一社会信用代码', '受托方（卖方）名称', '受托方统一社会信用代码',
      '所属学院', '学院统一社会信用代码', '合同金额（元）', '技术交易额（元）', '技术性收入（元）', '签订日期', '生效日期', '履行截止日期',
      '知识产权归属', '合同状态', '产业集群',
    ]);
    const byId = new Map(rows.map((row) => [row['合同编号'], row]));
    expect(byId.get(development.id)).toMatchObject({
      项目名称: TITLE,
      合同类型: '技术开发',
      '委托方（买方）名称': '精工零部件, "华南"有限公司',
      委托方统一社会信用代码: await credit(enterprise.orgId),
      '受托方（卖方）名称': '智能视觉教师工作室',
      所属学院: '市职业技术学院',
      '合同金额（元）': '90000.00',
      '技术交易额（元）': '75000.00',
      '技术性收入（元）': '25000.00',
      签订日期: today,
      生效日期: today,
      知识产权归属: '双方共有',
      合同状态: '履行中',
      产业集群: 'smart-manufacturing',
    });
    expect(byId.get(service.id)).toMatchObject({ 合同类型: '技术服务', '技术交易额（元）': '90000.00', '技术性收入（元）': '0.00' });
    expect(byId.get(older.id)).toMatchObject({ 合同类型: '', '技术交易额（元）': '' });
    expect(byId.has(unsigned.id)).toBe(false);

    const forCollege: Record<string, string>[] = parse((await csvOf(college.caller, range())).text, { bom: true, columns: true });
    expect(forCollege.map((row) => row['合同编号'])).toEqual([development.id, service.id, older.id]);
  });

  it('refuses callers that are not associations or colleges, and bad ranges, with a clear 4xx', async () => {
    expectError(await enterprise.caller.get(`/v1/registrations?${range()}`), 403, 'WRONG_ORG_TYPE');
    expectError(await studio.caller.get(`/v1/registrations.csv?${range()}`), 403, 'WRONG_ORG_TYPE');
    const reversed = await moderator.get(`/v1/registrations?${range('2026-02-01', '2026-01-01')}`);
    expectError(reversed, 400, 'RANGE_REVERSED');
    expect(issuePaths(reversed)).toEqual(['to']);
    expect(issuePaths(await moderator.get('/v1/registrations.csv?from=2026-02-30&to=2026-03-01'))).toEqual(['from']);
    expect(issuePaths(await moderator.get(`/v1/registrations?to=${today}`))).toEqual(['from']);
    expectError(await college.caller.get(`/v1/registrations?${range()}&cluster=smart-manufacturing`), 400, 'CLUSTER_NOT_ALLOWED');
    const noCluster = uniqueSub('association');
    await createAssociation(api.deps, { name: '无集群协会', ownerSub: noCluster });
    expectError(await (await api.as(noCluster)).get(`/v1/registrations?${range()}`), 400, 'CLUSTER_REQUIRED');
  });
});

describe('contracts activated before registrations', () => {
  it('enter the lists once the data is upgraded, and only once', { timeout: 120_000 }, async () => {
    // As before this feature: the activated contract has no registration entry.
    await api.deps.db.doc.send(new DeleteCommand({ TableName: api.tableName, Key: keys.registration(older.id) }));
    const listed = async () => (await moderator.get(`/v1/registrations?from=${today}&to=${today}`)).body.items.map((item: { contractId: string }) => item.contractId);
    expect(await listed()).toEqual([development.id, service.id]);
    expect((await upgradeDerivedItems(api.deps)).registrationsIndexed).toBeGreaterThanOrEqual(3);
    expect(await listed()).toEqual([development.id, service.id, older.id]);
    await upgradeDerivedItems(api.deps);
    expect(await listed()).toEqual([development.id, service.id, older.id]);
  });
});
