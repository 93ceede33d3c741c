import { describe, expect, it } from 'vitest';
import { addDays } from '@sharedtech/core';
import { DEMO_BASE_STAGES, seedDemoConsortium } from '@sharedtech/local';
import { isoToLocalInput } from '@sharedtech/web';
import { suiteBrowser } from '../support/browser.js';
import { startTestApi } from '../support/harness.js';

const api = await startTestApi();
await seedDemoConsortium(api.deps, DEMO_BASE_STAGES);

const browser = suiteBrowser(api.baseUrl, 'journey');

const TITLE = '焊缝气孔在线视觉检测';
const inDays = (days: number) => isoToLocalInput(addDays(api.clock(), days).toISOString());

const text = (selector: string) => browser.page.locator(selector).first().innerText();
const statusOf = () => browser.page.locator('.page-header .badge').first().getAttribute('data-status');

describe('the marketplace journey through the pages only', () => {
  let requestUrl = '';

  it('an enterprise signs in with the picker and posts a request, corrected by the messages beside the fields', async () => {
    const { page } = browser;
    await browser.go('/');
    expect(new URL(page.url()).pathname).toBe('/signin');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await browser.shot('signin');

    await browser.signInAs('demo-enterprise');
    expect(await text('h1')).toBe('精工零部件制造有限公司');
    await browser.shot('enterprise-home');

    await browser.go('/requests/new');
    await browser.submit(page.locator('button[value="submit"]'));
    expect(await page.locator('.error-summary').count()).toBe(1);
    expect(await text('#f-title-error')).toContain('至少需要 4 个字');
    expect(await page.locator('#f-title').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-title').getAttribute('aria-describedby')).toContain('f-title-error');
    expect(await text('#f-budget-min-error')).toContain('请填写此项');
    await browser.shot('request-form-errors');

    await page.fill('#f-title', TITLE);
    await page.fill('#f-summary', '需要对焊缝的气孔与裂纹进行在线视觉检测，替代人工抽检。');
    await page.fill('#f-details', '节拍 3 秒/件；需提供光源、相机选型与检测算法，并现场调试。');
    await page.selectOption('#f-cluster', 'smart-manufacturing');
    await page.fill('#f-tags', '机器视觉, 焊接质量');
    // The service's own rule (minimum above maximum) comes back beside the field too.
    await page.fill('#f-budget-min', '120,000');
    await page.fill('#f-budget-max', '80000.50');
    await page.fill('#f-biddingDeadline', inDays(20));
    await page.fill('#f-wantedBy', inDays(90));
    await page.selectOption('#f-ipPreference', 'JOINT');
    await browser.submit(page.locator('button[value="submit"]'));
    expect(await text('#f-budget-min-error')).toContain('预算下限不能高于上限');
    expect(await page.inputValue('#f-title')).toBe(TITLE);

    await page.fill('#f-budget-min', '50000');
    await browser.submit(page.locator('button[value="submit"]'));
    requestUrl = new URL(page.url()).pathname;
    expect(requestUrl).toMatch(/^\/requests\/req_[0-9A-Z]{26}$/);
    expect(await text('.flash')).toBe('需求已提交审核。');
    expect(await statusOf()).toBe('SUBMITTED');
    expect(await text('.facts')).toContain('¥50,000.00 – ¥80,000.50');
    await browser.shot('request-submitted');
  });

  it('the association sends it back with a reason; the enterprise reads the feedback, edits and resubmits; the association approves', async () => {
    const { page } = browser;
    await browser.signInAs('demo-association');
    await browser.go('/moderation/requests');
    const card = page.locator('.request-card', { hasText: TITLE });
    expect(await card.count()).toBe(1);
    await browser.shot('review-queue');

    // Sending back needs a reason: the message appears beside it.
    await browser.submit(card.locator('button[value="REJECT"]'));
    expect(await page.locator('.field.has-error .error').first().innerText()).toContain('请说明原因');
    await browser.shot('review-reason-required');
    await page.locator('textarea[name="reason"]').fill('请补充检测节拍和缺陷最小尺寸。');
    await browser.submit(page.locator('button[value="REJECT"]'));
    expect(await text('.flash')).toBe('需求已退回企业。');

    await browser.signInAs('demo-enterprise');
    await browser.go(requestUrl);
    expect(await statusOf()).toBe('REJECTED');
    expect(await text('[data-feedback]')).toContain('请补充检测节拍和缺陷最小尺寸。');
    await browser.shot('request-feedback');
    await browser.submit(page.locator('a[href$="/edit"]'));
    await page.fill('#f-details', '节拍 3 秒/件，缺陷最小 0.3 mm；需提供光源、相机选型与检测算法，并现场调试。');
    await browser.submit(page.locator('button[value="submit"]'));
    expect(await statusOf()).toBe('SUBMITTED');

    await browser.signInAs('demo-association');
    await browser.go('/moderation/requests');
    await browser.submit(page.locator('.request-card', { hasText: TITLE }).locator('button[value="APPROVE"]'));
    expect(await text('.flash')).toBe('需求已通过，开放投标。');
    await browser.go(requestUrl);
    expect(await statusOf()).toBe('OPEN');
  });

  it('a studio finds it in the feed by tag and bids; the milestone plan must add up to the price', async () => {
    const { page } = browser;
    await browser.signInAs('demo-studio');
    await browser.go('/feed');
    await page.fill('#f-tag', '焊接质量');
    await browser.submit(page.locator('form[role="search"] button[type="submit"]'));
    expect(await page.locator('.request-card').count()).toBe(1);
    await browser.shot('feed-filtered');
    await browser.shot('feed-filtered-phone', { width: 390 });
    await browser.submit(page.locator('.request-card h2 a'));
    expect(await text('.prose >> nth=1')).toContain('缺陷最小 0.3 mm');

    await browser.submit(page.locator('a', { hasText: '提交方案' }));
    await page.fill('#f-price', '60000');
    await page.fill('#f-durationDays', '60');
    await page.fill('#f-approach', '采用环形光源与 500 万像素相机，基于深度学习的缺陷分割，现场标定与验收。');
    await page.fill('#f-milestones-0-title', '方案设计与样机');
    await page.fill('#f-milestones-0-amount', '20000');
    await page.fill('#f-milestones-0-dueInDays', '20');
    await page.fill('#f-milestones-1-title', '现场调试与验收');
    await page.fill('#f-milestones-1-amount', '30000');
    await page.fill('#f-milestones-1-dueInDays', '60');
    // The live total (progressive enhancement) says what the server will say.
    expect(await page.locator('[data-total-output]').getAttribute('data-state')).toBe('bad');
    expect(await text('[data-total-output]')).toContain('相差 ¥10,000.00');
    for (const name of ['王老师', '李同学', '张同学']) await page.locator('[data-roster-picker] label', { hasText: name }).locator('input').check();
    await browser.shot('bid-form-live-total');
    await browser.submit(page.locator('form button[type="submit"]', { hasText: '提交方案' }));
    expect(await text('#f-milestones-error')).toContain('各里程碑金额之和必须等于报价');
    await browser.shot('bid-form-sum-error');

    await page.fill('#f-milestones-1-amount', '40000');
    expect(await page.locator('[data-total-output]').getAttribute('data-state')).toBe('ok');
    await browser.submit(page.locator('form button[type="submit"]', { hasText: '提交方案' }));
    expect(new URL(page.url()).pathname).toMatch(/^\/bids\/bid_/);
    expect(await text('.flash')).toBe('方案已提交。');
    expect(await text('.plan')).toContain('¥40,000.00');
    await browser.shot('bid-submitted');
  });

  let contractUrl = '';

  it('the enterprise compares the bids side by side and awards with a share agreement that must total 100%', async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go(requestUrl);
    await browser.submit(page.locator('a', { hasText: '比较方案' }));
    const table = page.locator('table.compare');
    expect(await table.innerText()).toContain('¥60,000.00');
    // The team picked from the roster: the studio's teacher and its college's students (the enterprise mentor is named at award).
    expect(await table.innerText()).toContain('教师 1 人 · 学生 2 人 · 企业导师 0 人');
    await browser.shot('compare-bids');

    await browser.submit(page.locator('a', { hasText: '选定并授标' }));
    const benefit = page.locator('fieldset#f-shares-benefitShares input');
    const risk = page.locator('fieldset#f-shares-riskShares input');
    expect(await benefit.count()).toBe(3); // enterprise, studio, and the studio's college
    await benefit.nth(0).fill('50');
    await benefit.nth(1).fill('30');
    await benefit.nth(2).fill('10');
    await risk.nth(0).fill('60');
    await risk.nth(1).fill('40');
    await page.selectOption('#f-shares-ipOwnership', 'JOINT');
    await page.selectOption('#f-shares-subsidy-orgId', { label: '市科学技术局' });
    await page.fill('#f-shares-subsidy-bps', '30');
    const benefitTotal = page.locator('fieldset#f-shares-benefitShares [data-total-output]');
    expect(await benefitTotal.getAttribute('data-state')).toBe('bad');
    expect(await benefitTotal.innerText()).toContain('合计 90.00%');
    await browser.shot('award-form-live-total');
    await browser.submit(page.locator('button', { hasText: '确认授标' }));
    expect(await text('#f-shares-benefitShares-error')).toContain('各方比例合计必须正好是 100%');
    expect(await page.locator('#f-shares-riskShares-error').count()).toBe(0);
    await browser.shot('award-form-not-100');

    await benefit.nth(2).fill('20');
    expect(await benefitTotal.getAttribute('data-state')).toBe('ok');
    await browser.submit(page.locator('button', { hasText: '确认授标' }));
    contractUrl = new URL(page.url()).pathname;
    expect(contractUrl).toMatch(/^\/contracts\/ctr_[0-9A-Z]{26}$/);
    expect(await text('.flash')).toBe('已授标，合同已生成，请各方签署。');
    expect(await statusOf()).toBe('PENDING_SIGNATURES');
    expect(await page.locator('.signatures [data-signed]').count()).toBe(3); // enterprise, studio, government
    expect(await page.locator('.milestone').count()).toBe(2);
    await browser.shot('contract-awarded');
  });

  it('every party signs; the contract takes effect only with the last signature', async () => {
    const { page } = browser;
    await browser.go(contractUrl);
    await browser.submit(page.locator('button', { hasText: '签署合同' }));
    expect(await text('.flash')).toBe('已签署，等待其他当事方签署。');
    expect(await page.locator('button', { hasText: '签署合同' }).count()).toBe(0);

    await browser.signInAs('demo-studio');
    await browser.go('/notifications');
    expect(await page.locator('.notifications', { hasText: `合同「${TITLE}」等待本机构签署` }).count()).toBe(1);
    await browser.go(contractUrl);
    await browser.submit(page.locator('button', { hasText: '签署合同' }));
    expect(await statusOf()).toBe('PENDING_SIGNATURES');

    await browser.signInAs('demo-government');
    await browser.go(contractUrl);
    expect(await text('main')).toContain('¥60,000.00');
    await browser.submit(page.locator('button', { hasText: '签署合同' }));
    expect(await text('.flash')).toBe('各方均已签署，合同生效。');
    expect(await statusOf()).toBe('ACTIVE');
    expect(await page.locator('.signatures [data-signed="true"]').count()).toBe(3);
    await browser.shot('contract-active');
  });

  it('the enterprise funds milestone 1, the studio submits, the enterprise accepts, and the ledger balances', async () => {
    const { page } = browser;
    const milestone = () => page.locator('.milestone[data-n="1"]');
    await browser.signInAs('demo-enterprise');
    await browser.go(contractUrl);
    await browser.submit(milestone().locator('button', { hasText: '托管 ¥20,000.00' }));
    expect(await text('.flash')).toBe('里程碑资金已托管。');
    expect(await milestone().getAttribute('data-status')).toBe('FUNDED');
    // The government's 30% subsidy is posted in the same funding entry.
    expect(await milestone().innerText()).toContain('市科学技术局 ¥6,000.00');
    expect(await milestone().innerText()).toContain('精工零部件制造有限公司 ¥14,000.00');
    await browser.shot('milestone-funded');

    await browser.signInAs('demo-studio');
    await browser.go(contractUrl);
    await browser.submit(milestone().locator('button', { hasText: '提交交付' }));
    expect(await milestone().locator('.field.has-error').count()).toBe(1); // the note is required
    await browser.shot('milestone-submit-note-required');
    await milestone().locator('textarea[name="note"]').fill('完成光源与相机选型，样机检测准确率 99.2%。');
    await milestone().locator('input[name="link"]').fill('https://example.org/deliverables/1');
    await browser.submit(milestone().locator('button', { hasText: '提交交付' }));
    expect(await text('.flash')).toBe('交付已提交，等待企业验收。');
    expect(await milestone().getAttribute('data-status')).toBe('SUBMITTED');

    await browser.signInAs('demo-enterprise');
    await browser.go(contractUrl);
    expect(await milestone().innerText()).toContain('样机检测准确率 99.2%');
    await browser.submit(milestone().locator('button', { hasText: '验收通过并放款 ¥20,000.00' }));
    expect(await text('.flash')).toBe('已验收，款项已放给工作室。');
    expect(await milestone().getAttribute('data-status')).toBe('RELEASED');
    await browser.shot('milestone-released');

    await browser.submit(page.locator('a', { hasText: '账目' }).first());
    const balances = page.locator('.balances').first();
    expect(await balances.locator('[data-account^="escrow:"] dd').innerText()).toBe('¥0.00');
    expect(await balances.locator('[data-account^="earnings:"] dd').innerText()).toBe('¥20,000.00');
    expect(await page.locator('table.ledger tr[data-kind="FUND"]').count()).toBeGreaterThan(0);
    expect(await page.locator('table.ledger tr[data-kind="RELEASE"]').count()).toBeGreaterThan(0);
    await browser.shot('ledger');
    await browser.shot('ledger-phone', { width: 390 });

    await browser.signInAs('demo-studio');
    await browser.go('/accounts');
    expect(await page.locator('[data-account^="earnings:"] dd').first().innerText()).toBe('¥20,000.00');
    await browser.shot('studio-accounts');
  });
});

it('ran the whole journey without a Content-Security-Policy violation or a script error', async () => {
  const headers = (await fetch(`${api.baseUrl}/signin`)).headers;
  expect(headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(browser.problems).toEqual([]);
});
