import { describe, expect, it } from 'vitest';
import { DICTIONARIES, LOCALES, type Locale } from '@sharedtech/web';
import { suiteBrowser } from '../support/browser.js';
import { cny, openRequest } from '../support/fixtures.js';
import { startDemoApi } from '../support/demo.js';

/**
 * Each role's view in a real Chromium: every role walks every entry of its menu
 * in Chinese and in English (each answers 200, translated), then the association
 * filters all contracts and opens a trail by a link, the government reads the
 * statistics of what it co-funds, and the college follows its studio's bid to its trail.
 */
const { api, enterprise, studio, association, government, enterpriseOrg, studioOrg, governmentOrg, studioTeam } = await startDemoApi();
const ok = <T extends { status: number; body: unknown }>(response: T, status = 200) => {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  return response.body as any;
};

// A subsidised, ACTIVE contract with its first milestone funded.
const requestId = await openRequest(api, enterprise, association, { title: '齿轮箱异响在线诊断' });
const bidId = ok(
  await studio.post(`/v1/requests/${requestId}/bids`, {
    price: cny(80_000),
    durationDays: 60,
    approach: '采集振动与声学信号，以频谱特征与深度学习模型识别异响。',
    milestones: [
      { title: '数据采集与模型', amount: cny(30_000), dueInDays: 30 },
      { title: '产线部署与验收', amount: cny(50_000), dueInDays: 60 },
    ],
    team: studioTeam,
  }),
  201,
).id as string;
const shares = [{ orgId: enterpriseOrg, bps: 6_000 }, { orgId: studioOrg, bps: 4_000 }];
const contractId = ok(
  await enterprise.post(`/v1/requests/${requestId}/award`, {
    bidId,
    shares: { benefitShares: shares, riskShares: shares, ipOwnership: 'JOINT', subsidy: { orgId: governmentOrg, bps: 3_000 } },
  }),
  201,
).id as string;
for (const signer of [enterprise, studio, government]) ok(await signer.post(`/v1/contracts/${contractId}/sign`));
ok(await enterprise.post(`/v1/contracts/${contractId}/milestones/1/fund`, {}, { 'idempotency-key': 'role-views-journey-fund-1' }));

const browser = suiteBrowser(api.baseUrl, 'role-views');

const KEYS = Object.keys(DICTIONARIES['zh-CN']);

/** The menu entries the page shows, by href. */
const menu = () => browser.page.locator('nav.main-nav a').evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));

/** What each role's menu must lead to (at least): everything it may see. */
const CONSORTIUM = ['/resources', '/appointments', '/programmes'];
const EXPECTED: Record<string, string[]> = {
  'demo-enterprise': ['/requests', '/requests/new', '/feed', '/contracts', '/accounts', '/notifications', ...CONSORTIUM, '/people'],
  'demo-studio': ['/feed', '/bids', '/invitations', '/contracts', '/accounts', '/notifications', ...CONSORTIUM, '/people'],
  'demo-college': ['/feed', '/org/studios', '/college/bids', '/contracts', '/accounts', '/notifications', ...CONSORTIUM, '/council', '/registrations', '/people', '/college/student-records'],
  'demo-government': ['/feed', '/funding', '/contracts', '/accounts', '/notifications', ...CONSORTIUM, '/council'],
  'demo-association': [
    '/moderation/orgs', '/moderation/requests', '/moderation/disputes', '/contracts', '/feed', '/stats', '/audit', '/notifications', ...CONSORTIUM, '/council', '/registrations',
  ],
};

async function expectTranslated(locale: Locale, where: string) {
  expect(await browser.page.locator('html').getAttribute('lang'), where).toBe(locale);
  const text = await browser.page.locator('body').innerText();
  expect(KEYS.filter((key) => text.includes(key)), where).toEqual([]);
  expect(text.match(/\{[a-zA-Z]+\}/g), where).toBeNull();
}

