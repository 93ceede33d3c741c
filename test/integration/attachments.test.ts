import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_FILES_PATH, localFileStorage } from '@sharedtech/local';
import { startTestApi, testClock, type Caller } from '../support/harness.js';
import { expectError, issuePaths, itemIds, tableItemCount } from '../support/assertions.js';
import { openRequest, organisation } from '../support/fixtures.js';
import { placeBid } from '../support/bids.js';
import { activeContract, key, milestonePath, moneyConsortium } from '../support/money.js';

/**
 * Attachments against DynamoDB Local and the local file storage: every kind of
 * parent, who may read (and who gets 404), and that bad uploads leave nothing.
 */
const filesDir = mkdtempSync(join(tmpdir(), 'attachments-test-'));
const clock = testClock();
const api = await startTestApi({
  clock,
  customise: (deps) => {
    const files = localFileStorage({ dir: filesDir, secret: 'test-secret-not-for-production' });
    return { ...deps, storage: files.storage, fileRoutes: { path: LOCAL_FILES_PATH, routes: files.routes } };
  },
});
const parties = await moneyConsortium(api);
const { enterprise, studio, college, moderator, outsider } = parties;
const rivalStudio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId });
const pendingStudio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId }, false);
const stranger = await api.as('attachments-stranger');
const contractId = await activeContract(api, parties, { milestones: [50_000, 70_000] });
const requestId = await openRequest(api, enterprise.caller, moderator);
const bidId = await placeBid(studio, requestId);
await placeBid(rivalStudio, requestId);

const storedFiles = () => readdirSync(join(filesDir, 'attachments')).filter((name) => !name.startsWith('.'));
const sha = (content: Buffer) => createHash('sha256').update(content).digest('hex');
const inbox = async (caller: Caller) => ((await caller.get('/v1/notifications')).body.items as { type: string; params: Record<string, string> }[]);

function declaration(parent: string, content: Buffer, overrides: Record<string, unknown> = {}) {
  return { parent, name: '图纸.pdf', contentType: 'application/pdf', size: content.length, sha256: sha(content), ...overrides };
}

/** Declare, PUT the bytes to the upload URL, complete: the READY attachment. */
async function attach(caller: Caller, parent: string, content: Buffer, overrides: Record<string, unknown> = {}) {
  const declared = await caller.post('/v1/attachments', declaration(parent, content, overrides));
  expect(declared.status, JSON.stringify(declared.body)).toBe(201);
  expect(declared.body.attachment.status).toBe('PENDING');
  const { url, method, headers } = declared.body.upload;
  const put = await fetch(url, { method, headers, body: content });
  expect(put.status, await put.clone().text()).toBe(200);
  const completed = await caller.post(`/v1/attachments/${declared.body.attachment.id}/complete`);
  expect(completed.status, JSON.stringify(completed.body)).toBe(200);
  expect(completed.body.status).toBe('READY');
  return completed.body.id as string;
}

async function download(caller: Caller, attachmentId: string) {
  const read = await caller.get(`/v1/attachments/${attachmentId}`);
  expect(read.status, JSON.stringify(read.body)).toBe(200);
  const file = await fetch(read.body.download.url);
  expect(file.status).toBe(200);
  return { body: Buffer.from(await file.arrayBuffer()), headers: file.headers, attachment: read.body };
}

async function expectHidden(attachmentId: string, parent: string, callers: Caller[]) {
  for (const caller of callers) {
    expectError(await caller.get(`/v1/attachments/${attachmentId}`), 404);
    expectError(await caller.get(`/v1/attachments?parent=${encodeURIComponent(parent)}`), 404);
  }
}

