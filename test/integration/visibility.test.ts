import { describe, expect, it } from 'vitest';
import { startTestApi } from '../support/harness.js';
import { expectError } from '../support/assertions.js';
import { consortium, organisation, requestBody, uniqueSub } from '../support/fixtures.js';

/**
 * What exists for whom (issue 16, defects 1 and 4): an organisation that is not
 * VERIFIED, like a draft request, exists only for its own members and the
 * associations; moderation reasons are never public; the audit trail of an
 * entity answers exactly what the entity's own route answers.
 */
const api = await startTestApi();
const { moderator, enterprise, studio, college } = await consortium(api);
const outsider = await api.as(uniqueSub('outsider'));

const pending = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId }, false);
const suspended = await organisation(api, moderator, { type: 'ENTERPRISE' });
const REASON = 'plagiarism complaint under investigation';
expect((await moderator.post(`/v1/orgs/${suspended.orgId}/verification`, { decision: 'SUSPEND', reason: REASON })).status).toBe(200);
const rejected = await organisation(api, moderator, { type: 'COLLEGE' }, false);
expect((await moderator.post(`/v1/orgs/${rejected.orgId}/verification`, { decision: 'REJECT', reason: 'no licence' })).status).toBe(200);
// Re-verified with a note: the note is still a moderation reason.
const reverified = await organisation(api, moderator, { type: 'ENTERPRISE' });
expect((await moderator.post(`/v1/orgs/${reverified.orgId}/verification`, { decision: 'SUSPEND', reason: 'late filing' })).status).toBe(200);
expect((await moderator.post(`/v1/orgs/${reverified.orgId}/verification`, { decision: 'VERIFY', reason: 'filed late, accepted' })).status).toBe(200);

const ghostOrg = 'org_01JD0000000000000000000000';

describe('organisations that are not verified', () => {
  it.each([
    ['PENDING', () => pending],
    ['SUSPENDED', () => suspended],
    ['REJECTED', () => rejected],
  ])('a %s organisation is a 404 to other organisations and to callers without one, like an id that does not exist', async (_status, which) => {
    const { orgId } = which();
    for (const caller of [enterprise.caller, studio.caller, outsider]) {
      const answer = await caller.get(`/v1/orgs/${orgId}`);
      expectError(answer, 404, 'NOT_FOUND');
      const ghost = await caller.get(`/v1/orgs/${ghostOrg}`);
      expect(answer.body.error.code).toBe(ghost.body.error.code);
      expect(JSON.stringify(answer.body)).not.toContain(REASON);
      // Its members and its audit trail do not exist for them either.
      expectError(await caller.get(`/v1/orgs/${orgId}/members`), 404, 'NOT_FOUND');
      expectError(await caller.get(`/v1/audit?entity=organisation:${orgId}`), 404, 'NOT_FOUND');
    }
  });

  it('its own members and the associations see it, with the reason', async () => {
    for (const caller of [suspended.caller, moderator]) {
      const read = await caller.get(`/v1/orgs/${suspended.orgId}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: suspended.orgId, status: 'SUSPENDED', statusReason: REASON });
      expect((await caller.get(`/v1/audit?entity=organisation:${suspended.orgId}`)).status).toBe(200);
    }
    expect((await pending.caller.get(`/v1/orgs/${pending.orgId}`)).body.status).toBe('PENDING');
    expect((await pending.caller.get('/v1/me')).body.organisation.id).toBe(pending.orgId);
  });

  it('a verified organisation is public, but its moderation reason is not', async () => {
    for (const caller of [enterprise.caller, studio.caller, outsider]) {
      const read = await caller.get(`/v1/orgs/${reverified.orgId}`);
      expect(read.status).toBe(200);
      expect(read.body.status).toBe('VERIFIED');
      expect(read.body).not.toHaveProperty('statusReason');
      const listed = await caller.get('/v1/orgs?type=ENTERPRISE&limit=100');
      const item = listed.body.items.find((org: { id: string }) => org.id === reverified.orgId);
      expect(item).toBeDefined();
      expect(item).not.toHaveProperty('statusReason');
    }
    expect((await reverified.caller.get(`/v1/orgs/${reverified.orgId}`)).body.statusReason).toBe('filed late, accepted');
    expect((await moderator.get(`/v1/orgs/${reverified.orgId}`)).body.statusReason).toBe('filed late, accepted');
  });

  it('the page /orgs/:id is a 404 page to others, and never shows a reason to them', async () => {
    const page = (caller: { token: string }, orgId: string) =>
      api.call<string>('GET', `/orgs/${orgId}?lang=en`, undefined, undefined, { cookie: `st_session=${caller.token}`, accept: 'text/html' });
    for (const caller of [enterprise.caller, studio.caller, outsider]) {
      const hidden = await page(caller, suspended.orgId);
      expect(hidden.status).toBe(404);
      expect(hidden.body).toContain('data-error-status="404"');
      expect(hidden.body).not.toContain(REASON);
      const shown = await page(caller, reverified.orgId);
      expect(shown.status).toBe(200);
      expect(shown.body).not.toContain('filed late, accepted');
    }
    const own = await page(suspended.caller, suspended.orgId);
    expect(own.status).toBe(200);
    expect(own.body).toContain(REASON);
    expect((await page(moderator, suspended.orgId)).body).toContain(REASON);
  });
});

describe('the audit trail answers what the entity answers', () => {
  it('a draft request is a 404 to non-owners on both routes, not a 403 on the trail', async () => {
    const draft = await enterprise.caller.post('/v1/requests', requestBody(api));
    expect(draft.status).toBe(201);
    const id = draft.body.id as string;
    for (const caller of [studio.caller, outsider, suspended.caller]) {
      expectError(await caller.get(`/v1/requests/${id}`), 404, 'NOT_FOUND');
      expectError(await caller.get(`/v1/audit?entity=request:${id}`), 404, 'NOT_FOUND');
    }
    expect((await enterprise.caller.get(`/v1/audit?entity=request:${id}`)).status).toBe(200);
    expect((await moderator.get(`/v1/audit?entity=request:${id}`)).status).toBe(200);
  });

  it('ids that do not exist are 404 for every entity type', async () => {
    for (const ref of ['organisation:org_', 'request:req_', 'bid:bid_', 'contract:ctr_', 'dispute:dsp_']) {
      expectError(await moderator.get(`/v1/audit?entity=${ref}01JD0000000000000000000000`), 404, 'NOT_FOUND');
    }
  });

  it("another organisation's accounts are a 404, not a 403", async () => {
    expectError(await studio.caller.get(`/v1/accounts/${enterprise.orgId}`), 404, 'NOT_FOUND');
    expectError(await outsider.get(`/v1/accounts/${enterprise.orgId}`), 404, 'NOT_FOUND');
    expect((await moderator.get(`/v1/accounts/${enterprise.orgId}`)).status).toBe(200);
  });
});
