import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { COUNCIL_FIGURES } from '@sharedtech/core';
import { DEMO_BASE_STAGES, seedDemoConsortium } from '@sharedtech/local';
import { suiteBrowser } from '../support/browser.js';
import { startTestApi, testClock } from '../support/harness.js';
import { organisation, association } from '../support/fixtures.js';
import { activeContract, key, milestonePath } from '../support/money.js';

/**
 * The council's dashboard through the pages, in both languages: the demo
 * association opens it from its menu, reads the charts and a chart's data
 * table, picks another cluster and fewer months, downloads the CSV; the demo
 * college finds it in its menu, an enterprise does not. Activity over three
 * months (contracts awarded, funded, released) gives the charts something to
 * show. Screenshots at desktop and phone width.
 */
const DAY = 86_400_000;
// Seventy days ago: contracts in three calendar months, the last four days ago.
const clock = testClock(Date.now() - 70 * DAY);
const api = await startTestApi({ clock });
await seedDemoConsortium(api.deps, DEMO_BASE_STAGES);

const moderator = await association(api);
const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing' });
const college = await organisation(api, moderator, { type: 'COLLEGE' });
const studio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, cluster: 'smart-manufacturing', capabilities: ['机器视觉'] });
const government = await organisation(api, moderator, { type: 'GOVERNMENT' });
const parties = { moderator, enterprise, college, studio, government };
for (const [index, milestones] of [[2_000_000, 3_000_000], [1_500_000], [4_000_000, 800_000]].entries()) {
  const contractId = await activeContract(api, parties, { milestones });
  expect((await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), {}, key())).status).toBe(200);
  if (index !== 1) {
    expect((await studio.caller.post(milestonePath(contractId, 1, 'submit'), { note: '交付物' })).status).toBe(200);
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'accept'), {}, key())).status).toBe(200);
  }
  if (index < 2) clock.advance(33 * DAY);
}

const browser = suiteBrowser(api.baseUrl, 'council');

const text = (selector: string) => browser.page.locator(selector).first().innerText();
const charts = () => browser.page.locator('svg.chart[role="img"]');

describe('the council’s dashboard through the pages', () => {
  it('the association opens it from its menu (zh-CN): a chart per figure, money in ¥ with two decimals, a data table behind each', async () => {
    const { page } = browser;
    await browser.signInAs('demo-association');
    await browser.go('/?lang=zh-CN');
    await browser.submit(page.locator('nav a[href="/council"]'));
    expect(await text('h1')).toBe('理事会看板');
    expect(await page.locator('nav a[href="/council"]').getAttribute('aria-current')).toBe('page');
    expect(await charts().count()).toBe(COUNCIL_FIGURES.length);
    // Every chart is named for assistive technology by its own title and description.
    const named = await page.evaluate(
      `[...document.querySelectorAll('svg.chart')].every((svg) => svg.getAttribute('aria-labelledby').split(' ').every((id) => document.getElementById(id)?.textContent.trim()))`,
    );
    expect(named).toBe(true);
    const value = page.locator('[data-figure="contractValue"] .chart-total strong');
    expect(await value.innerText()).toMatch(/^¥[\d,]+\.\d{2}$/);
    expect(Number(await value.getAttribute('data-total'))).toBeGreaterThanOrEqual(11_300_000);
    expect(await page.locator('[data-figure="contractValue"] rect').count()).toBe(24);
    expect(await text('.notice')).toContain('UTC');
    await page.locator('[data-figure="contractValue"] summary').click();
    const rows = page.locator('[data-figure="contractValue"] tbody tr');
    expect(await rows.count()).toBe(24);
    expect(await rows.last().locator('td').innerText()).toMatch(/^¥[\d,]+\.\d{2}$/);
    await browser.shot('dashboard-zh');
    await browser.shot('dashboard-zh-phone', { width: 390 });
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('another cluster over twelve months, and the CSV of it', async () => {
    const { page } = browser;
    await page.selectOption('#f-cluster', 'new-energy-vehicles');
    await page.selectOption('#f-months', '12');
    await browser.submit(page.locator('form[action="/council"] button[type="submit"]'));
    expect(new URL(page.url()).searchParams.get('cluster')).toBe('new-energy-vehicles');
    expect(await page.locator('[data-council]').getAttribute('data-council')).toBe('new-energy-vehicles');
    expect(await page.locator('[data-figure="bidsSubmitted"] rect').count()).toBe(12);
    const href = await page.locator('a[href^="/council/dashboard.csv"]').getAttribute('href');
    const download = await page.request.get(new URL(href!, api.baseUrl).toString());
    expect(download.status()).toBe(200);
    const bytes = await download.body();
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...data] = parse(bytes, { bom: true }) as string[][];
    expect(header!.slice(0, 3)).toEqual(['范围', '名称', '月份（UTC）']);
    expect(data).toHaveLength(12);
    expect(data.every((row) => row[1] === 'new-energy-vehicles')).toBe(true);
  });

  it('in English, at desktop and phone width', async () => {
    const { page } = browser;
    await browser.go('/council?lang=en');
    expect(await text('h1')).toBe('Council dashboard');
    expect(await text('[data-figure="contractValue"] h3')).toBe('Contract value');
    expect(await text('[data-figure="studentHours"] .chart-total')).toMatch(/Total over 24 months\s+0 h/);
    await browser.shot('dashboard-en');
    await browser.shot('dashboard-en-phone', { width: 390 });
    expect(browser.problems).toEqual([]);
  });

  it('the college finds it in its menu; an enterprise neither in its menu nor by address', async () => {
    const { page } = browser;
    await browser.signInAs('demo-college');
    await browser.go('/?lang=en');
    await browser.submit(page.locator('nav a[href="/council"]'));
    expect(await text('h1')).toBe('Council dashboard');
    expect(await charts().count()).toBe(COUNCIL_FIGURES.length);
    await browser.signInAs('demo-enterprise');
    await browser.go('/?lang=en');
    expect(await page.locator('nav a[href="/council"]').count()).toBe(0);
    const refused = await page.goto(new URL('/council?lang=en', api.baseUrl).toString());
    expect(refused?.status()).toBe(403);
  });
});