describe('attachments on each kind of parent', () => {
  it('a request’s drawing follows the visibility of its details', async () => {
    const parent = `REQUEST:${requestId}`;
    const drawing = Buffer.from('%PDF-1.7 夹具图纸 A3');
    const id = await attach(enterprise.caller, parent, drawing, { name: '夹具图纸.dwg', contentType: 'image/vnd.dwg' });
    for (const reader of [enterprise.caller, studio.caller, rivalStudio.caller, moderator]) {
      const { body, headers, attachment } = await download(reader, id);
      expect(body.equals(drawing)).toBe(true);
      expect(headers.get('content-type')).toBe('image/vnd.dwg');
      expect(headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('夹具图纸.dwg')}`);
      expect(attachment).toMatchObject({ id, parent, name: '夹具图纸.dwg', size: drawing.length, sha256: sha(drawing), status: 'READY' });
      expect(attachment).not.toHaveProperty('objectKey');
    }
    // Details are not for unverified studios, other enterprises or people without an organisation: 404.
    await expectHidden(id, parent, [pendingStudio.caller, outsider.caller, stranger]);
    expect((await studio.caller.get(`/v1/attachments?parent=${parent}`)).body).toMatchObject({ items: [{ id }], nextCursor: null, canUpload: false });
    expect((await enterprise.caller.get(`/v1/attachments?parent=${parent}`)).body.canUpload).toBe(true);
    expectError(await studio.caller.post('/v1/attachments', declaration(parent, drawing)), 403, 'ATTACHMENT_NOT_ALLOWED');
    const trail = await enterprise.caller.get(`/v1/audit?entity=request:${requestId}`);
    expect(trail.body.items.some((record: { action: string; details?: { attachmentId?: string } }) => record.action === 'attach' && record.details?.attachmentId === id)).toBe(true);
  });

  it('a bid’s proposal is sealed like the bid: rival studios and outsiders get 404, the studio’s college reads it', async () => {
    const parent = `BID:${bidId}`;
    const proposal = Buffer.from('%PDF-1.7 技术方案');
    const id = await attach(studio.caller, parent, proposal, { name: '技术方案.pdf' });
    // The studio's college reads its studios' bids (read only), and so their files.
    for (const reader of [studio.caller, enterprise.caller, college.caller, moderator]) expect((await download(reader, id)).body.equals(proposal)).toBe(true);
    await expectHidden(id, parent, [rivalStudio.caller, outsider.caller, stranger]);
    // The file's own trail (its completion) follows the same visibility.
    const trail = await enterprise.caller.get(`/v1/audit?entity=attachment:${id}`);
    expect(trail.status, JSON.stringify(trail.body)).toBe(200);
    expect(trail.body.items.map((record: { action: string }) => record.action)).toEqual(['complete']);
    expectError(await rivalStudio.caller.get(`/v1/audit?entity=attachment:${id}`), 404);
    expect((await inbox(enterprise.caller)).some((item) => item.type === 'ATTACHMENT_ADDED' && item.params.name === '技术方案.pdf')).toBe(true);
    expectError(await enterprise.caller.post('/v1/attachments', declaration(parent, proposal)), 403, 'ATTACHMENT_NOT_ALLOWED');
  });

  it('a milestone submission’s report reaches the enterprise, notified in the same change', async () => {
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), {}, key())).status).toBe(200);
    const parent = `MILESTONE:${contractId}:1`;
    expectError(await studio.caller.post('/v1/attachments', declaration(`MILESTONE:${contractId}:2`, Buffer.from('x'))), 403, 'ATTACHMENT_NOT_ALLOWED');
    const report = Buffer.from('%PDF-1.7 阶段报告');
    const id = await attach(studio.caller, parent, report, { name: '阶段报告.pdf' });
    for (const reader of [enterprise.caller, college.caller, moderator]) expect((await download(reader, id)).body.equals(report)).toBe(true);
    await expectHidden(id, parent, [rivalStudio.caller, outsider.caller, stranger]);
    expect((await inbox(enterprise.caller)).some((item) => item.type === 'ATTACHMENT_ADDED' && item.params.name === '阶段报告.pdf')).toBe(true);
    expectError(await enterprise.caller.post('/v1/attachments', declaration(parent, report)), 403, 'ATTACHMENT_NOT_ALLOWED');
    expectError(await studio.caller.get(`/v1/attachments?parent=MILESTONE:${contractId}:9`), 404);
  });

  it('a file in a contract message: its parties read it, associations only while a dispute is open', async () => {
    const message = await studio.caller.post(`/v1/contracts/${contractId}/messages`, { text: '附上测试数据。' });
    expect(message.status).toBe(201);
    const parent = `MESSAGE:${contractId}:${message.body.id}`;
    const data = Buffer.from('PK\u0003\u0004 测试数据');
    const id = await attach(studio.caller, parent, data, { name: '测试数据.zip', contentType: 'application/zip' });
    expect((await download(enterprise.caller, id)).body.equals(data)).toBe(true);
    await expectHidden(id, parent, [moderator, rivalStudio.caller, outsider.caller, stranger]);
    // Only the message's author attaches to it.
    expectError(await enterprise.caller.post('/v1/attachments', declaration(parent, data)), 403, 'ATTACHMENT_NOT_ALLOWED');

    const dispute = await enterprise.caller.post(milestonePath(contractId, 1, 'dispute'), { reason: '报告数据不全' });
    expect(dispute.status, JSON.stringify(dispute.body)).toBe(200);
    expect((await download(moderator, id)).body.equals(data)).toBe(true);
  });

  it('dispute evidence: both sides and the associations add and read it', async () => {
    const disputes = await moderator.get('/v1/disputes?status=OPEN');
    const disputeId = (disputes.body.items as { id: string; contractId: string }[]).find((item) => item.contractId === contractId)!.id;
    const parent = `DISPUTE:${disputeId}`;
    const photo = Buffer.from('\x89PNG 现场照片');
    const fromEnterprise = await attach(enterprise.caller, parent, photo, { name: '现场照片.png', contentType: 'image/png' });
    const fromStudio = await attach(studio.caller, parent, Buffer.from('%PDF 说明'), { name: '说明.pdf' });
    const fromModerator = await attach(moderator, parent, Buffer.from('%PDF 记录'), { name: '调解记录.pdf' });
    for (const reader of [enterprise.caller, studio.caller, moderator]) {
      expect(itemIds(await reader.get(`/v1/attachments?parent=${parent}`))).toEqual([fromModerator, fromStudio, fromEnterprise]);
    }
    await expectHidden(fromEnterprise, parent, [rivalStudio.caller, outsider.caller, stranger]);
    expect((await inbox(studio.caller)).some((item) => item.type === 'ATTACHMENT_ADDED' && item.params.name === '现场照片.png')).toBe(true);
  });

  it('an organisation’s verification evidence: its members and the associations, nobody else', async () => {
    const parent = `ORGANISATION:${pendingStudio.orgId}`;
    const licence = Buffer.from('\xff\xd8\xff 营业执照');
    const id = await attach(pendingStudio.caller, parent, licence, { name: '营业执照.jpg', contentType: 'image/jpeg' });
    expect((await download(moderator, id)).body.equals(licence)).toBe(true);
    await expectHidden(id, parent, [studio.caller, enterprise.caller, stranger]);
    expect((await inbox(moderator)).some((item) => item.type === 'ATTACHMENT_ADDED' && item.params.name === '营业执照.jpg')).toBe(true);
    // Even a verified organisation's evidence is not public.
    await attach(studio.caller, `ORGANISATION:${studio.orgId}`, licence, { name: '资质.jpg', contentType: 'image/jpeg' });
    expectError(await enterprise.caller.get(`/v1/attachments?parent=ORGANISATION:${studio.orgId}`), 404);
    expectError(await moderator.post('/v1/attachments', declaration(parent, licence)), 403, 'ATTACHMENT_NOT_ALLOWED');
  });

  it('pages a parent’s list with { items, nextCursor }', async () => {
    const parent = `ORGANISATION:${enterprise.orgId}`;
    const ids = [];
    for (const n of [1, 2, 3]) ids.push(await attach(enterprise.caller, parent, Buffer.from(`证书 ${n}`), { name: `证书${n}.pdf` }));
    const first = await enterprise.caller.get(`/v1/attachments?parent=${parent}&limit=2`);
    expect(itemIds(first)).toEqual([ids[2], ids[1]]);
    const second = await enterprise.caller.get(`/v1/attachments?parent=${parent}&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });
  });
});

