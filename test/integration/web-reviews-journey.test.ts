import { describe, expect, it } from 'vitest';
import { suiteBrowser } from '../support/browser.js';
import { cny, openRequest } from '../support/fixtures.js';
import { startDemoApi } from '../support/demo.js';

/**
 * Reviews and invitations to bid through the pages, in Chromium: both parties
 * review a finished contract on its page (the first review stays sealed until
 * the second arrives), the reviews then show on both profiles with their
 * averages, and the reviewed studio replies (zh-CN); the owner invites a
 * studio from the matches on its request's page, and the studio finds the
 * invitation from its menu (English).
 */
const { api, enterprise, studio, association, enterpriseOrg, studioOrg, studioTeam } = await startDemoApi();

const ok = <T extends { status: number; body: unknown }>(response: T, status = 200) => {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  return response.body as any;
};
const shares = [{ orgId: enterpriseOrg, bps: 5_000 }, { orgId: studioOrg, bps: 5_000 }];
const bidBody = {
  price: cny(30_000),
  durationDays: 30,
  approach: '采用声学传感与频谱分析定位齿轮箱异响来源，出具诊断报告。',
  milestones: [{ title: '诊断与报告', amount: cny(30_000), dueInDays: 30 }],
  team: studioTeam,
};

// A contract the association ended early: both parties may now review it.
const finishedRequest = await openRequest(api, enterprise, association, { title: '齿轮箱异响诊断', tags: ['声学诊断'] });
const bidId = ok(await studio.post(`/v1/requests/${finishedRequest}/bids`, bidBody), 201).id as string;
const contractId = ok(await enterprise.post(`/v1/requests/${finishedRequest}/award`, { bidId, shares: { benefitShares: shares, riskShares: shares, ipOwnership: 'JOINT' } }), 201).id as string;
ok(await enterprise.post(`/v1/contracts/${contractId}/sign`));
ok(await studio.post(`/v1/contracts/${contractId}/sign`));
ok(await association.post(`/v1/contracts/${contractId}/terminate`, { reason: '企业产线调整，双方同意提前结束。' }, { 'idempotency-key': 'reviews-journey-terminate' }));
// An open request the demo studio's skills match, for the invitation.
const inviteRequest = await openRequest(api, enterprise, association, { title: '冲压件表面划痕检测', tags: ['机器视觉'] });

const browser = suiteBrowser(api.baseUrl, 'reviews');

/** Fills the review form on the contract's page and submits it. */
async function writeReview(scores: [string, string, string], comment: string) {
  const { page } = browser;
  const form = page.locator('form[data-review-form]');
  await form.locator('select[name="ratings.quality"]').selectOption(scores[0]);
  await form.locator('select[name="ratings.timeliness"]').selectOption(scores[1]);
  await form.locator('select[name="ratings.communication"]').selectOption(scores[2]);
  await form.locator('textarea[name="comment"]').fill(comment);
  await browser.submit(form.locator('button[type="submit"]'));
}

