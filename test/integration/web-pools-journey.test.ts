import { describe, expect, it } from 'vitest';
import { suiteBrowser } from '../support/browser.js';
import { bidBody, evenShares } from '../support/bids.js';
import { openRequest, organisation } from '../support/fixtures.js';
import { startTestApi } from '../support/harness.js';
import { fen, ledgerOf, moneyConsortium } from '../support/money.js';

/**
 * A pooled request (共性技术需求) through the pages: another enterprise of the
 * cluster joins the pool from the request page (a form error first), the
 * request is awarded, the co-funder signs and funds its part on the contract
 * page — which then shows, in Chinese and English, who has and has not funded
 * — and the owner's part puts the milestone in escrow with one FUND entry.
 */
const api = await startTestApi();
const parties = await moneyConsortium(api);
const { enterprise, studio, moderator } = parties;
const coFunder = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing', name: '华盛机械有限公司' });
const requestId = await openRequest(api, enterprise.caller, moderator, { title: '焊接烟尘共性治理' });
let contractId = '';

const browser = suiteBrowser(api.baseUrl, 'pools');

describe('a pooled request through the pages', () => {
  it('a co-funder joins the pool from the request page', async () => {
    const { page } = browser;
    await browser.signInAs(coFunder.caller.sub);
    await browser.go(`/requests/${requestId}?lang=zh-CN`);
    expect(await page.locator('[data-pool-summary]').innerText()).toContain('还没有其他企业加入');
    await browser.submit(page.locator('[data-pool-summary] a', { hasText: '联合出资' }));
    expect(new URL(page.url()).pathname).toBe(`/requests/${requestId}/pool`);
    // 100 % leaves the owner nothing: the form comes back with the message and what was typed.
    await page.fill('#f-pledgeBps', '100');
    const [refused] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form[action$="/pool/join"] button[type="submit"]')]);
    expect(refused?.status()).toBe(400);
    expect(await page.locator('.error-summary').count()).toBe(1);
    expect(await page.locator('#f-pledgeBps').inputValue()).toBe('100');
    await page.fill('#f-pledgeBps', '30');
    await browser.submit(page.locator('form[action$="/pool/join"] button[type="submit"]'));
    expect(await page.locator('[data-pool-totals]').innerText()).toContain('成员认缴合计 30.00%，发布企业承担 70.00%');
    expect(await page.locator(`[data-member="${coFunder.orgId}"]`).innerText()).toContain('30.00%');
    await browser.shot('joined-zh');
    await browser.go(`/requests/${requestId}/pool?lang=en`);
    expect(await page.locator('[data-pool-totals]').innerText()).toContain('Members pledged 30.00% together; the owner holds 70.00%');
    expect(await page.locator('button', { hasText: 'Leave the pool' }).count()).toBe(1);
    await browser.go('/?lang=zh-CN');
  });

  it('the owner sees the pool; the award makes the co-funder a signer', async () => {
    const { page } = browser;
    await browser.signInAs(enterprise.caller.sub);
    await browser.go(`/requests/${requestId}?lang=zh-CN`);
    expect(await page.locator('[data-pool-summary]').innerText()).toContain('1 家企业已加入联合出资，认缴合计 30.00%');
    const bid = await studio.caller.post(`/v1/requests/${requestId}/bids`, {
      ...bidBody(studio.team), price: fen(100_000), milestones: [{ title: '烟尘监测方案', amount: fen(60_001), dueInDays: 30 }, { title: '治理验收', amount: fen(39_999), dueInDays: 60 }],
    });
    expect(bid.status, JSON.stringify(bid.body)).toBe(201);
    const award = await enterprise.caller.post(`/v1/requests/${requestId}/award`, { bidId: bid.body.id, shares: { ...evenShares(enterprise.orgId, studio.orgId), ipOwnership: 'LICENSED_TO_COFUNDERS' } });
    expect(award.status, JSON.stringify(award.body)).toBe(201);
    contractId = award.body.id;
    for (const signer of [enterprise, studio]) expect((await signer.caller.post(`/v1/contracts/${contractId}/sign`)).status).toBe(200);

    await browser.signInAs(coFunder.caller.sub);
    await browser.go(`/contracts/${contractId}?lang=zh-CN`);
    expect(await page.locator('[data-contract-pool]').innerText()).toContain('华盛机械有限公司');
    expect(await page.locator('main').innerText()).toContain('许可每个共同出资企业使用');
    await browser.submit(page.locator('button', { hasText: '签署合同' }));
    expect(await page.locator(`[data-signer="${coFunder.orgId}"]`).getAttribute('data-signed')).toBe('true');
  });

  it('each funder funds its part; the milestone waits visibly for the others, then goes into escrow', async () => {
    const { page } = browser;
    // 60 001 fen split 70/30: the co-funder pays 18 000, the owner 42 001.
    await browser.submit(page.locator('#milestone-1 button', { hasText: '出资本机构份额 ¥180.00' }));
    expect(await page.locator('#milestone-1').getAttribute('data-status')).toBe('PENDING');
    expect(await page.locator('#milestone-1 [data-parts-blocking]').innerText()).toContain('还有 1 家出资企业未出资');
    expect(await page.locator(`#milestone-1 [data-part="${coFunder.orgId}"]`).getAttribute('data-funded')).toBe('true');
    expect(await page.locator('#milestone-1 button', { hasText: '出资本机构份额' }).count()).toBe(0);
    await browser.shot('part-funded-zh');

    await browser.signInAs(enterprise.caller.sub);
    await browser.go(`/contracts/${contractId}?lang=en`);
    expect(await page.locator(`#milestone-1 [data-part="${enterprise.orgId}"]`).innerText()).toContain('Awaited');
    expect(await page.locator('#milestone-1 [data-parts-blocking]').innerText()).toContain('1 funder(s) have not funded their part yet');
    await browser.submit(page.locator('#milestone-1 button', { hasText: 'Fund our part ¥420.01' }));
    expect(await page.locator('#milestone-1').getAttribute('data-status')).toBe('FUNDED');
    expect(await page.locator('#milestone-1 [data-parts-blocking]').count()).toBe(0);
    await browser.shot('funded-en');
    const ledger = await ledgerOf(enterprise.caller, contractId);
    expect(ledger.items.map((entry) => entry.kind)).toEqual(['FUND']);
    expect(ledger.balance(`external:${coFunder.orgId}`)).toBe(-18_000);
    expect(ledger.balance(`external:${enterprise.orgId}`)).toBe(-42_001);
    await browser.go('/?lang=zh-CN');
  });
});
