import { describe, expect, it } from 'vitest';
import { startTestApi } from '../support/harness.js';
import { expectError, itemIds, tableItemCount } from '../support/assertions.js';
import { consortium, openRequest, organisation, requestBody } from '../support/fixtures.js';
import { placeBid } from '../support/bids.js';

/**
 * Questions and answers on a request (答疑): a studio asks before bidding, the
 * owner answers publicly (asker hidden) or privately, and nobody else reads
 * what is not theirs — through the JSON API and the request page.
 */
const api = await startTestApi();
const { moderator, enterprise, studio, college } = await consortium(api);
const rival = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, capabilities: ['机器视觉'] });
const otherEnterprise = await organisation(api, moderator, { type: 'ENTERPRISE' });
const pendingStudio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId }, false);
const outsider = await api.as('questions-outsider');
const requestId = await openRequest(api, enterprise.caller, moderator);
await placeBid(rival, requestId);

const ask = (caller: typeof studio.caller, text: string, id = requestId) => caller.post(`/v1/requests/${id}/questions`, { text });
const list = (caller: typeof studio.caller, id = requestId) => caller.get(`/v1/requests/${id}/questions`);
const inbox = async (caller: typeof studio.caller) => ((await caller.get('/v1/notifications')).body.items as { type: string }[]).map((item) => item.type);

describe('asking', () => {
  it('lets a verified studio ask, notifies the owner and audits it', async () => {
    const asked = await ask(studio.caller, '节拍 3 秒是否包含上下料时间？');
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toMatchObject({ requestId, status: 'OPEN', askerOrgId: studio.orgId, askedByMe: true, text: '节拍 3 秒是否包含上下料时间？' });
    expect(await inbox(enterprise.caller)).toContain('QUESTION_ASKED');
    const trail = await enterprise.caller.get(`/v1/audit?entity=question:${asked.body.id}`);
    expect(trail.status).toBe(200);
    expect(trail.body.items.map((record: { action: string }) => record.action)).toEqual(['ask']);
  });

  it('shows an unanswered question to the asker, the owner and associations only', async () => {
    const asked = await ask(studio.caller, '是否需要提供现场调试？');
    for (const reader of [studio.caller, enterprise.caller, moderator]) expect(itemIds(await list(reader))).toContain(asked.body.id);
    for (const reader of [rival.caller, otherEnterprise.caller, college.caller]) expect(itemIds(await list(reader))).not.toContain(asked.body.id);
  });

  it('refuses enterprises, unverified studios and people without an organisation, writing nothing', async () => {
    const before = await tableItemCount(api);
    expectError(await ask(otherEnterprise.caller, '我们也想问一下细节。'), 403, 'WRONG_ORG_TYPE');
    expectError(await ask(pendingStudio.caller, '我们也想问一下细节。'), 403, 'ORG_NOT_VERIFIED');
    expectError(await ask(outsider, '我们也想问一下细节。'), 403, 'NO_ORGANISATION');
    expectError(await ask(studio.caller, 'x'), 400, 'VALIDATION_FAILED');
    expectError(await studio.caller.post(`/v1/requests/${requestId}/questions`, { text: '多余字段', extra: 1 }), 400, 'VALIDATION_FAILED');
    expectError(await ask(studio.caller, '不存在的需求？', 'req_01JD0000000000000000000000'), 404);
    expect(await tableItemCount(api)).toBe(before);
  });

  it('takes no question on a request that is not OPEN (closed, or a draft nobody else may see)', async () => {
    const closed = await openRequest(api, enterprise.caller, moderator);
    expect((await enterprise.caller.post(`/v1/requests/${closed}/close`)).status).toBe(200);
    const draft = (await enterprise.caller.post('/v1/requests', requestBody(api))).body.id as string;
    const before = await tableItemCount(api);
    expectError(await ask(studio.caller, '截止后还能提问吗？', closed), 409, 'REQUEST_NOT_OPEN');
    expectError(await ask(studio.caller, '草稿能看到吗？', draft), 404);
    expect(await tableItemCount(api)).toBe(before);
  });
});