describe('reviews through the pages (zh-CN)', () => {
  it('both parties review the finished contract; the reviews are sealed until both are in, then shown on both profiles', { timeout: 90_000 }, async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go(`/contracts/${contractId}?lang=zh-CN`);
    expect(await page.locator('#reviews h2').innerText()).toBe('评价');
    expect(await page.locator('#reviews').innerText()).toContain('对方尚未提交评价');
    // An empty comment is refused beside its field, and the choices are kept.
    await writeReview(['5', '4', '5'], '');
    expect(await page.locator('#f-comment-error').count()).toBe(1);
    await writeReview(['5', '4', '5'], '诊断准确，报告清楚，建议可落地。');
    expect(page.url()).toContain(`/contracts/${contractId}`);
    expect(await page.locator('.flash, [role="status"]').first().innerText()).toContain('评价已提交');
    expect(await page.locator('[data-sealed]').innerText()).toContain('对方提交后或');
    await browser.shot('enterprise-review-sealed-zh');

    // The studio learns that the other side reviewed, not what it wrote.
    await browser.signInAs('demo-studio');
    await browser.go(`/contracts/${contractId}?lang=zh-CN`);
    expect(await page.locator('#reviews').innerText()).toContain('对方已提交评价');
    expect(await page.locator('#reviews').innerText()).not.toContain('诊断准确');
    await writeReview(['4', '5', '4'], '企业配合积极，现场数据齐全。');
    const shown = await page.locator('#reviews').innerText();
    expect(shown).toContain('诊断准确，报告清楚，建议可落地。');
    expect(shown).toContain('企业配合积极，现场数据齐全。');
    expect(await page.locator('#reviews [data-review-id] .badge').allInnerTexts()).toEqual(['已公开', '已公开']);
    await browser.shot('contract-reviews-published-zh');

    // The studio's profile shows the enterprise's review and the averages; the studio replies once.
    await browser.go(`/orgs/${studioOrg}?lang=zh-CN`);
    expect(await page.locator('[data-averages]').innerText()).toContain('综合评分 4.67（1 条评价）');
    expect(await page.locator('#reviews').innerText()).toContain('诊断准确，报告清楚，建议可落地。');
    await page.locator('#reviews textarea[name="text"]').fill('感谢认可，期待再次合作。');
    await browser.submit(page.locator('#reviews form[action$="/reply"] button[type="submit"]'));
    expect(await page.locator('[data-reply]').innerText()).toContain('感谢认可，期待再次合作。');
    expect(await page.locator('#reviews form[action$="/reply"]').count()).toBe(0);
    await browser.shot('studio-profile-reviews-zh');

    // The enterprise's profile shows the studio's review, to anyone signed in.
    await browser.signInAs('demo-government');
    await browser.go(`/orgs/${enterpriseOrg}?lang=zh-CN`);
    expect(await page.locator('[data-averages]').innerText()).toContain('综合评分 4.33（1 条评价）');
    expect(await page.locator('#reviews').innerText()).toContain('企业配合积极，现场数据齐全。');
    expect(browser.problems).toEqual([]);
  });
});

describe('invitations to bid through the pages (English)', () => {
  it('the owner invites a studio from the matches; the studio finds it in its menu and reads the request', { timeout: 90_000 }, async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go(`/requests/${inviteRequest}?lang=en`);
    expect(await page.locator('[data-reputation-note]').innerText()).toContain('Ranking includes reputation');
    const match = page.locator(`[data-match-studio="${studioOrg}"]`);
    expect(await match.innerText()).toContain('rated 4.67 (1)');
    // Its track record counts contracts under way or delivered: its one contract here was terminated.
    expect(await match.locator('[data-past-contracts]').getAttribute('data-past-contracts')).toBe('0');
    expect(await match.innerText()).toContain('no contracts yet');
    await browser.submit(match.locator('form button', { hasText: 'Invite to bid' }));
    expect(await page.locator('.flash, [role="status"]').first().innerText()).toContain('Invitation to bid sent.');
    expect(await page.locator(`[data-match-studio="${studioOrg}"] .badge`).innerText()).toBe('Invited');
    expect(await page.locator('[data-invitations]').innerText()).toContain('Awaiting reply');
    await browser.shot('matches-invited-en');

    await browser.signInAs('demo-studio');
    await browser.go('/?lang=en');
    await browser.submit(page.locator('nav a', { hasText: 'Invitations' }));
    expect(await page.locator('h1').innerText()).toBe('Invitations to bid');
    const item = page.locator('[data-invitation-id]').first();
    expect(await item.innerText()).toContain('冲压件表面划痕检测');
    await browser.shot('studio-invitations-en');
    await browser.submit(item.locator('a', { hasText: 'Read the request and bid' }));
    expect(await page.locator('h1').innerText()).toBe('冲压件表面划痕检测');
    expect(await page.locator('main').innerText()).toContain('节拍 3 秒');
    expect(await page.locator('[data-invited]').innerText()).toContain('The owner invited your studio to bid on this request.');
    expect(browser.problems).toEqual([]);
  });
});
