import { describe, expect, it } from 'vitest';
import { startTestApi } from '../support/harness.js';
import { expectError, itemIds, tableItemCount } from '../support/assertions.js';
import { organisation } from '../support/fixtures.js';
import { activeContract, key, milestonePath, moneyConsortium } from '../support/money.js';

/**
 * One thread per contract: its parties write and read it, associations read it
 * only while a dispute is open, and nobody else learns it exists.
 */
const api = await startTestApi();
const parties = await moneyConsortium(api);
const { enterprise, studio, college, government, moderator, outsider } = parties;
const rivalStudio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId });
const contractId = await activeContract(api, parties, { milestones: [50_000, 70_000], subsidyBps: 3000 });
const thread = `/v1/contracts/${contractId}/messages`;
const inbox = async (caller: typeof studio.caller) => ((await caller.get('/v1/notifications')).body.items as { type: string }[]).map((item) => item.type);

describe('a contract thread', () => {
  it('lets each party write; the others are notified, newest first', async () => {
    const first = await enterprise.caller.post(thread, { text: '样件已寄出，请查收。' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ contractId, authorOrgId: enterprise.orgId, text: '样件已寄出，请查收。' });
    const second = await studio.caller.post(thread, { text: '已收到，下周提交第一阶段报告。' });
    const third = await government.caller.post(thread, { text: '请在报告中注明学生参与情况。' });
    expect([second.status, third.status]).toEqual([201, 201]);

    for (const reader of [enterprise.caller, studio.caller, college.caller, government.caller]) {
      const read = await reader.get(thread);
      expect(read.status).toBe(200);
      expect(itemIds(read)).toEqual([third.body.id, second.body.id, first.body.id]);
      expect(read.body.canWrite).toBe(true);
    }
    expect(await inbox(studio.caller)).toContain('MESSAGE_POSTED');
    expect(await inbox(college.caller)).toContain('MESSAGE_POSTED');
    const trail = await enterprise.caller.get(`/v1/audit?entity=contract:${contractId}`);
    expect(trail.body.items.filter((record: { action: string }) => record.action === 'message')).toHaveLength(3);
  });

  it('is a 404 for everyone else, and an association reads it only while a dispute is open', async () => {
    for (const stranger of [rivalStudio.caller, outsider.caller, moderator, await api.as('messages-outsider')]) {
      expectError(await stranger.get(thread), 404);
    }
    const before = await tableItemCount(api);
    expectError(await rivalStudio.caller.post(thread, { text: '我也想说两句' }), 404);
    expectError(await moderator.post(thread, { text: '协会提醒' }), 404);
    expect(await tableItemCount(api)).toBe(before);

    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), {}, key())).status).toBe(200);
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'dispute'), { reason: '样件未按时送达' })).status).toBe(200);
    const read = await moderator.get(thread);
    expect(read.status).toBe(200);
    expect(read.body.canWrite).toBe(false);
    expect(read.body.items.length).toBeGreaterThanOrEqual(3);
    expectError(await moderator.post(thread, { text: '协会提醒' }), 403, 'NOT_A_PARTY');
  });

  it('refuses an empty or oversized message and unknown fields, writing nothing', async () => {
    const before = await tableItemCount(api);
    expectError(await studio.caller.post(thread, { text: '   ' }), 400, 'VALIDATION_FAILED');
    expectError(await studio.caller.post(thread, { text: 'x'.repeat(4001) }), 400, 'VALIDATION_FAILED');
    expectError(await studio.caller.post(thread, { text: 'ok', attachments: [] }), 400, 'VALIDATION_FAILED');
    expectError(await studio.caller.post('/v1/contracts/ctr_01JD0000000000000000000000/messages', { text: '不存在的合同' }), 404);
    expect(await tableItemCount(api)).toBe(before);
  });

  it('shows the thread on the contract page with a form for the parties, in both languages', async () => {
    const signIn = async (sub: string) => {
      const response = await fetch(`${api.baseUrl}/signin`, {
        method: 'POST', redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: api.baseUrl },
        body: new URLSearchParams({ identity: sub, next: '/' }),
      });
      return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
    };
    const cookie = await signIn(studio.caller.sub);
    const sent = await fetch(`${api.baseUrl}/contracts/${contractId}/messages`, {
      method: 'POST', redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: api.baseUrl },
      body: new URLSearchParams({ text: '网页留言：报告已上传。' }),
    });
    expect(sent.status).toBe(303);
    const zh = await (await fetch(`${api.baseUrl}/contracts/${contractId}?lang=zh-CN`, { headers: { cookie } })).text();
    expect(zh).toContain('合同留言');
    expect(zh).toContain('网页留言：报告已上传。');
    const en = await (await fetch(`${api.baseUrl}/contracts/${contractId}?lang=en`, { headers: { cookie } })).text();
    expect(en).toContain(`action="/contracts/${contractId}/messages"`);
    const rivalPage = await fetch(`${api.baseUrl}/contracts/${contractId}`, { headers: { cookie: await signIn(rivalStudio.caller.sub) } });
    expect(rivalPage.status).toBe(404);
  });
});
