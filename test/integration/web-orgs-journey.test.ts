import { describe, expect, it } from 'vitest';
import { DEMO_BASE_STAGES, DEMO_CREDIT_CODES, seedDemoConsortium } from '@sharedtech/local';
import { suiteBrowser } from '../support/browser.js';
import { startTestApi } from '../support/harness.js';

/**
 * Organisations in Chromium (issue 11, items 5 and 6): the enterprise's owner
 * edits the profile, invites a colleague who joins through the link, a new
 * teacher studio names the demo college and the college accepts it — each new
 * page in Chinese and English.
 */
const api = await startTestApi();
await seedDemoConsortium(api.deps, DEMO_BASE_STAGES);
const enterprise = await api.as('demo-enterprise');
const enterpriseOrg = (await enterprise.get('/v1/me')).body.organisation as { id: string; name: string };
const COLLEAGUE = 'web-orgs-colleague';
const TEACHER = 'web-orgs-teacher';

const browser = suiteBrowser(api.baseUrl, 'orgs');

const h1 = () => browser.page.locator('h1').innerText();

describe('organisations in the browser', () => {
  it('the owner edits the profile, which everyone then sees', async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go('/org?lang=zh-CN');
    // The seed's organisations carry valid credit codes.
    expect(await page.locator('[data-credit-code]').innerText()).toBe(DEMO_CREDIT_CODES.enterprise);
    await browser.submit(page.locator('a[data-edit-profile]'));
    expect(new URL(page.url()).pathname).toBe('/org/edit');
    expect(await h1()).toBe('编辑机构资料');
    await page.fill('#f-description', '轴承与精密零部件加工，年产 200 万件。');
    await page.fill('#f-contact-person', '李经理');
    await page.fill('#f-contact-phone', '0571-8888 6666');
    await page.fill('#f-contact-email', 'not-an-email');
    await page.fill('#f-address', '杭州市钱塘区 1 号路 88 号');
    const [refused] = await Promise.all([page.waitForNavigation(), page.click('form[data-profile-form] button[type="submit"]')]);
    expect(refused?.status()).toBe(400);
    expect(await page.locator('#f-contact-email').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-description').inputValue()).toBe('轴承与精密零部件加工，年产 200 万件。'); // what was typed stays
    await page.fill('#f-contact-email', 'li@example.com');
    await browser.submit(page.locator('form[data-profile-form] button[type="submit"]'));
    expect(new URL(page.url()).pathname).toBe('/org');
    expect(await page.locator('.flash').innerText()).toBe('机构资料已保存。');
    const facts = await page.locator('main').innerText();
    for (const text of ['轴承与精密零部件加工', '李经理 · 0571-8888 6666 · li@example.com', '杭州市钱塘区 1 号路 88 号']) expect(facts).toContain(text);
    await browser.shot('profile-zh');

    await browser.go('/org/edit?lang=en');
    expect(await h1()).toBe('Edit the profile');
    expect(await page.locator('label[for="f-address"]').innerText()).toContain('Address');
    await browser.shot('profile-edit-en', { width: 390 });

    // Another organisation sees the public profile.
    await browser.signInAs('demo-studio');
    await browser.go(`/orgs/${enterpriseOrg.id}?lang=zh-CN`);
    expect(await page.locator('main').innerText()).toContain('杭州市钱塘区 1 号路 88 号');
  });

  it('the owner invites a colleague, who joins by opening the link signed in', async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go('/org/members?lang=zh-CN');
    await page.fill('#f-displayName', '陈工');
    await page.selectOption('#f-role', 'MEMBER');
    await browser.submit(page.locator('form[data-invite-form] button[type="submit"]'));
    const link = (await page.locator('[data-invitation-link]').getAttribute('href'))!;
    await browser.shot('invited-zh');

    await browser.signInAs(COLLEAGUE);
    await page.goto(`${link}&lang=en`);
    expect(await h1()).toBe('Accept a member invitation');
    await page.goto(`${link}&lang=zh-CN`);
    expect(await h1()).toBe('接受成员邀请');
    expect(await page.locator('#f-code').inputValue()).toBe(new URL(link).searchParams.get('code'));
    await browser.submit(page.locator('form[data-accept-form] button[type="submit"]'));
    expect(new URL(page.url()).pathname).toBe('/org');
    expect(await h1()).toBe(enterpriseOrg.name);
    expect((await (await api.as(COLLEAGUE)).get('/v1/me')).body.membership).toMatchObject({ orgId: enterpriseOrg.id, role: 'MEMBER', displayName: '陈工' });
    // A member who is not an owner has no edit link and no edit page.
    expect(await page.locator('a[data-edit-profile]').count()).toBe(0);
    const [forbidden] = await Promise.all([page.waitForNavigation(), page.goto(new URL('/org/edit', api.baseUrl).toString())]);
    expect(forbidden?.status()).toBe(403);
  });

  it('a new studio names the demo college, which accepts it from its studios page', async () => {
    const { page } = browser;
    await browser.signInAs(TEACHER);
    await browser.go('/org/new?lang=zh-CN');
    await page.selectOption('#f-type', 'STUDIO');
    await page.fill('#f-name', '焊接机器人教师工作室');
    await page.selectOption('#f-collegeId', { label: '市职业技术学院' });
    await page.fill('#f-capabilities', '焊接机器人, PLC');
    await browser.submit(page.locator('form[action="/org/new"] button[type="submit"]'));
    expect(new URL(page.url()).pathname).toBe('/org');
    expect(await page.locator('main').innerText()).toContain('待院校确认');
    const studioId = (await (await api.as(TEACHER)).get('/v1/me')).body.organisation.id as string;

    await browser.signInAs('demo-college');
    await browser.go('/notifications?lang=zh-CN');
    expect(await page.locator('main').innerText()).toContain('工作室「焊接机器人教师工作室」选择了本院校，等待确认');
    await browser.go('/org?lang=zh-CN');
    await browser.submit(page.locator('main a[href="/org/studios"]'));
    expect(await h1()).toBe('本院校的工作室');
    const row = page.locator(`tr[data-studio-id="${studioId}"]`);
    expect(await row.getAttribute('data-affiliation')).toBe('PENDING');
    await browser.shot('studios-pending-zh');
    await browser.go('/org/studios?lang=en');
    expect(await h1()).toBe('Studios of this college');
    expect(await row.innerText()).toContain('Awaiting the college');
    await browser.shot('studios-pending-en', { width: 390 });
    await browser.go('/org/studios?lang=zh-CN');
    await browser.submit(row.locator('form[action$="/affiliation"] button', { hasText: '确认是本院校的工作室' }));
    expect(await page.locator('.flash').innerText()).toBe('已确认该工作室属于本院校。');
    expect(await row.getAttribute('data-affiliation')).toBe('ACCEPTED');
    expect(await row.locator('form').count()).toBe(0); // decided once

    await browser.signInAs(TEACHER);
    await browser.go('/org?lang=zh-CN');
    expect(await page.locator('main').innerText()).toContain('院校已确认');
    expect(browser.problems).toEqual([]);
  });
});
