import { describe, expect, it } from 'vitest';
import { DEMO_BASE_STAGES, seedDemoConsortium } from '@sharedtech/local';
import { suiteBrowser } from '../support/browser.js';
import { startTestApi } from '../support/harness.js';

const api = await startTestApi();
await seedDemoConsortium(api.deps, DEMO_BASE_STAGES);

const browser = suiteBrowser(api.baseUrl, 'search');

const cards = () => browser.page.locator('.request-card');

/** Types into the feed's search box (found by its label) and submits. */
async function search(label: string, words: string) {
  await browser.page.getByLabel(label).fill(words);
  await browser.submit(browser.page.locator('form[role="search"] button[type="submit"]'));
}

describe('searching the feed', () => {
  it('finds a request by Chinese words and shows which words matched (zh-CN)', async () => {
    const { page } = browser;
    await browser.signInAs('demo-studio');
    await browser.go('/feed?lang=zh-CN');
    await search('搜索需求', '轴承缺陷');
    expect(new URL(page.url()).searchParams.get('q')).toBe('轴承缺陷');
    expect(await page.locator('main h2').first().innerText()).toBe('“轴承缺陷”的搜索结果');
    expect(await cards().count()).toBe(1);
    expect(await cards().locator('h2').innerText()).toBe('轴承外圈表面缺陷视觉检测');
    expect(await cards().locator('.matched').innerText()).toBe('匹配词： 轴承 · 缺陷');
    expect(await cards().locator('h2 mark').allInnerTexts()).toEqual(['轴承', '缺陷']);
    expect(await page.inputValue('#f-q')).toBe('轴承缺陷');
    await browser.shot('feed-search-zh');

    await search('搜索需求', '区块链');
    expect(await cards().count()).toBe(0);
    expect(await page.locator('.empty').innerText()).toBe('没有找到与“区块链”匹配的开放需求。');

    await search('搜索需求', '?!');
    expect(await page.locator('#f-q-error').innerText()).toContain('请输入至少一个汉字');
    expect(await page.locator('#f-q').getAttribute('aria-invalid')).toBe('true');
  });

  it('finds a request by an English word, with a cluster, in English', async () => {
    const { page } = browser;
    await browser.go('/feed?lang=en');
    await page.selectOption('#f-cluster', 'smart-manufacturing');
    await search('Search requests', 'plc');
    expect(await page.locator('main h2').first().innerText()).toBe('Results for “plc”');
    expect(await cards().count()).toBe(1);
    expect(await cards().locator('h2').innerText()).toBe('数控车床上下料机器人改造');
    expect(await cards().locator('.matched').innerText()).toBe('Matched: plc');
    await browser.shot('feed-search-en');

    // The same word in the other cluster finds nothing.
    await page.selectOption('#f-cluster', 'new-energy-vehicles');
    await browser.submit(page.locator('form[role="search"] button[type="submit"]'));
    expect(await cards().count()).toBe(0);
    expect(browser.problems).toEqual([]);
  });
});
