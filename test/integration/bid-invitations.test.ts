import { describe, expect, it } from 'vitest';
import { startTestApi, type Caller } from '../support/harness.js';
import { expectError, issuePaths, itemIds, tableItemCount } from '../support/assertions.js';
import { consortium, openRequest, organisation, requestBody } from '../support/fixtures.js';
import { bidBody } from '../support/bids.js';

/**
 * Invitations to bid: the owner of an OPEN request invites a verified studio
 * (once), the studio is told, reads the details, lists its invitations, bids
 * (the bid records the invitation) or declines with a reason; nobody else sees
 * an invitation, and bad input is a clear 4xx that writes nothing.
 */
const api = await startTestApi();
const { moderator, enterprise, studio, college } = await consortium(api);
const invited = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, capabilities: ['机器视觉'] });
const rival = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, capabilities: ['机器视觉'] });
const otherEnterprise = await organisation(api, moderator, { type: 'ENTERPRISE' });
const pendingStudio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId }, false);
const requestId = await openRequest(api, enterprise.caller, moderator);

const invite = (caller: Caller, studioOrgId: string, id = requestId, extra: Record<string, unknown> = {}) =>
  caller.post(`/v1/requests/${id}/invitations`, { studioOrgId, ...extra });
const myInvitations = (caller: Caller) => caller.get('/v1/invitations');
const inbox = async (caller: Caller) => ((await caller.get('/v1/notifications')).body.items as { type: string }[]).map((n) => n.type);

