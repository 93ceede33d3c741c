import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { suiteBrowser } from '../support/browser.js';
import { openRequest } from '../support/fixtures.js';
import { startDemoApi } from '../support/demo.js';
import { bidBody, evenShares } from '../support/bids.js';

/**
 * Files through the pages, in Chromium: the enterprise attaches a drawing to
 * its request, the studio its proposal to its bid and a report to a milestone
 * submission, and the other side downloads each; in both languages.
 */
const { api, enterprise, studio, association, enterpriseOrg, studioOrg, studioTeam } = await startDemoApi();

const requestId = await openRequest(api, enterprise, association, { title: '冲压件毛刺视觉检测' });
const bid = await studio.post(`/v1/requests/${requestId}/bids`, bidBody(studioTeam, 60_000));
const contractRequestId = await openRequest(api, enterprise, association, { title: '轴承尺寸在线测量' });
const wonBid = await studio.post(`/v1/requests/${contractRequestId}/bids`, bidBody(studioTeam, 90_000));
const award = await enterprise.post(`/v1/requests/${contractRequestId}/award`, { bidId: wonBid.body.id, shares: evenShares(enterpriseOrg, studioOrg) });
const contractId = award.body.id as string;
for (const signer of [enterprise, studio]) await signer.post(`/v1/contracts/${contractId}/sign`);
await enterprise.post(`/v1/contracts/${contractId}/milestones/1/fund`, {}, { 'idempotency-key': 'attachments-journey-fund-1' });

const DRAWING = { name: '冲压件图纸.dwg', mimeType: 'image/vnd.dwg', buffer: Buffer.from('AC1032 冲压件图纸 A3 幅面') };
const PROPOSAL = { name: '技术方案.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7 技术方案：环形光源 + 深度学习') };
const REPORT = { name: 'Stage 1 report.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7 stage one report') };

const browser = suiteBrowser(api.baseUrl, 'attachments');

/** Picks the file in the page's (first matching) upload form and sends it; the page comes back with a confirmation. */
async function upload(formSelector: string, file: typeof DRAWING) {
  const form = browser.page.locator(formSelector).first();
  await form.locator('input[type="file"]').setInputFiles(file);
  await browser.submit(form.locator('button[type="submit"]'));
}

/** Clicks the file's link and returns what the browser saved. */
async function download(name: string) {
  const [saved] = await Promise.all([browser.page.waitForEvent('download'), browser.page.locator('.attachments a', { hasText: name }).first().click()]);
  expect(saved.suggestedFilename()).toBe(name);
  return readFileSync((await saved.path())!);
}

describe('attachments through the pages', () => {
  it('the enterprise attaches a drawing to its request (zh-CN)', async () => {
    await browser.signInAs('demo-enterprise');
    await browser.go(`/requests/${requestId}`);
    expect(await browser.page.locator('#attachments h2').innerText()).toBe('图纸与附件');
    const sent: string[] = [];
    const record = (request: { method(): string; url(): string }) => sent.push(`${request.method()} ${new URL(request.url()).pathname.split('/').slice(0, 2).join('/')}`);
    browser.page.on('request', record);
    await upload('#attachments form[data-attachment-upload]', DRAWING);
    browser.page.off('request', record);
    // The page script put the file straight into the storage's signed URL (the plain form is its fallback).
    expect(sent).toEqual(expect.arrayContaining(['POST /attachments', 'PUT /files']));
    expect(sent.filter((entry) => entry === 'PUT /files')).toHaveLength(1);
    expect(new URL(browser.page.url()).pathname).toBe(`/requests/${requestId}`);
    expect(await browser.page.locator('.flash').innerText()).toBe('文件已上传并通过校验。');
    expect(await browser.page.locator('#attachments .attachments li').count()).toBe(1);
    await browser.shot('request-drawing');
  });

  it('the studio downloads the drawing, attaches its proposal to its bid and a report to its milestone submission (English)', async () => {
    await browser.signInAs('demo-studio');
    await browser.go(`/requests/${requestId}?lang=en`);
    expect(await browser.page.locator('html').getAttribute('lang')).toBe('en');
    expect(await browser.page.locator('#attachments h2').innerText()).toBe('Drawings and files');
    expect(await browser.page.locator('#attachments form[data-attachment-upload]').count()).toBe(0);
    expect((await download(DRAWING.name)).equals(DRAWING.buffer)).toBe(true);

    await browser.go(`/bids/${bid.body.id}?lang=en`);
    expect(await browser.page.locator('#attachments h2').innerText()).toBe('Proposal files');
    await upload('#attachments form[data-attachment-upload]', PROPOSAL);
    expect(await browser.page.locator('.flash').innerText()).toBe('The file was uploaded and checked.');
    expect(await browser.page.locator('#attachments .attachments a', { hasText: PROPOSAL.name }).count()).toBe(1);
    await browser.shot('bid-proposal');

    await browser.go(`/contracts/${contractId}?lang=en`);
    expect(await browser.page.locator('#milestone-files h2').innerText()).toBe('Submission files');
    await upload(`#milestone-files [data-attachments-of="MILESTONE:${contractId}:1"] form`, REPORT);
    expect(new URL(browser.page.url()).pathname).toBe(`/contracts/${contractId}`);
    expect(await browser.page.locator(`[data-attachments-of="MILESTONE:${contractId}:1"] .attachments a`, { hasText: REPORT.name }).count()).toBe(1);
    // Milestone 2 is not funded: nothing to attach to yet.
    expect(await browser.page.locator(`[data-attachments-of="MILESTONE:${contractId}:2"]`).count()).toBe(0);
    await browser.shot('milestone-report');
  });

  it('the enterprise downloads the proposal and the report, and was notified of both (zh-CN)', async () => {
    await browser.signInAs('demo-enterprise');
    await browser.go(`/bids/${bid.body.id}?lang=zh-CN`);
    expect(await browser.page.locator('#attachments h2').innerText()).toBe('方案附件');
    expect(await browser.page.locator('#attachments form[data-attachment-upload]').count()).toBe(0);
    expect((await download(PROPOSAL.name)).equals(PROPOSAL.buffer)).toBe(true);

    await browser.go(`/contracts/${contractId}`);
    expect(await browser.page.locator('#milestone-files h2').innerText()).toBe('交付附件');
    expect((await download(REPORT.name)).equals(REPORT.buffer)).toBe(true);

    await browser.go('/notifications');
    const texts = await browser.page.locator('main').innerText();
    expect(texts).toContain(`新增附件「${PROPOSAL.name}」`);
    expect(texts).toContain(`新增附件「${REPORT.name}」`);
  });

  it('a rival sees none of it, and a refused file is a clear error page that leaves nothing', async () => {
    const rival = await api.as('attachments-journey-outsider');
    const listed = await rival.get(`/v1/attachments?parent=BID:${bid.body.id}`);
    expect(listed.status).toBe(404);
    await browser.signInAs('demo-studio');
    await browser.go(`/bids/${bid.body.id}`);
    const before = await browser.page.locator('#attachments .attachments li').count();
    await upload('#attachments form[data-attachment-upload]', { name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') });
    expect(await browser.page.locator('[data-error-status="400"]').count()).toBe(1);
    expect(await browser.page.locator('.error-page').innerText()).toContain('不接受此类文件');
    await browser.go(`/bids/${bid.body.id}`);
    expect(await browser.page.locator('#attachments .attachments li').count()).toBe(before);
    expect(browser.problems).toEqual([]);
  });
});
