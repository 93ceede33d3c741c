import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiPeriod } from '@sharedtech/core';
import { DEMO_BASE_STAGES, seedDemoConsortium } from '@sharedtech/local';
import { openBrowser, type Browser } from '../support/browser.js';
import { cny, openRequest } from '../support/fixtures.js';
import { startTestApi, type Caller } from '../support/harness.js';
import { demoStudioTeam } from '../support/demo.js';

/**
 * Technology contract registration and yearly distribution statements through
 * the pages, in Chromium: the enterprise chooses the contract type and the
 * technology transaction amount on the award form and reports a benefit for a
 * period (zh-CN); the association finds the contract on the registration page
 * and exports the CSV (zh-CN, then the page in English); the enterprise reads
 * its distribution statement of the year and exports it (English). Every
 * figure on the pages is the API's.
 */
const api = await startTestApi();
await seedDemoConsortium(api.deps, DEMO_BASE_STAGES);
const enterprise = await api.as('demo-enterprise');
const studio = await api.as('demo-studio');
const association = await api.as('demo-association');
const orgIdOf = async (caller: Caller) => (await caller.get('/v1/me')).body.organisation.id as string;
const [enterpriseOrg, studioOrg] = [await orgIdOf(enterprise), await orgIdOf(studio)];
const ok = <T extends { status: number; body: unknown }>(response: T, status = 200) => {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  return response.body as any;
};

const TITLE = '曲轴磨削, "智能"补偿';
const requestId = await openRequest(api, enterprise, association, { title: TITLE });
const bidId = ok(
  await studio.post(`/v1/requests/${requestId}/bids`, {
    price: cny(80_000),
    durationDays: 60,
    approach: '建立磨削误差模型，在线测量后自动补偿砂轮进给。',
    milestones: [{ title: '模型与样机', amount: cny(30_000), dueInDays: 20 }, { title: '现场验收', amount: cny(50_000), dueInDays: 60 }],
    team: await demoStudioTeam(studio),
  }),
  201,
).id as string;
const year = shanghaiPeriod(api.clock()).year;

let browser: Browser;
let contractId: string;
beforeAll(async () => {
  browser = await openBrowser(api.baseUrl, 'registry');
});
afterAll(async () => {
  await browser?.close();
});

/** Clicks the export button and reads the downloaded file's bytes. */
async function download(selector = 'a[data-export]') {
  const [file] = await Promise.all([browser.page.waitForEvent('download'), browser.page.locator(selector).click()]);
  return readFile((await file.path())!);
}

describe('registration (zh-CN, then English)', () => {
  it('the enterprise chooses the contract type and technology transaction amount when awarding', { timeout: 90_000 }, async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go(`/requests/${requestId}/award?bid=${bidId}&lang=zh-CN`);
    expect(await page.locator('legend', { hasText: '技术合同认定登记' }).count()).toBe(1);
    for (const table of ['benefitShares', 'riskShares']) {
      await page.fill(`input[name="shares.${table}.${enterpriseOrg}"]`, '60');
      await page.fill(`input[name="shares.${table}.${studioOrg}"]`, '40');
    }
    await page.selectOption('select[name="shares.ipOwnership"]', 'JOINT');
    await page.selectOption('select[name="registration.contractType"]', 'DEVELOPMENT');
    // Above the price: refused beside the field, nothing awarded.
    await page.fill('input[name="registration.technologyAmount"]', '90000');
    await browser.submit(page.locator('form[action$="/award"] button[type="submit"]'));
    expect(await page.locator('#f-registration-technologyAmount-error').count()).toBe(1);
    expect(ok(await enterprise.get(`/v1/requests/${requestId}`)).status).toBe('OPEN');
    await page.fill('input[name="registration.technologyAmount"]', '60000');
    await browser.submit(page.locator('form[action$="/award"] button[type="submit"]'));
    contractId = page.url().match(/\/contracts\/(ctr_[0-9A-Z]{26})/)![1]!;
    expect(ok(await enterprise.get(`/v1/contracts/${contractId}`)).registration).toEqual({ contractType: 'DEVELOPMENT', technologyAmount: cny(60_000) });
    expect(await page.locator('a[href$="/registration"]').innerText()).toBe('技术开发');
    ok(await enterprise.post(`/v1/contracts/${contractId}/sign`));
    ok(await studio.post(`/v1/contracts/${contractId}/sign`));
    ok(await enterprise.post(`/v1/contracts/${contractId}/milestones/1/fund`, {}, { 'idempotency-key': 'registry-journey-fund-1' }));
    ok(await studio.post(`/v1/contracts/${contractId}/milestones/1/submit`, { note: '模型已交付' }));
    ok(await enterprise.post(`/v1/contracts/${contractId}/milestones/1/accept`, {}, { 'idempotency-key': 'registry-journey-accept-1' }));
  });

  it('the association lists the contract and exports the CSV the registration office reads', { timeout: 90_000 }, async () => {
    const { page } = browser;
    await browser.signInAs('demo-association');
    await browser.go('/?lang=zh-CN');
    await browser.submit(page.locator('nav a[href="/registrations"]'));
    expect(await page.locator('h1').innerText()).toBe('技术合同登记');
    const row = page.locator(`tr[data-contract="${contractId}"]`);
    expect(await row.locator('td').nth(0).innerText()).toBe(TITLE);
    expect(await row.locator('td').nth(1).innerText()).toBe('技术开发');
    const record = ok(await association.get(`/v1/contracts/${contractId}/registration`));
    // ¥30,000 released × 60,000 / 80,000 = ¥22,500 of technology income.
    expect(record.technologyIncome).toEqual(cny(22_500));
    expect(await row.locator('td').nth(6).innerText()).toBe('¥22,500.00');
    const raw = await download();
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: Record<string, string>[] = parse(raw, { bom: true, columns: true });
    const mine = rows.find((entry) => entry['合同编号'] === contractId);
    expect(mine).toMatchObject({ 项目名称: TITLE, 合同类型: '技术开发', '合同金额（元）': '80000.00', '技术交易额（元）': '60000.00', '技术性收入（元）': '22500.00', 生效日期: record.activatedOn });
    await browser.shot('registrations-zh');

    await browser.go('/registrations?lang=en');
    expect(await page.locator('h1').innerText()).toBe('Technology contract registration');
    expect(await page.locator(`tr[data-contract="${contractId}"] td`).nth(1).innerText()).toBe('Technology development');
    await browser.submit(page.locator(`tr[data-contract="${contractId}"] a`));
    expect(await page.locator('h1').innerText()).toBe('Registration details');
    expect(await page.locator('[data-field="technologyIncome"]').innerText()).toBe('¥22,500.00');
    await browser.shot('registration-record-en');
  });
});

