import { describe, expect, it } from 'vitest';
import { DEMO_BASE_STAGES, seedDemoConsortium } from '@sharedtech/local';
import { suiteBrowser } from '../support/browser.js';
import { startTestApi } from '../support/harness.js';

/**
 * The organisation members page: an owner invites a member (messages beside
 * the fields, the one-time link shown once), the invited person joins only by
 * accepting it signed in (the one-organisation rule as a 409 beside the code),
 * and the new member then uses the marketplace as that organisation but cannot
 * invite anyone; the owner changes roles and removes members.
 */
const api = await startTestApi();
await seedDemoConsortium(api.deps, DEMO_BASE_STAGES);

const enterprise = await api.as('demo-enterprise');
const me = (await enterprise.get('/v1/me')).body;
const enterpriseOrg = me.organisation as { id: string; name: string };
const studioOrgId = (await (await api.as('demo-studio')).get('/v1/me')).body.organisation.id as string;
const NEW_MEMBER = 'web-members-wang';
let link = '';

const browser = suiteBrowser(api.baseUrl, 'members');

/** Submits the form at `action` and returns the HTTP status of the page it leads to. */
async function submitForm(action: string) {
  const { page } = browser;
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(`form[action="${action}"] button[type="submit"]`)]);
  return response?.status();
}