describe('bad uploads leave nothing behind', () => {
  const parent = `BID:${bidId}`;

  it('refuses a forbidden type, an oversized or malformed declaration and an unknown parent, writing nothing', async () => {
    const before = { items: await tableItemCount(api), files: storedFiles().length };
    const content = Buffer.from('MZ program');
    expectError(await studio.caller.post('/v1/attachments', declaration(parent, content, { name: 'setup.exe', contentType: 'application/x-msdownload' })), 400, 'FILE_TYPE_NOT_ALLOWED');
    expectError(await studio.caller.post('/v1/attachments', declaration(parent, content, { name: 'setup.pdf', contentType: 'text/html' })), 400, 'FILE_TYPE_NOT_ALLOWED');
    expectError(await studio.caller.post('/v1/attachments', declaration(parent, content, { name: 'drawing.exe', contentType: 'application/pdf' })), 400, 'FILE_TYPE_NOT_ALLOWED');
    const oversize = await studio.caller.post('/v1/attachments', declaration(parent, content, { size: 20 * 1024 * 1024 + 1 }));
    expectError(oversize, 400, 'VALIDATION_FAILED');
    expect(issuePaths(oversize)).toEqual(['size']);
    const malformed = await studio.caller.post('/v1/attachments', declaration(parent, content, { sha256: 'abc', name: '../../etc/passwd.pdf', extra: 1 }));
    expectError(malformed, 400, 'VALIDATION_FAILED');
    expect(issuePaths(malformed).sort()).toEqual(['(root)', 'name', 'sha256']);
    expectError(await studio.caller.post('/v1/attachments', declaration('BID:bid_01JD0000000000000000000000', content)), 404);
    expectError(await studio.caller.post('/v1/attachments', declaration(`MILESTONE:${contractId}:9`, content)), 404);
    expectError(await studio.caller.post('/v1/attachments', declaration('REQUEST:bid_01JD0000000000000000000000', content)), 400, 'VALIDATION_FAILED');
    expectError(await rivalStudio.caller.post('/v1/attachments', declaration(parent, content)), 404);
    expectError(await studio.caller.get('/v1/attachments?parent=NOPE:1'), 400, 'VALIDATION_FAILED');
    expectError(await studio.caller.get('/v1/attachments/att_01JD0000000000000000000000'), 404);
    expect({ items: await tableItemCount(api), files: storedFiles().length }).toEqual(before);
  });

  it('refuses an upload whose bytes differ from the declaration: nothing stored, and the attachment never counts', async () => {
    const before = { items: await tableItemCount(api), files: storedFiles().length };
    const declared = await studio.caller.post('/v1/attachments', declaration(parent, Buffer.from('the real proposal')));
    expect(declared.status).toBe(201);
    const { url, headers } = declared.body.upload;
    const wrongHash = await fetch(url, { method: 'PUT', headers, body: Buffer.from('the fake proposal') });
    expect(wrongHash.status).toBe(422);
    expect(((await wrongHash.json()) as { error: { code: string } }).error.code).toBe('UPLOAD_MISMATCH');
    const tooLong = await fetch(url, { method: 'PUT', headers, body: Buffer.from('the real proposal, and more') });
    expect(tooLong.status).toBe(422);
    const wrongType = await fetch(url, { method: 'PUT', headers: { 'content-type': 'text/html' }, body: Buffer.from('the real proposal') });
    expect(wrongType.status).toBe(400);
    expect(storedFiles().length).toBe(before.files);
    expectError(await studio.caller.post(`/v1/attachments/${declared.body.attachment.id}/complete`), 409, 'UPLOAD_MISSING');
    expectError(await studio.caller.get(`/v1/attachments/${declared.body.attachment.id}`), 404);
    expect(itemIds(await studio.caller.get(`/v1/attachments?parent=${parent}`))).not.toContain(declared.body.attachment.id);
    // Forged or borrowed upload URLs are refused.
    expect((await fetch(url.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A')), { method: 'PUT', headers, body: Buffer.from('the real proposal') })).status).toBe(403);
    // Someone else cannot complete it.
    expectError(await rivalStudio.caller.post(`/v1/attachments/${declared.body.attachment.id}/complete`), 404);
    // Only the PENDING declaration exists, and it expires.
    expect(await tableItemCount(api)).toBe(before.items + 1);
  });

  it('discards an object found at completion to differ from its declaration, with its declaration (422)', async () => {
    const before = { items: await tableItemCount(api), files: storedFiles().length };
    const declared = await studio.caller.post('/v1/attachments', declaration(parent, Buffer.from('declared content')));
    const attachmentId = declared.body.attachment.id as string;
    // A storage that took other bytes (S3 refuses them itself; this checks the second line of defence).
    await api.deps.storage!.put({ key: `attachments/${attachmentId}`, name: 'x.pdf', contentType: 'application/pdf', size: 5, sha256: sha(Buffer.from('other')) }, Buffer.from('other'));
    expect(storedFiles().length).toBe(before.files + 1);
    const completed = await studio.caller.post(`/v1/attachments/${attachmentId}/complete`);
    expectError(completed, 422, 'UPLOAD_MISMATCH');
    expect(issuePaths(completed).sort()).toEqual(['sha256', 'size']);
    expect({ items: await tableItemCount(api), files: storedFiles().length }).toEqual(before);
    expectError(await studio.caller.post(`/v1/attachments/${attachmentId}/complete`), 404);
  });

  it('lets an abandoned PENDING upload expire: it cannot be completed or read afterwards', async () => {
    const content = Buffer.from('late proposal');
    const declared = await studio.caller.post('/v1/attachments', declaration(parent, content));
    const put = await fetch(declared.body.upload.url, { method: 'PUT', headers: declared.body.upload.headers, body: content });
    expect(put.status).toBe(200);
    const item = await api.deps.db.doc.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: api.tableName, Key: { pk: `ATT#${declared.body.attachment.id}`, sk: '#ATT' } }));
    expect(item.Item?.expiresAt).toBe(Math.ceil((clock().getTime() + 3600 * 1000) / 1000));
    clock.advance(3600 * 1000 + 1);
    expectError(await studio.caller.post(`/v1/attachments/${declared.body.attachment.id}/complete`), 404);
    expectError(await studio.caller.get(`/v1/attachments/${declared.body.attachment.id}`), 404);
  });

  it('answers 401 without a token', async () => {
    expectError(await api.call('GET', `/v1/attachments?parent=BID:${bidId}`), 401);
    expectError(await api.call('POST', '/v1/attachments', undefined, declaration(parent, Buffer.from('x'))), 401);
  });
});

