import { describe, expect, it } from 'vitest';
import { suiteBrowser } from '../support/browser.js';
import { openRequest } from '../support/fixtures.js';
import { startDemoApi } from '../support/demo.js';
import { bidBody, evenShares } from '../support/bids.js';

/**
 * The conversation around a project, in Chromium through the pages only: a
 * studio asks about a request before bidding, the enterprise answers it for
 * every bidder, and on a signed contract the parties write to each other; in
 * both languages.
 */
const { api, enterprise, studio, association, enterpriseOrg, studioOrg, studioTeam } = await startDemoApi();

const requestId = await openRequest(api, enterprise, association, { title: '注塑件缩痕在线检测' });
const contractRequestId = await openRequest(api, enterprise, association, { title: '焊缝质量视觉检测' });
const wonBid = await studio.post(`/v1/requests/${contractRequestId}/bids`, bidBody(studioTeam, 80_000));
const award = await enterprise.post(`/v1/requests/${contractRequestId}/award`, { bidId: wonBid.body.id, shares: evenShares(enterpriseOrg, studioOrg) });
const contractId = award.body.id as string;
for (const signer of [enterprise, studio]) await signer.post(`/v1/contracts/${contractId}/sign`);

const QUESTION = '样件的材料是 PP 还是 ABS？能否提供 20 个不良样件？';
const ANSWER = 'Material is PP; we will send 20 defective samples with the drawings.';

const browser = suiteBrowser(api.baseUrl, 'conversation');

const questions = () => browser.page.locator('section[aria-labelledby="questions-title"]');
const messages = () => browser.page.locator('section[aria-labelledby="messages-title"] ol.messages li');

describe('questions before bidding and messages on a contract, through the pages', () => {
  it('the studio asks about the request before bidding (zh-CN)', async () => {
    await browser.signInAs('demo-studio');
    await browser.go(`/requests/${requestId}?lang=zh-CN`);
    expect(await browser.page.locator('#questions-title').innerText()).toBe('答疑');
    await questions().locator('form[action$="/questions"] textarea[name="question"]').fill(QUESTION);
    await browser.submit(questions().locator('form[action$="/questions"] button[type="submit"]'));
    expect(new URL(browser.page.url()).pathname).toBe(`/requests/${requestId}`);
    const asked = questions().locator('li', { hasText: QUESTION });
    expect(await asked.innerText()).toContain('（我方提问）');
    expect(await asked.innerText()).toContain('等待需求方答复。');
    await browser.shot('question-asked');
  });

  it('the enterprise answers it for every bidder (English), and the studio reads the answer (zh-CN)', async () => {
    await browser.signInAs('demo-enterprise');
    await browser.go(`/requests/${requestId}?lang=en`);
    expect(await browser.page.locator('html').getAttribute('lang')).toBe('en');
    expect(await browser.page.locator('#questions-title').innerText()).toBe('Questions and answers');
    const form = questions().locator('form[action$="/answer"]').first();
    await form.locator('textarea[name="text"]').fill(ANSWER);
    await form.locator('select[name="visibility"]').selectOption('PUBLIC');
    await browser.submit(form.locator('button[type="submit"]'));
    expect(await questions().locator('li', { hasText: QUESTION }).innerText()).toContain(ANSWER);
    expect(await questions().locator('li', { hasText: QUESTION }).innerText()).toContain('Published to all');
    await browser.shot('question-answered-en');

    await browser.signInAs('demo-studio');
    await browser.go(`/requests/${requestId}?lang=zh-CN`);
    const answered = questions().locator('li', { hasText: QUESTION });
    expect(await answered.innerText()).toContain(ANSWER);
    expect(await answered.innerText()).toContain('公开答复');
  });

  it('the parties write to each other on the contract, newest first, in both languages', async () => {
    await browser.signInAs('demo-enterprise');
    await browser.go(`/contracts/${contractId}?lang=zh-CN`);
    expect(await browser.page.locator('#messages-title').innerText()).toBe('合同留言');
    await browser.page.locator('form[action$="/messages"] textarea[name="text"]').fill('下周三可以安排现场采集焊缝图像。');
    await browser.submit(browser.page.locator('form[action$="/messages"] button[type="submit"]'));
    expect(await messages().first().innerText()).toContain('下周三可以安排现场采集焊缝图像。');

    await browser.signInAs('demo-studio');
    await browser.go(`/contracts/${contractId}?lang=en`);
    expect(await browser.page.locator('#messages-title').innerText()).toBe('Messages');
    expect(await messages().first().innerText()).toContain('下周三可以安排现场采集焊缝图像。');
    await browser.page.locator('form[action$="/messages"] textarea[name="text"]').fill('Wednesday works; we will bring two cameras.');
    await browser.submit(browser.page.locator('form[action$="/messages"] button[type="submit"]'));
    await browser.shot('contract-messages-en');

    await browser.signInAs('demo-enterprise');
    await browser.go(`/contracts/${contractId}?lang=zh-CN`);
    expect(await messages().allInnerTexts()).toEqual([
      expect.stringContaining('Wednesday works; we will bring two cameras.'),
      expect.stringContaining('下周三可以安排现场采集焊缝图像。'),
    ]);
    // The studio's message reached the enterprise's inbox.
    const inbox = (await enterprise.get('/v1/notifications?limit=20')).body.items as { type: string; entity: { id: string } }[];
    expect(inbox.some((item) => item.entity.id === contractId && /MESSAGE/.test(item.type))).toBe(true);
  });
});
