import { describe, expect, it } from 'vitest';
import { formatMoney, subsidyShare } from '@sharedtech/core';
import { DEMO_BASE_STAGES, seedDemoConsortium } from '@sharedtech/local';
import { suiteBrowser } from '../support/browser.js';
import { cny, openRequest } from '../support/fixtures.js';
import { startTestApi } from '../support/harness.js';
import { ledgerOf } from '../support/money.js';
import { demoStudioTeam } from '../support/demo.js';

/**
 * Subsidy programmes through the pages, in both languages: the government body
 * publishes a programme, the enterprise applies on its ACTIVE contract, the
 * government approves, the enterprise funds a milestone; the programme page's
 * budget, reserved, paid and remaining equal the ledger at every step.
 */
const api = await startTestApi();
await seedDemoConsortium(api.deps, DEMO_BASE_STAGES);
const enterprise = await api.as('demo-enterprise');
const studio = await api.as('demo-studio');
const association = await api.as('demo-association');
const government = await api.as('demo-government');
const governmentOrg = (await government.get('/v1/me')).body.organisation.id as string;

// An ACTIVE contract of the seeded enterprise and studio: two milestones.
const M1 = 123_457;
const M2 = 200_000;
const requestId = await openRequest(api, enterprise, association, { title: '焊缝视觉检测（资助旅程）' });
const bid = await studio.post(`/v1/requests/${requestId}/bids`, {
  price: cny(M1 + M2), durationDays: 60, approach: '采用环形光源与工业相机，基于深度学习的缺陷分割，现场标定与验收。',
  milestones: [{ title: '方案与样机', amount: cny(M1), dueInDays: 20 }, { title: '现场验收', amount: cny(M2), dueInDays: 60 }],
  team: await demoStudioTeam(studio),
});
const enterpriseOrg = (await enterprise.get('/v1/me')).body.organisation.id as string;
const studioOrg = (await studio.get('/v1/me')).body.organisation.id as string;
const shares = [{ orgId: enterpriseOrg, bps: 6_000 }, { orgId: studioOrg, bps: 4_000 }];
const contractId = (await enterprise.post(`/v1/requests/${requestId}/award`, { bidId: bid.body.id, shares: { benefitShares: shares, riskShares: shares, ipOwnership: 'JOINT' } })).body.id as string;
for (const signer of [enterprise, studio]) expect((await signer.post(`/v1/contracts/${contractId}/sign`)).status).toBe(200);

const browser = suiteBrowser(api.baseUrl, 'programmes');

const text = (selector: string) => browser.page.locator(selector).first().innerText();
const yuan = (amount: number) => formatMoney({ amount, currency: 'CNY' });
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
/** ¥5,000,000.00 in fen; the milestones are in yuan through `cny` (¥123,457.00 and ¥200,000.00). */
const BUDGET = 500_000_000;
const BPS = 2_000;
const reserved = subsidyShare(cny(M1).amount, BPS) + subsidyShare(cny(M2).amount, BPS);

/** The four figures of the programme page, as shown. */
async function figures() {
  const read = async (name: string) => (await browser.page.locator(`[data-figure="${name}"]`).innerText()).trim();
  return { budget: await read('budget'), reserved: await read('reserved'), paid: await read('paid'), remaining: await read('remaining') };
}

describe('a subsidy programme through the pages', () => {
  let programmePath = '';

  it('the government body publishes a programme from the menu (zh-CN), corrected by the messages beside the fields', async () => {
    const { page } = browser;
    await browser.signInAs('demo-government');
    await browser.go('/?lang=zh-CN');
    await browser.submit(page.locator('nav a[href="/programmes"]'));
    expect(await text('h1')).toBe('资助计划');
    await browser.submit(page.locator('a[href="/programmes/new"]'));
    await browser.submit(page.locator('form[action="/programmes/new"] button[type="submit"]'));
    expect(await page.locator('.error-summary').count()).toBe(1);
    await page.fill('#f-name', '2026 年度共性技术攻关资助计划');
    await page.fill('#f-budget', '5000000');
    await page.fill('#f-maxBps', '30');
    await page.fill('#f-clusters', 'smart-manufacturing');
    await page.fill('#f-opensOn', today);
    await page.fill('#f-closesOn', '2099-12-31');
    await browser.submit(page.locator('form[action="/programmes/new"] button[type="submit"]'));
    programmePath = new URL(page.url()).pathname;
    expect(programmePath).toMatch(/^\/programmes\/prg_[0-9A-Z]{26}$/);
    expect(await text('.flash')).toBe('资助计划已发布。');
    expect(await figures()).toEqual({ budget: yuan(BUDGET), reserved: yuan(0), paid: yuan(0), remaining: yuan(BUDGET) });
    expect(await text('[data-programme-figures]')).toContain('已预留');
    await browser.shot('programme-published');
  });

  it('the enterprise applies on its ACTIVE contract (en); a share above the maximum is refused beside the field', async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go(`${programmePath}?lang=en`);
    expect(await text('[data-programme-figures]')).toContain('Remaining');
    await page.fill('#f-contractId', contractId);
    await page.fill('#f-bps', '35');
    const [refused] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('[data-apply-form] button[type="submit"]').click()]);
    expect(refused?.status()).toBe(400);
    expect(await page.locator('#f-bps').getAttribute('aria-invalid')).toBe('true');
    await page.fill('#f-contractId', contractId);
    await page.fill('#f-bps', '20');
    await browser.submit(page.locator('[data-apply-form] button[type="submit"]'));
    expect(await text('.flash')).toBe('Your application is submitted.');
    const application = page.locator('[data-application-id]').first();
    expect(await application.locator('.badge').getAttribute('data-status')).toBe('PENDING');
    await browser.shot('application-submitted-en');
  });

  it('the government approves it (zh-CN): the reservation shows on the programme page', async () => {
    const { page } = browser;
    await browser.signInAs('demo-government');
    await browser.go(`${programmePath}?lang=zh-CN`);
    const [approved] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('form[action$="/approve"] button[type="submit"]').click()]);
    expect(approved?.status(), await text('main')).toBe(200);
    expect(await text('.flash')).toBe('已批准，资助已预留。');
    expect(await figures()).toEqual({ budget: yuan(BUDGET), reserved: yuan(reserved), paid: yuan(0), remaining: yuan(BUDGET - reserved) });
    await browser.shot('application-approved');
  });

  it('the enterprise funds the first milestone from the contract page; paid equals the ledger in both languages', async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go(`/contracts/${contractId}?lang=zh-CN`);
    expect(await text('[data-contract-grant]')).toContain('20');
    await browser.submit(page.locator(`form[action="/contracts/${contractId}/milestones/1/fund"] button[type="submit"]`));
    const ledger = await ledgerOf(enterprise, contractId);
    const paid = -ledger.balance(`external:${governmentOrg}`);
    expect(paid).toBe(subsidyShare(cny(M1).amount, BPS));
    for (const locale of ['zh-CN', 'en']) {
      await browser.go(`${programmePath}?lang=${locale}`);
      expect(await figures()).toEqual({ budget: yuan(BUDGET), reserved: yuan(reserved - paid), paid: yuan(paid), remaining: yuan(BUDGET - reserved) });
    }
    await browser.shot('programme-after-funding-en');
    await browser.shot('programme-after-funding-phone', { width: 390 });
    expect(browser.problems).toEqual([]);
  });
});