describe('inviting', () => {
  it('lets the owner of an OPEN request invite a verified studio: notified, audited, listed for the studio and the owner', async () => {
    const made = await invite(enterprise.caller, invited.orgId, requestId, { message: '欢迎贵工作室投标。' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ requestId, studioOrgId: invited.orgId, status: 'PENDING', message: '欢迎贵工作室投标。', requestTitle: '焊缝缺陷视觉检测' });
    expect(await inbox(invited.caller)).toContain('INVITED_TO_BID');
    const trail = await enterprise.caller.get(`/v1/audit?entity=invitation:${made.body.id}`);
    expect(trail.body.items.map((r: { action: string }) => r.action)).toEqual(['invite']);
    expect(itemIds(await myInvitations(invited.caller))).toEqual([made.body.id]);
    expect(itemIds(await enterprise.caller.get(`/v1/requests/${requestId}/invitations`))).toEqual([made.body.id]);
    // The invited studio reads the request's details.
    const read = await invited.caller.get(`/v1/requests/${requestId}`);
    expect(read.body.details).toContain('节拍 3 秒');
  });

  it('shows an invitation to its parties and associations only', async () => {
    const id = itemIds(await myInvitations(invited.caller))[0]!;
    expect(itemIds(await myInvitations(rival.caller))).toEqual([]);
    expectError(await rival.caller.get(`/v1/audit?entity=invitation:${id}`), 404);
    expectError(await otherEnterprise.caller.get(`/v1/audit?entity=invitation:${id}`), 404);
    expectError(await rival.caller.post(`/v1/invitations/${id}/decline`, { reason: '不是我的邀请' }), 404);
    expectError(await rival.caller.get(`/v1/requests/${requestId}/invitations`), 403, 'NOT_REQUEST_OWNER');
    expect(itemIds(await moderator.get(`/v1/requests/${requestId}/invitations`))).toEqual([id]);
    expectError(await enterprise.caller.get('/v1/invitations'), 403, 'WRONG_ORG_TYPE');
  });

  it('refuses a second invitation of the same studio with a 409, even when sent twice at once', async () => {
    const before = await tableItemCount(api);
    expectError(await invite(enterprise.caller, invited.orgId), 409, 'ALREADY_INVITED');
    expect(await tableItemCount(api)).toBe(before);
    const fresh = await openRequest(api, enterprise.caller, moderator);
    const answers = await Promise.all([invite(enterprise.caller, rival.orgId, fresh), invite(enterprise.caller, rival.orgId, fresh)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(itemIds(await enterprise.caller.get(`/v1/requests/${fresh}/invitations`))).toHaveLength(1);
  });

  it('refuses anyone but the owner, and non-studios, unverified or unknown organisations, writing nothing', async () => {
    const before = await tableItemCount(api);
    expectError(await invite(otherEnterprise.caller, rival.orgId), 403, 'NOT_REQUEST_OWNER');
    expectError(await invite(studio.caller, rival.orgId), 403);
    expectError(await invite(moderator, rival.orgId), 403);
    for (const orgId of [otherEnterprise.orgId, college.orgId, pendingStudio.orgId, 'org_01JD0000000000000000000000']) {
      const refused = await invite(enterprise.caller, orgId);
      expectError(refused, 400, 'UNKNOWN_STUDIO');
      expect(issuePaths(refused)).toEqual(['studioOrgId']);
    }
    expect(issuePaths(await enterprise.caller.post(`/v1/requests/${requestId}/invitations`, { studioOrgId: 'not-an-id' }))).toEqual(['studioOrgId']);
    expectError(await enterprise.caller.post(`/v1/requests/${requestId}/invitations`, { studioOrgId: rival.orgId, extra: true }), 400);
    expectError(await enterprise.caller.post(`/v1/requests/${requestId}/invitations`, {}), 400);
    expectError(await invite(enterprise.caller, rival.orgId, 'req_01JD0000000000000000000000'), 404);
    expect(await tableItemCount(api)).toBe(before);
  });

  it('refuses invitations to a request that is not OPEN (closed, draft)', async () => {
    const closed = await openRequest(api, enterprise.caller, moderator);
    expect((await enterprise.caller.post(`/v1/requests/${closed}/close`)).status).toBe(200);
    const draft = (await enterprise.caller.post('/v1/requests', requestBody(api))).body.id as string;
    const before = await tableItemCount(api);
    expectError(await invite(enterprise.caller, rival.orgId, closed), 409, 'REQUEST_NOT_OPEN');
    expectError(await invite(enterprise.caller, rival.orgId, draft), 409, 'REQUEST_NOT_OPEN');
    expectError(await invite(otherEnterprise.caller, rival.orgId, draft), 404);
    expect(await tableItemCount(api)).toBe(before);
  });
});

describe('answering an invitation', () => {
  it('records on the bid of an invited studio that it was invited; an uninvited bid carries nothing', async () => {
    const invitationId = itemIds(await myInvitations(invited.caller))[0]!;
    const bid = await invited.caller.post(`/v1/requests/${requestId}/bids`, bidBody(invited.team));
    expect(bid.status, JSON.stringify(bid.body)).toBe(201);
    expect(bid.body.invitationId).toBe(invitationId);
    const uninvited = await studio.caller.post(`/v1/requests/${requestId}/bids`, bidBody(studio.team));
    expect(uninvited.status).toBe(201);
    expect(uninvited.body).not.toHaveProperty('invitationId');
    const seenByOwner = (await enterprise.caller.get(`/v1/requests/${requestId}/bids`)).body.items as { id: string; invitationId?: string }[];
    expect(seenByOwner.find((b) => b.id === bid.body.id)?.invitationId).toBe(invitationId);
    expect(seenByOwner.find((b) => b.id === uninvited.body.id)?.invitationId).toBeUndefined();
  });

  it('lets the invited studio decline with a reason (told to the owner, audited), once', async () => {
    const other = await openRequest(api, enterprise.caller, moderator);
    const invitation = (await invite(enterprise.caller, rival.orgId, other)).body;
    expectError(await rival.caller.post(`/v1/invitations/${invitation.id}/decline`, {}), 400);
    expectError(await enterprise.caller.post(`/v1/invitations/${invitation.id}/decline`, { reason: '替工作室谢绝' }), 403, 'NOT_INVITED_STUDIO');
    const declined = await rival.caller.post(`/v1/invitations/${invitation.id}/decline`, { reason: '本期团队排期已满。' });
    expect(declined.status, JSON.stringify(declined.body)).toBe(200);
    expect(declined.body).toMatchObject({ status: 'DECLINED', declineReason: '本期团队排期已满。' });
    expectError(await rival.caller.post(`/v1/invitations/${invitation.id}/decline`, { reason: '再谢绝一次' }), 409);
    expect(await inbox(enterprise.caller)).toContain('INVITATION_DECLINED');
    const trail = await rival.caller.get(`/v1/audit?entity=invitation:${invitation.id}`);
    expect(trail.body.items.map((r: { action: string; details?: { reason?: string } }) => [r.action, r.details?.reason])).toEqual([
      ['invite', undefined],
      ['decline', '本期团队排期已满。'],
    ]);
    expectError(await rival.caller.post('/v1/invitations/inv_01JD0000000000000000000000/decline', { reason: '不存在的邀请' }), 404);
  });

  it('pages a studio’s invitations', async () => {
    for (let i = 0; i < 3; i++) expect((await invite(enterprise.caller, studio.orgId, await openRequest(api, enterprise.caller, moderator))).status).toBe(201);
    const first = await studio.caller.get('/v1/invitations?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await studio.caller.get(`/v1/invitations?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.items).toHaveLength(1);
    expectError(await studio.caller.get('/v1/invitations?unknown=1'), 400);
  });
});