describe('the pages’ plain upload form', () => {
  it('stores a posted file through the port and downloads it by redirect, for who may see it only', async () => {
    const signIn = async (sub: string) => {
      const response = await fetch(`${api.baseUrl}/signin`, {
        method: 'POST', redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: api.baseUrl },
        body: new URLSearchParams({ identity: sub, next: '/' }),
      });
      return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
    };
    const cookie = await signIn(studio.caller.sub);
    const form = new FormData();
    form.set('parent', `BID:${bidId}`);
    form.set('back', `/bids/${bidId}`);
    form.set('file', new Blob([Buffer.from('%PDF 网页上传')], { type: 'application/pdf' }), '网页方案.pdf');
    const posted = await fetch(`${api.baseUrl}/attachments`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: api.baseUrl }, body: form });
    expect(posted.status, await posted.clone().text()).toBe(303);
    expect(posted.headers.get('location')).toBe(`/bids/${bidId}`);
    const listed = (await studio.caller.get(`/v1/attachments?parent=BID:${bidId}`)).body.items as { id: string; name: string }[];
    const uploaded = listed.find((item) => item.name === '网页方案.pdf')!;
    const redirect = await fetch(`${api.baseUrl}/attachments/${uploaded.id}`, { redirect: 'manual', headers: { cookie } });
    expect(redirect.status).toBe(302);
    const file = await fetch(new URL(redirect.headers.get('location')!, api.baseUrl));
    expect(Buffer.from(await file.arrayBuffer()).toString()).toBe('%PDF 网页上传');

    const rivalCookie = await signIn(rivalStudio.caller.sub);
    expect((await fetch(`${api.baseUrl}/attachments/${uploaded.id}`, { redirect: 'manual', headers: { cookie: rivalCookie } })).status).toBe(404);
    const refused = new FormData();
    refused.set('parent', `BID:${bidId}`);
    refused.set('back', `/bids/${bidId}`);
    refused.set('file', new Blob([Buffer.from('<script>')], { type: 'text/html' }), 'page.html');
    const before = storedFiles().length;
    const answer = await fetch(`${api.baseUrl}/attachments`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: api.baseUrl }, body: refused });
    expect(answer.status).toBe(400);
    expect(storedFiles().length).toBe(before);
  });
});
