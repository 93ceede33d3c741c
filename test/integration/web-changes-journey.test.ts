import { describe, expect, it } from 'vitest';
import { shanghaiDate } from '@sharedtech/core';
import { suiteBrowser } from '../support/browser.js';
import { startTestApi } from '../support/harness.js';
import { activeContract, moneyConsortium } from '../support/money.js';

/**
 * A change order through the pages: the studio proposes it on the contract
 * page (a form error first), the enterprise and the co-funding government
 * approve it, and the contract page then shows the changed milestones, the new
 * total and due dates in Asia/Shanghai, in Chinese and in English.
 */
const api = await startTestApi();
const parties = await moneyConsortium(api);
const { enterprise, studio, government } = parties;
const contractId = await activeContract(api, parties, { milestones: [100_000, 200_000], subsidyBps: 3000 });
const movedTo = shanghaiDate(new Date(Date.now() + 60 * 86_400_000));

const browser = suiteBrowser(api.baseUrl, 'changes');

describe('a change order approved by every signer through the pages', () => {
  it('the studio sees due dates and proposes a change from the contract page', async () => {
    const { page } = browser;
    await browser.signInAs(studio.caller.sub);
    await browser.go(`/contracts/${contractId}?lang=zh-CN`);
    expect(await page.locator('#milestone-1 .due').innerText()).toContain('到期日');
    expect(await page.locator('#changes').innerText()).toContain('暂无变更');
    await browser.submit(page.locator('#changes a', { hasText: '提出变更' }));
    expect(new URL(page.url()).pathname).toBe(`/contracts/${contractId}/changes/new`);
    expect(await page.locator('#f-m-2-amount').inputValue()).toBe('2000.00');

    // Nothing changed yet: the form says so and keeps what was typed.
    await page.fill('#f-reason', '第二阶段范围扩大');
    const [refused] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('main form button[type="submit"]')]);
    expect(refused?.status()).toBe(400);
    expect(await page.locator('.error-summary').innerText()).toContain('没有修改任何内容');
    expect(await page.locator('#f-reason').inputValue()).toBe('第二阶段范围扩大');

    await page.fill('#f-m-2-title', '算法优化与现场调试');
    await page.fill('#f-m-2-amount', '2500.50');
    await page.fill('#f-m-2-dueDate', movedTo);
    await page.fill('#f-add-title', '驻场培训');
    await page.fill('#f-add-amount', '500');
    await page.fill('#f-add-dueInDays', '90');
    await browser.submit(page.locator('main form button[type="submit"]'));
    expect(new URL(page.url()).pathname).toBe(`/contracts/${contractId}`);
    const change = page.locator('#changes li.change').first();
    expect(await change.getAttribute('data-status')).toBe('PENDING');
    const text = await change.innerText();
    expect(text).toContain('里程碑 2 金额调整为 ¥2,500.50');
    expect(text).toContain('新增里程碑「驻场培训」');
    expect(text).toContain('待批准');
    // The proposer cannot approve again, but may withdraw.
    expect(await change.locator('button', { hasText: '批准变更' }).count()).toBe(0);
    expect(await change.locator('button', { hasText: '撤回变更' }).count()).toBe(1);
    await browser.shot('proposed-zh');
  });

  it('the enterprise approves in English; the change waits for the government', async () => {
    const { page } = browser;
    await browser.signInAs(enterprise.caller.sub);
    await browser.go(`/contracts/${contractId}?lang=en`);
    const change = page.locator('#changes li.change').first();
    expect(await change.innerText()).toContain('Re-price milestone 2 to ¥2,500.50');
    await browser.submit(change.locator('button', { hasText: 'Approve change' }));
    expect(await page.locator('#changes li.change').first().getAttribute('data-status')).toBe('PENDING');
    expect(await page.locator('#changes li.change').first().innerText()).toContain('Awaiting');
    // Nothing applied yet.
    expect(await page.locator('#milestone-2').innerText()).toContain('¥2,000.00');
  });

  it('the government’s approval applies it; the contract page shows the new plan in both languages', async () => {
    const { page } = browser;
    await browser.signInAs(government.caller.sub);
    await browser.go(`/contracts/${contractId}?lang=zh-CN`);
    await browser.submit(page.locator('#changes li.change').first().locator('button', { hasText: '批准变更' }));
    expect(await page.locator('#changes li.change').first().getAttribute('data-status')).toBe('APPLIED');
    expect(await page.locator('#changes li.change').first().innerText()).toContain('已生效');
    const second = await page.locator('#milestone-2').innerText();
    expect(second).toContain('算法优化与现场调试');
    expect(second).toContain('¥2,500.50');
    expect(await page.locator('#milestone-2 .due').getAttribute('data-due-at')).toBe(`${movedTo}T15:59:59.999Z`);
    expect(await page.locator('#milestone-3').innerText()).toContain('驻场培训');
    expect(await page.locator('main').innerText()).toContain('¥4,000.50'); // the new contract total
    await browser.shot('applied-zh');

    await browser.go(`/contracts/${contractId}?lang=en`);
    expect(await page.locator('#changes li.change').first().innerText()).toContain('Applied');
    expect(await page.locator('#milestone-3 .due').innerText()).toMatch(/^Due \d{1,2} \w{3} \d{4}/);
    await browser.go(`/contracts/${contractId}/changes?lang=en`);
    expect(await page.locator('li.change').count()).toBe(1);
    await browser.shot('history-en');
    expect(browser.problems).toEqual([]);
  });
});
