import { describe, expect, it } from 'vitest';
import { startTestApi } from '../support/harness.js';
import { consortium, openRequest, requestBody } from '../support/fixtures.js';

const api = await startTestApi();
const { moderator, enterprise, studio, college } = await consortium(api);

describe('a technical request from draft to OPEN', () => {
  it('is posted, submitted, approved, listed, and leaves an audit trail and notifications', async () => {
    const created = await enterprise.caller.post('/v1/requests', requestBody(api, { tags: ['激光焊接', '机器视觉'] }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'DRAFT', ownerOrgId: enterprise.orgId, bidCount: 0 });
    const id = created.body.id;

    // A draft is invisible to others.
    expect((await studio.caller.get(`/v1/requests/${id}`)).status).toBe(404);

    expect((await enterprise.caller.post(`/v1/requests/${id}/submit`)).body.status).toBe('SUBMITTED');
    const queue = await moderator.get('/v1/requests?status=SUBMITTED');
    expect(queue.body.items.map((r: { id: string }) => r.id)).toContain(id);

    const approved = await moderator.post(`/v1/requests/${id}/review`, { decision: 'APPROVE' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('OPEN');

    const byTag = await studio.caller.get(`/v1/requests?tag=${encodeURIComponent('激光焊接')}`);
    expect(byTag.body.items).toHaveLength(1);
    expect(byTag.body.items[0]).toMatchObject({ id, status: 'OPEN' });
    expect(byTag.body.items[0].details).toBeDefined();

    // A verified college is not a studio: it sees the public view only.
    const publicView = await college.caller.get(`/v1/requests/${id}`);
    expect(publicView.status).toBe(200);
    expect(publicView.body.details).toBeUndefined();

    const audit = await enterprise.caller.get(`/v1/audit?entity=request:${id}`);
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((r: { action: string }) => r.action)).toEqual(['create', 'submit', 'approve']);
    expect(audit.body.items[2]).toMatchObject({ before: 'SUBMITTED', after: 'OPEN', actor: { sub: moderator.sub } });

    const inbox = await enterprise.caller.get('/v1/notifications');
    expect(inbox.body.items.map((n: { type: string }) => n.type)).toContain('REQUEST_APPROVED');
    const moderatorInbox = await moderator.get('/v1/notifications');
    expect(moderatorInbox.body.items.map((n: { type: string }) => n.type)).toContain('REQUEST_SUBMITTED');

    // Studios cannot read the audit trail of a request they are not party to.
    expect((await studio.caller.get(`/v1/audit?entity=request:${id}`)).status).toBe(403);
  });

  it('pages through OPEN requests of a cluster with cursors, newest first, each exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await openRequest(api, enterprise.caller, moderator, { cluster: 'paging-cluster' }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await studio.caller.get(`/v1/requests?cluster=paging-cluster&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((r: { id: string }) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('rejects a forged cursor with 400', async () => {
    const response = await studio.caller.get('/v1/requests?cursor=eyJxIjoieCJ9.forged');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_CURSOR');
  });
});