describe('organisation members page', () => {
  it('an owner finds the page from their organisation and sees a labelled invitation form', async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go('/org?lang=zh-CN');
    await browser.submit(page.locator('main a[href="/org/members"]', { hasText: '添加成员' }));
    expect(new URL(page.url()).pathname).toBe('/org/members');
    expect(await page.locator('h1').innerText()).toBe('机构成员');
    expect(await page.locator('tr[data-sub="demo-enterprise"]').innerText()).toContain('负责人');
    expect(await page.locator('#f-sub').count()).toBe(0); // no adding by raw identity any more
    for (const id of ['f-role', 'f-displayName']) {
      expect(await page.locator(`label[for="${id}"]`).count(), id).toBe(1);
      expect(await page.locator(`#${id}`).getAttribute('aria-describedby'), id).toBe(`${id}-hint`);
    }
    expect(await page.locator('#f-role').inputValue()).toBe('MEMBER');
  });

  it('says what is missing beside the name field', async () => {
    const { page } = browser;
    expect(await submitForm('/org/members')).toBe(400);
    expect(await page.locator('#f-displayName-error').innerText()).toContain('请填写此项');
    expect(await page.locator('#f-displayName').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.error-summary a[href="#f-displayName"]').innerText()).toContain('显示名称');
  });

  it('creates an invitation and shows its one-time link once; nobody is a member yet', async () => {
    const { page } = browser;
    await browser.go('/org/members?lang=zh-CN');
    await page.fill('#f-displayName', '王工');
    await page.selectOption('#f-role', 'MEMBER');
    expect(await submitForm('/org/members')).toBe(200);
    link = (await page.locator('[data-invitation-link]').getAttribute('href'))!;
    expect(new URL(link).pathname).toBe('/member-invitations/accept');
    expect(await page.locator('[data-new-invitation]').innerText()).toContain('邀请码只显示这一次');
    expect(await page.locator('table.invitations tbody tr').first().innerText()).toContain('待接受');
    expect(await page.locator('tr[data-sub]').count()).toBe(1); // only the owner
    // Shown once: the page again lists the invitation without its code.
    await browser.go('/org/members?lang=zh-CN');
    expect(await page.locator('[data-invitation-link]').count()).toBe(0);
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await browser.shot('invited-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('refuses, with a 409 beside the code, someone who already belongs to another organisation', async () => {
    const { page } = browser;
    await browser.signInAs('demo-studio');
    await page.goto(`${link}&lang=zh-CN`);
    expect(await page.locator('.notice').first().innerText()).toContain('您已属于一个机构');
    expect(await submitForm('/member-invitations/accept')).toBe(409);
    expect(await page.locator('#f-code-error').innerText()).toContain('该身份已属于一个机构；每个身份只能属于一个机构。');
    await page.goto(`${link}&lang=en`);
    expect(await submitForm('/member-invitations/accept')).toBe(409);
    expect(await page.locator('#f-code-error').innerText()).toContain('This identity already belongs to an organisation; an identity belongs to one.');
    expect((await (await api.as('demo-studio')).get('/v1/me')).body.organisation.id).toBe(studioOrgId);
  });

  it('the invited person accepts the link signed in and acts as the organisation, but cannot invite anyone', async () => {
    const { page } = browser;
    await browser.signInAs(NEW_MEMBER);
    await page.goto(`${link}&lang=zh-CN`);
    expect(await page.locator('h1').innerText()).toBe('接受成员邀请');
    await browser.submit(page.locator('form[action="/member-invitations/accept"] button[type="submit"]'));
    expect(new URL(page.url()).pathname).toBe('/org');
    expect(await page.locator('.flash').innerText()).toBe('您已加入该机构。');
    const who = (await (await api.as(NEW_MEMBER)).get('/v1/me')).body;
    expect(who.membership).toMatchObject({ orgId: enterpriseOrg.id, role: 'MEMBER', displayName: '王工' });
    expect(await page.locator('.account .who').innerText()).toContain(enterpriseOrg.name);

    await browser.submit(page.locator('main a[href="/org/members"]', { hasText: '成员页面' }));
    expect(await page.locator(`tr[data-sub="${NEW_MEMBER}"]`).innerText()).toContain(`王工 (${NEW_MEMBER})`);
    expect(await page.locator('form[action="/org/members"]').count()).toBe(0);
    expect(await page.locator('[data-owners-only]').innerText()).toBe('只有本机构负责人可以添加成员。');

    // A post anyway (the page has no form) is refused as a page, and invites no one.
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.evaluate(`(() => {
        const form = document.createElement('form');
        form.method = 'post';
        form.action = '/org/members';
        const name = document.createElement('input');
        name.name = 'displayName';
        name.value = '混进来的人';
        form.append(name);
        document.body.append(form);
        form.submit();
      })()`),
    ]);
    expect(response?.status()).toBe(403);
    expect(await page.locator('.error-page .lead').innerText()).toBe('只有本机构负责人可以进行此操作。');

    // The link is used: a second person gets a clear 409 beside the code.
    await browser.signInAs('web-members-late');
    await page.goto(`${link}&lang=zh-CN`);
    expect(await submitForm('/member-invitations/accept')).toBe(409);
    expect(await page.locator('#f-code-error').innerText()).toContain('该邀请已被使用');
  });

  it('lets the owner make the member an owner, then remove them; the notifications tell the story', async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go('/org/members?lang=zh-CN');
    await browser.submit(page.locator(`[data-member-actions="${NEW_MEMBER}"] form[action="/org/members/role"] button`));
    expect(await page.locator('.flash').innerText()).toBe('成员角色已修改。');
    expect(await page.locator(`tr[data-sub="${NEW_MEMBER}"]`).innerText()).toContain('负责人');
    page.once('dialog', (dialog) => void dialog.accept());
    await browser.submit(page.locator(`[data-member-actions="${NEW_MEMBER}"] form[action="/org/members/remove"] button`));
    expect(await page.locator('.flash').innerText()).toBe('成员已移出。');
    expect(await page.locator(`tr[data-sub="${NEW_MEMBER}"]`).count()).toBe(0);
    expect((await (await api.as(NEW_MEMBER)).get('/v1/me')).body.membership).toBeNull();
    await browser.go('/notifications?lang=zh-CN');
    const text = await page.locator('main').innerText();
    expect(text).toContain('「王工」已接受邀请加入本机构');
    expect(text).toContain('已邀请「王工」加入本机构');
  });
});