describe('answering', () => {
  it('publishes a public answer to every studio that may read the details, without the asker, and tells the bidders', async () => {
    const asked = await ask(studio.caller, '检测精度要求是多少？');
    const answered = await enterprise.caller.post(`/v1/questions/${asked.body.id}/answer`, { text: '0.1 mm。', visibility: 'PUBLIC' });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body).toMatchObject({ status: 'ANSWERED', answer: { text: '0.1 mm。', visibility: 'PUBLIC' } });

    const seenByRival = (await list(rival.caller)).body.items.find((item: { id: string }) => item.id === asked.body.id);
    expect(seenByRival).toMatchObject({ text: '检测精度要求是多少？', answer: { text: '0.1 mm。' }, askedByMe: false });
    expect(seenByRival).not.toHaveProperty('askerOrgId');
    expect(seenByRival).not.toHaveProperty('askedBy');
    expect(seenByRival.answer).not.toHaveProperty('answeredBy');
    // Enterprises and colleges do not read a request's details, so not its clarifications either.
    expect(itemIds(await list(otherEnterprise.caller))).not.toContain(asked.body.id);
    expect(await inbox(studio.caller)).toContain('QUESTION_ANSWERED');
    expect(await inbox(rival.caller)).toContain('QUESTION_PUBLISHED');
  });

  it('keeps a private answer between the owner and the asker', async () => {
    const asked = await ask(studio.caller, '预算能否分两期支付？');
    const answered = await enterprise.caller.post(`/v1/questions/${asked.body.id}/answer`, { text: '可以。', visibility: 'PRIVATE' });
    expect(answered.status).toBe(200);
    expect(itemIds(await list(studio.caller))).toContain(asked.body.id);
    expect(itemIds(await list(rival.caller))).not.toContain(asked.body.id);
  });

  it('answers once: the owner only, a second answer is a 409, others get 403 or 404', async () => {
    const asked = await ask(studio.caller, '是否提供样件？');
    expectError(await studio.caller.post(`/v1/questions/${asked.body.id}/answer`, { text: '自问自答', visibility: 'PUBLIC' }), 403, 'NOT_REQUEST_OWNER');
    expectError(await rival.caller.post(`/v1/questions/${asked.body.id}/answer`, { text: '抢答', visibility: 'PUBLIC' }), 404);
    expectError(await enterprise.caller.post(`/v1/questions/${asked.body.id}/answer`, { text: '是', visibility: 'SOMETIMES' }), 400, 'VALIDATION_FAILED');
    const [first, second] = await Promise.all([
      enterprise.caller.post(`/v1/questions/${asked.body.id}/answer`, { text: '提供 20 件。', visibility: 'PUBLIC' }),
      enterprise.caller.post(`/v1/questions/${asked.body.id}/answer`, { text: '提供 30 件。', visibility: 'PUBLIC' }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const stored = (await list(enterprise.caller)).body.items.find((item: { id: string }) => item.id === asked.body.id);
    expect(stored.answer.text).toBe(first.status === 200 ? '提供 20 件。' : '提供 30 件。');
  });
});

describe('the request page', () => {
  it('lets the studio ask and the owner answer through the forms, in both languages', async () => {
    const cookieOf = async (sub: string) => {
      const response = await fetch(`${api.baseUrl}/signin`, {
        method: 'POST', redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: api.baseUrl },
        body: new URLSearchParams({ identity: sub, next: '/' }),
      });
      return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
    };
    const post = (cookie: string, path: string, form: Record<string, string>) =>
      fetch(`${api.baseUrl}${path}`, {
        method: 'POST', redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: api.baseUrl },
        body: new URLSearchParams(form),
      });
    const page = async (cookie: string, lang: string) => (await fetch(`${api.baseUrl}/requests/${requestId}?lang=${lang}`, { headers: { cookie } })).text();

    const studioCookie = await cookieOf(studio.caller.sub);
    const refused = await post(studioCookie, `/requests/${requestId}/questions`, { question: '短' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('aria-invalid="true"');
    const asked = await post(studioCookie, `/requests/${requestId}/questions`, { question: '网页上提的问题：交付地点在哪里？' });
    expect(asked.status).toBe(303);
    expect(await page(studioCookie, 'zh-CN')).toContain('网页上提的问题：交付地点在哪里？');

    const ownerCookie = await cookieOf(enterprise.caller.sub);
    const ownerPage = await page(ownerCookie, 'en');
    expect(ownerPage).toContain('Questions and answers');
    const questionId = (await list(enterprise.caller)).body.items.find((item: { text: string }) => item.text.startsWith('网页上提的问题')).id as string;
    expect(ownerPage).toContain(`action="/questions/${questionId}/answer"`);
    const answered = await post(ownerCookie, `/questions/${questionId}/answer`, { text: '苏州工业园区。', visibility: 'PUBLIC' });
    expect(answered.status).toBe(303);
    const rivalPage = await page(await cookieOf(rival.caller.sub), 'zh-CN');
    expect(rivalPage).toContain('苏州工业园区。');
    expect(rivalPage).toContain('答疑');
    expect(rivalPage).not.toContain('（我方提问）');
  });
});
