import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '@sharedtech/data';
import { suiteBrowser } from '../support/browser.js';
import { openRequest, organisation } from '../support/fixtures.js';
import { startDemoApi } from '../support/demo.js';
import { bidBody } from '../support/bids.js';

/**
 * A bid's team through the pages, in Chromium: a studio whose roster has no
 * teacher is told so (zh-CN, then English) and sent to its roster; it adds a
 * teacher there and bids with the people it ticks. The demo studio edits a bid
 * stored before rosters: its free-text team shows read only and stays.
 */
const { api, enterprise, studio, association, studioTeam } = await startDemoApi();

// A new studio of a new college (no roster) whose only teacher has left its roster: two students remain.
const college = await organisation(api, association, { type: 'COLLEGE', name: '新建职业学院' });
const lonely = await organisation(api, association, { type: 'STUDIO', name: '新建教师工作室', collegeId: college.orgId, capabilities: ['机器视觉'] });
expect((await api.call('DELETE', `/v1/orgs/${lonely.orgId}/people/${lonely.team.personIds[0]}`, lonely.caller.token)).status).toBe(204);
const requestId = await openRequest(api, enterprise, association, { title: '冲压件表面划痕检测（名册旅程）' });

// A bid of the demo studio as stored before rosters: names only.
const oldRequestId = await openRequest(api, enterprise, association, { title: '电机端盖尺寸测量（旧方案）' });
const oldBidId = (await studio.post(`/v1/requests/${oldRequestId}/bids`, bidBody(studioTeam))).body.id as string;
const OLD_TEAM = { teachers: ['钱老师'], students: ['孙同学'], mentors: ['吴工'] };
await api.deps.db.doc.send(new UpdateCommand({ TableName: api.tableName, Key: keys.bid(oldBidId), UpdateExpression: 'SET team = :team', ExpressionAttributeValues: { ':team': OLD_TEAM } }));

const browser = suiteBrowser(api.baseUrl, 'rosters');

const text = (selector: string) => browser.page.locator(selector).first().innerText();

async function fillBid() {
  const { page } = browser;
  await page.fill('#f-price', '50000');
  await page.fill('#f-durationDays', '45');
  await page.fill('#f-approach', '线扫相机配合同轴光源检测划痕，学生参与样本标注与现场调试。');
  await page.fill('#f-milestones-0-title', '样机与现场验收');
  await page.fill('#f-milestones-0-amount', '50000');
  await page.fill('#f-milestones-0-dueInDays', '45');
}

const tick = (name: string) => browser.page.locator('[data-roster-picker] label', { hasText: name }).locator('input').check();

describe('a bid’s team from the roster, through the pages', () => {
  it('a roster without a teacher is explained in both languages, with the way to the roster', async () => {
    const { page } = browser;
    await browser.signInAs(lonely.caller.sub);
    await browser.go(`/requests/${requestId}/bid?lang=zh-CN`);
    expect(await page.locator('input[name^="team.teachers"], input[name^="team.students"], input[name^="team.mentors"]').count()).toBe(0);
    expect(await text('[data-no-teacher]')).toContain('本工作室及所属院校的名册中还没有教师');
    await browser.shot('bid-no-teacher');
    await browser.shot('bid-no-teacher-phone', { width: 390 });

    await browser.go(`/requests/${requestId}/bid?lang=en`);
    expect(await text('[data-no-teacher]')).toContain('have no teacher yet');
    await fillBid();
    await tick('李同学');
    await browser.submit(page.locator('form button[type="submit"]', { hasText: 'Submit' }));
    expect(await text('[data-roster-picker] .error')).toBe('A team names at least one teacher.');
    await browser.shot('bid-students-only-en');
  });

  it('the studio adds a teacher on its roster page and bids with the people it ticks', async () => {
    const { page } = browser;
    await browser.go(`/requests/${requestId}/bid?lang=zh-CN`);
    await browser.submit(page.locator('[data-no-teacher] a', { hasText: '到人员名册添加教师和学生' }));
    expect(new URL(page.url()).pathname).toBe('/people');
    await page.selectOption('#f-kind', 'TEACHER');
    await page.fill('#f-name', '郑老师');
    await page.fill('#f-title', '讲师');
    await browser.submit(page.locator('form[action="/people"][method="post"] button[type="submit"]'));
    expect(await text('.flash')).toBe('已添加到名册。');

    await browser.go(`/requests/${requestId}/bid?lang=zh-CN`);
    expect(await page.locator('[data-no-teacher]').count()).toBe(0);
    await fillBid();
    // Nobody ticked: the message is at the roster.
    await browser.submit(page.locator('form button[type="submit"]', { hasText: '提交方案' }));
    expect(await text('[data-roster-picker] .error')).toBe('请从名册中至少选择一人，其中至少一名教师。');
    expect(await page.locator('.error-summary a[href="#f-team-personIds"]').count()).toBe(1);
    await tick('郑老师');
    await tick('张同学');
    await browser.shot('bid-roster-picked');
    await browser.submit(page.locator('form button[type="submit"]', { hasText: '提交方案' }));
    expect(new URL(page.url()).pathname).toMatch(/^\/bids\/bid_/);
    const bid = (await lonely.caller.get(`/v1/bids/${new URL(page.url()).pathname.split('/')[2]}`)).body;
    expect(bid.team).toMatchObject({ teachers: ['郑老师'], students: ['张同学'], mentors: [] });
  });

  it('an older bid’s free-text team shows read only and stays unless people are picked (both languages)', async () => {
    const { page } = browser;
    await browser.signInAs('demo-studio');
    await browser.go(`/bids/${oldBidId}/edit?lang=en`);
    expect(await text('[data-old-team]')).toContain('Current team (names typed freely, read only): 钱老师、孙同学、吴工');
    await browser.go(`/bids/${oldBidId}/edit?lang=zh-CN`);
    expect(await text('[data-old-team]')).toContain('原团队（自由填写的姓名，仅供查看）：钱老师、孙同学、吴工');
    await browser.shot('bid-edit-old-team');
    await page.fill('#f-durationDays', '100');
    await browser.submit(page.locator(`form[action="/bids/${oldBidId}/edit"] button[type="submit"]`));
    expect(new URL(page.url()).pathname).toBe(`/bids/${oldBidId}`);
    expect((await studio.get(`/v1/bids/${oldBidId}`)).body).toMatchObject({ durationDays: 100, team: OLD_TEAM });
  });
});