describe('yearly benefit statements (zh-CN, then English)', () => {
  it('the enterprise reports a benefit for a period on the contract page', { timeout: 90_000 }, async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go(`/contracts/${contractId}?lang=zh-CN`);
    await page.locator('summary', { hasText: '报告收益或损失' }).click();
    const form = page.locator(`form[action="/contracts/${contractId}/statements"]`);
    await form.locator('select[name="kind"]').selectOption('BENEFIT');
    await form.locator('input[name="amount"]').fill('1000.01');
    // A future year is refused beside its field.
    await form.locator('input[name="period.year"]').fill(String(year + 1));
    await browser.submit(form.locator('button[type="submit"]'));
    expect(await page.locator('#f-period-year-error').count()).toBe(1);
    const again = page.locator(`form[action="/contracts/${contractId}/statements"]`);
    await again.locator('select[name="kind"]').selectOption('BENEFIT');
    await again.locator('input[name="amount"]').fill('1000.01');
    await again.locator('input[name="period.year"]').fill(String(year));
    await browser.submit(again.locator('button[type="submit"]'));
    expect(await page.locator('[data-period]').first().innerText()).toBe(`${year} 年度`);
  });

  it('the enterprise reads and exports its distribution statement, equal to the API and the ledger', { timeout: 90_000 }, async () => {
    const { page } = browser;
    await browser.go(`/contracts/${contractId}?lang=en`);
    await browser.submit(page.locator(`a[href="/contracts/${contractId}/distribution"]`));
    expect(await page.locator('h1').innerText()).toBe('Yearly distribution statement');
    const api = ok(await enterprise.get(`/v1/contracts/${contractId}/statements/distribution?year=${year}`));
    expect(api.totals).toEqual({ benefitReported: 100_001, benefitAllocated: 60_001, riskReported: 0, riskAllocated: 0, paid: 3_000_000, received: 0 });
    const shown = async (name: string) => page.locator(`[data-total="${name}"]`).innerText();
    expect(await shown('benefitReported')).toBe('¥1,000.01');
    expect(await shown('benefitAllocated')).toBe('¥600.01');
    expect(await shown('paid')).toBe('¥30,000.00');
    expect(await page.locator('table[data-ledger] tbody tr').count()).toBe(1);
    await browser.shot('distribution-en');
    const rows: string[][] = parse(await download(), { bom: true });
    expect(rows[0]).toEqual(['项目', '日期', '期间', '类型', '申报金额（元）', '分配比例（%）', '分配金额（元）', '已付（元）', '已收（元）', '说明']);
    expect(rows[1]!.slice(2, 7)).toEqual([`${year}年度`, '收益', '1000.01', '60.00', '600.01']);

    // The studio's side of the same year, in Chinese: what it received.
    await browser.signInAs('demo-studio');
    await browser.go(`/contracts/${contractId}/distribution?lang=zh-CN`);
    expect(await page.locator('h1').innerText()).toBe('年度收益分配表');
    expect(await shown('received')).toBe('¥30,000.00');
    expect(await shown('benefitAllocated')).toBe('¥400.00');
    expect(browser.problems).toEqual([]);
  });
});