describe('each role’s menu leads to everything it may see', () => {
  for (const [sub, expected] of Object.entries(EXPECTED)) {
    it(`${sub}: every menu entry answers 200 in Chinese and English`, { timeout: 60_000 }, async () => {
      await browser.signInAs(sub);
      for (const locale of LOCALES) {
        await browser.go(`/?lang=${locale}`);
        const hrefs = await menu();
        expect(hrefs, `${sub} ${locale}`).toEqual(expected);
        const labels = await browser.page.locator('nav.main-nav a').allInnerTexts();
        for (const href of hrefs) {
          const response = await browser.page.goto(new URL(href, api.baseUrl).toString());
          expect(response?.status(), `${sub} ${href} ${locale}`).toBe(200);
          await expectTranslated(locale, `${sub} ${href} ${locale}`);
          // The entry of the page one is on is marked as the current one.
          expect(await browser.page.locator('nav.main-nav a[aria-current="page"]').getAttribute('href'), `${sub} ${href}`).toBe(href);
        }
        // The menu reads in the page's language: no entry is the same in both.
        if (locale === 'en') expect(labels.some((label) => /[\u4e00-\u9fff]/.test(label)), sub).toBe(false);
      }
      await browser.go('/?lang=zh-CN');
      await browser.shot(`${sub}-menu-zh`);
    });
  }
});

describe('what each role does with its view', () => {
  it('the association filters every contract and reaches a trail by a link (no typed id)', async () => {
    const { page } = browser;
    await browser.signInAs('demo-association');
    await browser.go('/contracts?lang=zh-CN');
    expect(await page.locator('h1').innerText()).toBe('合同');
    await page.getByLabel('状态').selectOption('ACTIVE');
    await page.getByLabel('产业集群').selectOption('smart-manufacturing');
    await browser.submit(page.locator('form[role="search"] button[type="submit"]'));
    expect(new URL(page.url()).searchParams.get('status')).toBe('ACTIVE');
    const row = page.locator(`[data-contract-id="${contractId}"]`);
    expect(await row.count()).toBe(1);
    await browser.shot('association-contracts-active-zh');
    await page.getByLabel('状态').selectOption('TERMINATED');
    await browser.submit(page.locator('form[role="search"] button[type="submit"]'));
    expect(await page.locator('[data-contract-id]').count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain('还没有合同。');

    await browser.go('/contracts?lang=en');
    await browser.submit(page.locator(`[data-contract-id="${contractId}"] a`, { hasText: 'Audit trail' }));
    expect(new URL(page.url()).searchParams.get('entity')).toBe(`contract:${contractId}`);
    expect(await page.locator('table.audit tbody tr').count()).toBeGreaterThanOrEqual(4);
    await browser.shot('association-contract-trail-en');
    // From the contract's page, a milestone's steps are one link away too.
    await browser.go(`/contracts/${contractId}?lang=en`);
    await browser.submit(page.locator('[data-milestone-audit="1"]'));
    expect(await page.locator('tr[data-action="milestone-fund"]').count()).toBe(1);
  });

  it('the government reads what it co-funds: committed, paid and outcomes', async () => {
    const { page } = browser;
    await browser.signInAs('demo-government');
    await browser.go('/funding?lang=zh-CN');
    expect(await page.locator('h1').innerText()).toBe('资助合同与统计');
    // 30 % of ¥300.00 and ¥500.00; the first milestone's share paid.
    expect(await page.locator('[data-stat="committed"]').innerText()).toBe('¥24,000.00');
    expect(await page.locator('[data-stat="funded"]').innerText()).toBe('¥9,000.00');
    expect(await page.locator('[data-stat="paid"]').innerText()).toBe('¥9,000.00');
    expect(await page.locator('[data-stat="active"]').innerText()).toBe('1');
    expect(await page.locator(`[data-contract-id="${contractId}"]`).count()).toBe(1);
    await browser.shot('government-funding-zh');
    await browser.go('/funding?lang=en');
    expect(await page.locator('h1').innerText()).toBe('Co-funded contracts and statistics');
    await browser.shot('government-funding-en', { width: 390 });
  });

  it('the college follows its studio’s bid to the bid and its trail, read only', async () => {
    const { page } = browser;
    await browser.signInAs('demo-college');
    await browser.go('/org/studios?lang=zh-CN');
    expect(await page.locator(`[data-studio-id="${studioOrg}"]`).count()).toBe(1);
    await browser.go('/college/bids?lang=zh-CN');
    await browser.submit(page.locator(`[data-bid-id="${bidId}"] h2 a`));
    expect(new URL(page.url()).pathname).toBe(`/bids/${bidId}`);
    expect(await page.locator('form[action$="/withdraw"]').count()).toBe(0);
    await browser.submit(page.locator('main a', { hasText: '审计记录' }));
    expect(new URL(page.url()).searchParams.get('entity')).toBe(`bid:${bidId}`);
    expect(await page.locator('table.audit tbody tr').count()).toBeGreaterThanOrEqual(2);
    await browser.shot('college-bid-trail-zh');
    expect(browser.problems).toEqual([]);
  });
});
