import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoConsortium } from '@sharedtech/local';
import { openBrowser, type Browser } from '../support/browser.js';
import { startTestApi } from '../support/harness.js';

/**
 * The organisation members page: an owner adds a member (messages beside the
 * fields, the one-organisation rule as a 409 beside the identity), and the new
 * member then uses the marketplace as that organisation but cannot add anyone.
 */
const api = await startTestApi();
await seedDemoConsortium(api.deps);

const enterprise = await api.as('demo-enterprise');
const me = (await enterprise.get('/v1/me')).body;
const enterpriseOrg = me.organisation as { id: string; name: string };
const studioOrgId = (await (await api.as('demo-studio')).get('/v1/me')).body.organisation.id as string;
const NEW_MEMBER = 'web-members-wang';

let browser: Browser;
beforeAll(async () => {
  browser = await openBrowser(api.baseUrl, 'members');
});
afterAll(async () => {
  await browser?.close();
});

/** Submits the add-member form and returns the HTTP status of the page it leads to. */
async function submitAddMember() {
  const { page } = browser;
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form[action="/org/members"] button[type="submit"]')]);
  return response?.status();
}

describe('organisation members page', () => {
  it('an owner finds the page from their organisation and sees a labelled form', async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go('/org?lang=zh-CN');
    await browser.submit(page.locator('main a[href="/org/members"]', { hasText: '添加成员' }));
    expect(new URL(page.url()).pathname).toBe('/org/members');
    expect(await page.locator('h1').innerText()).toBe('机构成员');
    expect(await page.locator('tr[data-sub="demo-enterprise"]').innerText()).toContain('负责人');
    for (const id of ['f-sub', 'f-role', 'f-displayName']) {
      expect(await page.locator(`label[for="${id}"]`).count(), id).toBe(1);
      expect(await page.locator(`#${id}`).getAttribute('aria-describedby'), id).toBe(`${id}-hint`);
    }
    expect(await page.locator('#f-role').inputValue()).toBe('MEMBER');
  });

  it('says what is missing beside the identity field', async () => {
    const { page } = browser;
    expect(await submitAddMember()).toBe(400);
    expect(await page.locator('#f-sub-error').innerText()).toContain('请填写此项');
    expect(await page.locator('#f-sub').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-sub').getAttribute('aria-describedby')).toBe('f-sub-hint f-sub-error');
    expect(await page.locator('.error-summary a[href="#f-sub"]').innerText()).toContain('身份');
  });

  it('refuses, with a 409 beside the identity, a user who already belongs to another organisation', async () => {
    const { page } = browser;
    await browser.go('/org/members?lang=zh-CN');
    await page.fill('#f-sub', 'demo-studio');
    await page.fill('#f-displayName', '别的工作室');
    expect(await submitAddMember()).toBe(409);
    expect(await page.locator('#f-sub-error').innerText()).toContain('该身份已属于一个机构；每个身份只能属于一个机构。');
    expect(await page.locator('#f-sub').getAttribute('aria-describedby')).toBe('f-sub-hint f-sub-error');
    expect(await page.locator('#f-sub').inputValue()).toBe('demo-studio'); // what was typed stays
    expect(await page.locator('#f-displayName').inputValue()).toBe('别的工作室');
    await browser.shot('already-member-zh');

    // The same in English.
    await browser.go('/org/members?lang=en');
    await page.fill('#f-sub', 'demo-studio');
    expect(await submitAddMember()).toBe(409);
    expect(await page.locator('#f-sub-error').innerText()).toContain('This identity already belongs to an organisation; an identity belongs to one.');
    expect(await page.locator('h1').innerText()).toBe('Organisation members');

    // Nothing changed: the studio's user is still the studio's, and not listed here.
    expect((await (await api.as('demo-studio')).get('/v1/me')).body.organisation.id).toBe(studioOrgId);
    expect(await page.locator('tr[data-sub="demo-studio"]').count()).toBe(0);
  });

  it('adds a member with a role and a display name', async () => {
    const { page } = browser;
    await browser.go('/org/members?lang=zh-CN');
    await page.fill('#f-sub', NEW_MEMBER);
    await page.selectOption('#f-role', 'MEMBER');
    await page.fill('#f-displayName', '王工');
    await browser.submit(page.locator('form[action="/org/members"] button[type="submit"]'));
    expect(new URL(page.url()).pathname).toBe('/org/members');
    expect(await page.locator('.flash').innerText()).toBe('成员已添加。');
    const row = page.locator(`tr[data-sub="${NEW_MEMBER}"]`);
    expect(await row.innerText()).toContain(`王工 (${NEW_MEMBER})`);
    expect(await row.innerText()).toContain('成员');
    expect(await page.locator('#f-sub').inputValue()).toBe(''); // a fresh form for the next one

    // On a phone the page fits the screen; the table scrolls inside its own box.
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await browser.shot('added-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('the new member acts as the organisation, sees the members but no form, and cannot add anyone', async () => {
    const { page } = browser;
    const member = await api.as(NEW_MEMBER);
    const who = (await member.get('/v1/me')).body;
    expect(who.organisation.id).toBe(enterpriseOrg.id);
    expect(who.membership).toMatchObject({ orgId: enterpriseOrg.id, role: 'MEMBER', displayName: '王工' });

    await browser.signInAs(NEW_MEMBER);
    await browser.go('/?lang=zh-CN');
    expect(await page.locator('h1').innerText()).toBe(enterpriseOrg.name);
    expect(await page.locator('.account .who').innerText()).toContain(enterpriseOrg.name);
    expect(await page.locator('.main-nav').innerText()).toContain('发布需求'); // the enterprise's menu

    await browser.go('/org');
    await browser.submit(page.locator('main a[href="/org/members"]', { hasText: '成员页面' }));
    expect(await page.locator(`tr[data-sub="${NEW_MEMBER}"]`).count()).toBe(1);
    expect(await page.locator('tr[data-sub="demo-enterprise"]').count()).toBe(1);
    expect(await page.locator('form[action="/org/members"]').count()).toBe(0);
    expect(await page.locator('[data-owners-only]').innerText()).toBe('只有本机构负责人可以添加成员。');

    // A post anyway (the page has no form) is refused as a page, and adds no one.
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.evaluate(`(() => {
        const form = document.createElement('form');
        form.method = 'post';
        form.action = '/org/members';
        const sub = document.createElement('input');
        sub.name = 'sub';
        sub.value = 'web-members-sneaked-in';
        form.append(sub);
        document.body.append(form);
        form.submit();
      })()`),
    ]);
    expect(response?.status()).toBe(403);
    expect(await page.locator('.error-page .lead').innerText()).toBe('只有本机构负责人可以进行此操作。');
    expect((await (await api.as('web-members-sneaked-in')).get('/v1/me')).body.organisation).toBeNull();
  });

  it('tells the owner that the member joined', async () => {
    await browser.signInAs('demo-enterprise');
    await browser.go('/notifications?lang=zh-CN');
    expect(await browser.page.locator('main').innerText()).toContain(`新成员 ${NEW_MEMBER} 已加入本机构`);
  });
});
