import { describe, expect, it } from 'vitest';
import { DEMO_BASE_STAGES, seedDemoConsortium } from '@sharedtech/local';
import { suiteBrowser } from '../support/browser.js';
import { openRequest } from '../support/fixtures.js';
import { evenShares } from '../support/bids.js';
import { key, milestonePath } from '../support/money.js';
import { startTestApi, type Caller } from '../support/harness.js';

/**
 * People and education outcomes through the pages, in both languages: the
 * studio keeps its roster and names roster people on its bid, the enterprise
 * keeps its engineer as mentor; the studio logs a student's participation, the
 * teacher and the enterprise mentor sign it off; at completion the college
 * finds the student's printable record. Screenshots at desktop and phone width.
 */
const api = await startTestApi();
await seedDemoConsortium(api.deps, DEMO_BASE_STAGES);
const enterprise = await api.as('demo-enterprise');
const studio = await api.as('demo-studio');
const association = await api.as('demo-association');
const orgIdOf = async (caller: Caller) => (await caller.get('/v1/me')).body.organisation.id as string;
const [enterpriseOrg, studioOrg] = [await orgIdOf(enterprise), await orgIdOf(studio)];
const requestId = await openRequest(api, enterprise, association, { title: '焊缝视觉检测（育人旅程）' });

const browser = suiteBrowser(api.baseUrl, 'education');

const text = (selector: string) => browser.page.locator(selector).first().innerText();

describe('people and education outcomes through the pages', () => {
  let contractId = '';
  let recordPath = '';

  it('the studio keeps its roster: a teacher who signs in as its owner, and a student (zh-CN, errors beside the fields)', async () => {
    const { page } = browser;
    await browser.signInAs('demo-studio');
    await browser.go('/?lang=zh-CN');
    await browser.submit(page.locator('nav a[href="/people"]'));
    expect(await text('h1')).toBe('人员名册');
    await page.selectOption('#f-kind', 'STUDENT');
    await page.fill('#f-name', '李明');
    await browser.submit(page.locator('form[action="/people"][method="post"] button[type="submit"]'));
    expect(await page.locator('.error-summary').count()).toBe(1);
    expect(await text('#f-programme-error')).toContain('学生需要填写专业');
    await page.fill('#f-programme', '机电一体化技术');
    await page.fill('#f-year', '2024');
    await browser.submit(page.locator('form[action="/people"][method="post"] button[type="submit"]'));
    expect(await text('.flash')).toBe('已添加到名册。');
    await page.selectOption('#f-kind', 'TEACHER');
    await page.fill('#f-name', '周老师');
    await page.fill('#f-title', '副教授');
    await page.fill('#f-memberSub', 'demo-studio');
    await browser.submit(page.locator('form[action="/people"][method="post"] button[type="submit"]'));
    expect(await text('table[data-roster]')).toContain('机电一体化技术');
    expect(await text('table[data-roster]')).toContain('已关联登录账号');
    await browser.shot('studio-roster');
    await browser.shot('studio-roster-phone', { width: 390 });
  });

  it('the enterprise keeps its engineer (English)', async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go('/people?lang=en');
    expect(await text('h1')).toBe('People');
    await page.selectOption('#f-kind', 'ENGINEER');
    await page.fill('#f-name', 'Zhao Gang');
    await page.fill('#f-title', 'Senior engineer');
    await page.fill('#f-memberSub', 'demo-enterprise');
    await browser.submit(page.locator('form[action="/people"][method="post"] button[type="submit"]'));
    expect(await text('.flash')).toBe('Added to the roster.');
    expect(await text('table[data-roster]')).toContain('Zhao Gang');
    await browser.shot('enterprise-roster-en');
  });

  it('the studio’s bid names roster people (at least one teacher), and the enterprise names its mentor at award', async () => {
    const { page } = browser;
    await browser.signInAs('demo-studio');
    await browser.go(`/requests/${requestId}/bid?lang=zh-CN`);
    await page.fill('#f-price', '60000');
    await page.fill('#f-durationDays', '60');
    await page.fill('#f-approach', '采用环形光源与工业相机，基于深度学习的缺陷分割，学生参与标定与验收。');
    await page.fill('#f-milestones-0-title', '样机与现场验收');
    await page.fill('#f-milestones-0-amount', '60000');
    await page.fill('#f-milestones-0-dueInDays', '30');
    // Only the student: the server asks for a teacher.
    await page.locator('[data-roster-picker] label', { hasText: '李明' }).locator('input').check();
    await browser.submit(page.locator('form button[type="submit"]', { hasText: '提交方案' }));
    expect(await text('[data-roster-picker] .error')).toContain('团队至少要有一名教师');
    await browser.shot('bid-team-needs-teacher');
    await page.locator('[data-roster-picker] label', { hasText: '周老师' }).locator('input').check();
    await browser.submit(page.locator('form button[type="submit"]', { hasText: '提交方案' }));
    expect(new URL(page.url()).pathname).toMatch(/^\/bids\/bid_/);
    const bidId = new URL(page.url()).pathname.split('/')[2]!;
    expect((await studio.get(`/v1/bids/${bidId}`)).body.team).toMatchObject({ teachers: ['周老师'], students: ['李明'] });

    const engineers = await enterprise.get(`/v1/orgs/${enterpriseOrg}/people?kind=ENGINEER`);
    const mentorPersonId = engineers.body.items.find((person: { name: string }) => person.name === 'Zhao Gang').id as string;
    // The award page offers the roster's engineers as mentor.
    await browser.signInAs('demo-enterprise');
    await browser.go(`/requests/${requestId}/award?bid=${bidId}&lang=zh-CN`);
    expect(await page.locator('#f-mentorPersonId option', { hasText: 'Zhao Gang' }).count()).toBe(1);
    await browser.shot('award-mentor');
    const award = await enterprise.post(`/v1/requests/${requestId}/award`, { bidId, shares: evenShares(enterpriseOrg, studioOrg), mentorPersonId });
    expect(award.status, JSON.stringify(award.body)).toBe(201);
    contractId = award.body.id as string;
    for (const signer of [enterprise, studio]) expect((await signer.post(`/v1/contracts/${contractId}/sign`)).status).toBe(200);
  });

  it('the studio logs participation and signs as teacher; the enterprise mentor signs in English', async () => {
    const { page } = browser;
    await browser.signInAs('demo-studio');
    await browser.go(`/contracts/${contractId}?lang=zh-CN`);
    await browser.submit(page.locator(`a[href="/contracts/${contractId}/participation"]`));
    expect(await text('h1')).toBe('学生参与记录');
    const form = page.locator('form[data-log="1"]');
    await form.locator('select[name="personId"]').selectOption({ label: '李明' });
    await form.locator('input[name="hours"]').fill('0');
    await form.locator('input[name="tasks"]').fill('标定相机, 标注样本');
    await browser.submit(form.locator('button[type="submit"]'));
    expect(await page.locator('.error-summary').count()).toBe(1);
    await page.locator('form[data-log="1"] input[name="hours"]').fill('16');
    await page.locator('form[data-log="1"] input[name="role"]').fill('视觉算法');
    await browser.submit(page.locator('form[data-log="1"] button[type="submit"]'));
    expect(await text('.flash')).toBe('已登记学生参与。');
    expect(await text('table[data-participation="1"]')).toContain('标定相机');
    await browser.submit(page.locator('form[action$="/participation/1/sign-off"] button'));
    expect(await text('.flash')).toBe('已确认。');
    await browser.shot('participation-teacher-signed');

    await browser.signInAs('demo-enterprise');
    await browser.go(`/contracts/${contractId}/participation?lang=en`);
    expect(await text('h1')).toBe('Student participation');
    expect(await text('form[action$="/participation/1/sign-off"] button')).toBe('Sign off as enterprise mentor (1)');
    await browser.submit(page.locator('form[action$="/participation/1/sign-off"] button'));
    expect(await text('.flash')).toBe('Signed off.');
    expect(await page.locator('tr[data-signed-off="true"]').count()).toBe(1);
    await browser.shot('participation-both-signed-en');
    await browser.shot('participation-both-signed-en-phone', { width: 390 });
  });

  it('at completion the college finds the student’s printable record, in both languages', async () => {
    const { page } = browser;
    expect((await enterprise.post(milestonePath(contractId, 1, 'fund'), {}, key())).status).toBe(200);
    expect((await studio.post(milestonePath(contractId, 1, 'submit'), { note: '全部交付' })).status).toBe(200);
    expect((await enterprise.post(milestonePath(contractId, 1, 'accept'), {}, key())).status).toBe(200);

    await browser.signInAs('demo-college');
    await browser.go('/?lang=zh-CN');
    await browser.submit(page.locator('nav a[href="/college/student-records"]'));
    expect(await text('h1')).toBe('学生项目档案');
    expect(await text('table[data-programmes]')).toContain('机电一体化技术');
    await browser.shot('college-student-records');
    await browser.submit(page.locator('li[data-record-id] a').first());
    recordPath = new URL(page.url()).pathname;
    expect(recordPath).toMatch(/^\/records\/rec_[0-9A-Z]{26}$/);
    expect(await text('h1')).toBe('李明 的项目实践档案');
    expect(await text('[data-record-hours]')).toBe('16');
    expect(await text('.record-table')).toContain('周老师');
    expect(await text('.record-table')).toContain('Zhao Gang');
    await browser.shot('record-zh');
    await browser.shot('record-zh-phone', { width: 390 });
    await browser.go(`${recordPath}?lang=en`);
    expect(await text('h1')).toBe('Project record of 李明');
    expect(await text('.student-record .facts')).toContain('Zhao Gang');
    await browser.shot('record-en');
    await browser.shot('record-en-phone', { width: 390 });
    // Printed, the menus and the print button are gone.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.locator('[data-print]').isVisible()).toBe(false);
    expect(await page.locator('.student-record').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    expect(browser.problems).toEqual([]);
  });
});
