import { describe, expect, it } from 'vitest';
import { startTestApi, type ApiResponse, type Caller } from '../support/harness.js';
import { expectError, issuePaths, itemIds } from '../support/assertions.js';
import { association, consortium, openRequest, organisation, requestBody, uniqueSub } from '../support/fixtures.js';

/** Every technical-request endpoint of the foundation, with its refusals: wrong role, other organisation, wrong state. */
const api = await startTestApi();
const { moderator, enterprise, studio, college } = await consortium(api);
const rival = await organisation(api, moderator, { type: 'ENTERPRISE', name: '竞争对手企业' });
const UNKNOWN_REQUEST = 'req_01JD0000000000000000000000';

async function draft(owner: Caller = enterprise.caller, overrides: Record<string, unknown> = {}) {
  const created = await owner.post('/v1/requests', requestBody(api, overrides));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}
async function submitted(overrides: Record<string, unknown> = {}) {
  const id = await draft(enterprise.caller, overrides);
  expect((await enterprise.caller.post(`/v1/requests/${id}/submit`)).status).toBe(200);
  return id;
}
const statusOf = async (id: string) => (await moderator.get(`/v1/requests/${id}`)).body.status;
const actionsOf = async (id: string) => (await moderator.get(`/v1/audit?entity=request:${id}`)).body.items.map((r: { action: string }) => r.action);

describe('POST /v1/requests', () => {
  it('creates a DRAFT owned by the caller’s enterprise, without internal fields', async () => {
    const created = await enterprise.caller.post('/v1/requests', requestBody(api));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...requestBody(api), status: 'DRAFT', ownerOrgId: enterprise.orgId, bidCount: 0 });
    expect(created.body).not.toHaveProperty('version');
    expect(created.body).not.toHaveProperty('createdBy');
  });

  it('is for verified enterprises only', async () => {
    const pending = await organisation(api, moderator, { type: 'ENTERPRISE', name: '待认证企业' }, false);
    expectError(await pending.caller.post('/v1/requests', requestBody(api)), 403, 'ORG_NOT_VERIFIED');
    expectError(await studio.caller.post('/v1/requests', requestBody(api)), 403, 'WRONG_ORG_TYPE');
    expectError(await college.caller.post('/v1/requests', requestBody(api)), 403, 'WRONG_ORG_TYPE');
    expectError(await moderator.post('/v1/requests', requestBody(api)), 403, 'WRONG_ORG_TYPE');
    expectError(await (await api.as(uniqueSub('loner'))).post('/v1/requests', requestBody(api)), 403, 'NO_ORGANISATION');
    expectError(await api.call('POST', '/v1/requests', undefined, requestBody(api)), 401, 'UNAUTHENTICATED');
    expect((await pending.caller.get('/v1/requests?mine=true')).body.items).toEqual([]);
  });
});

describe('GET /v1/requests', () => {
  it('lists OPEN requests by default, to anyone signed in', async () => {
    const open = await openRequest(api, enterprise.caller, moderator, { cluster: 'list-default' });
    const hidden = await draft(enterprise.caller, { cluster: 'list-default' });
    const loner = await api.as(uniqueSub('loner'));
    const listed = await loner.get('/v1/requests?cluster=list-default');
    expect(listed.status).toBe(200);
    expect(itemIds(listed)).toEqual([open]);
    expect(itemIds(listed)).not.toContain(hidden);
    expect(listed.body.nextCursor).toBeNull();
  });

  it('shows the review queue and other private states to associations only', async () => {
    const waiting = await submitted({ cluster: 'list-queue' });
    expect(itemIds(await moderator.get('/v1/requests?status=SUBMITTED&cluster=list-queue'))).toEqual([waiting]);
    expectError(await enterprise.caller.get('/v1/requests?status=SUBMITTED'), 403, 'WRONG_ORG_TYPE');
    expectError(await studio.caller.get('/v1/requests?status=DRAFT'), 403, 'WRONG_ORG_TYPE');
  });

  it('lists the caller’s own requests in every state with mine=true', async () => {
    const owner = await organisation(api, moderator, { type: 'ENTERPRISE', name: '自查企业' });
    const first = await draft(owner.caller);
    const second = await draft(owner.caller);
    expect((await owner.caller.post(`/v1/requests/${second}/submit`)).status).toBe(200);
    expect(itemIds(await owner.caller.get('/v1/requests?mine=true'))).toEqual([second, first]);
    expect(itemIds(await owner.caller.get('/v1/requests?mine=true&status=DRAFT'))).toEqual([first]);
    expect((await rival.caller.get('/v1/requests?mine=true')).body.items.map((r: { ownerOrgId: string }) => r.ownerOrgId)).not.toContain(owner.orgId);
    expectError(await owner.caller.get('/v1/requests?mine=true&tag=PLC'), 400, 'UNSUPPORTED_FILTER');
  });
});

describe('GET /v1/requests/{id}', () => {
  it('keeps a draft to its owner and the associations (404 for everyone else)', async () => {
    const id = await draft();
    expect((await enterprise.caller.get(`/v1/requests/${id}`)).body.status).toBe('DRAFT');
    expect((await moderator.get(`/v1/requests/${id}`)).status).toBe(200);
    expectError(await studio.caller.get(`/v1/requests/${id}`), 404, 'NOT_FOUND');
    expectError(await rival.caller.get(`/v1/requests/${id}`), 404, 'NOT_FOUND');
  });

  it('answers 404 for an unknown request and 400 for a malformed id', async () => {
    expectError(await studio.caller.get(`/v1/requests/${UNKNOWN_REQUEST}`), 404, 'NOT_FOUND');
    expectError(await studio.caller.get('/v1/requests/org_01JD0000000000000000000000'), 400, 'VALIDATION_FAILED');
  });
});

describe('PATCH /v1/requests/{id}', () => {
  it('edits a DRAFT, moving it between tag and cluster lists', async () => {
    // Prepare
    const id = await draft(enterprise.caller, { tags: ['旧标签'], cluster: 'edit-before' });

    // Act
    const edited = await enterprise.caller.patch(`/v1/requests/${id}`, { tags: ['新标签', 'PLC'], cluster: 'edit-after', title: '改过的标题' });

    // Assess
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id, tags: ['新标签', 'PLC'], cluster: 'edit-after', title: '改过的标题', summary: requestBody(api).summary });
    expect((await enterprise.caller.post(`/v1/requests/${id}/submit`)).status).toBe(200);
    expect((await moderator.post(`/v1/requests/${id}/review`, { decision: 'APPROVE' })).status).toBe(200);
    expect(itemIds(await studio.caller.get(`/v1/requests?tag=${encodeURIComponent('新标签')}`))).toEqual([id]);
    expect(itemIds(await studio.caller.get(`/v1/requests?tag=${encodeURIComponent('旧标签')}`))).toEqual([]);
    expect(itemIds(await studio.caller.get('/v1/requests?cluster=edit-after'))).toEqual([id]);
    expect(itemIds(await studio.caller.get('/v1/requests?cluster=edit-before'))).toEqual([]);
  });

  it('refuses an edit whose merged result breaks a rule (400), leaving the draft as it was', async () => {
    const id = await draft();
    const response = await enterprise.caller.patch(`/v1/requests/${id}`, { budget: { min: { amount: 500, currency: 'CNY' }, max: { amount: 100, currency: 'CNY' } } });
    expectError(response, 400, 'VALIDATION_FAILED');
    expect(issuePaths(response)).toEqual(['budget.min.amount']);
    const stored = await enterprise.caller.get(`/v1/requests/${id}`);
    expect(stored.body.budget).toEqual(requestBody(api).budget);
    expect(await actionsOf(id)).toEqual(['create']);
    expectError(await enterprise.caller.patch(`/v1/requests/${id}`, {}), 400, 'VALIDATION_FAILED');
  });

  it('refuses SUBMITTED and OPEN requests (409) and other organisations (403/404)', async () => {
    const waiting = await submitted();
    expectError(await enterprise.caller.patch(`/v1/requests/${waiting}`, { title: '提交后修改' }), 409, 'NOT_EDITABLE');
    const open = await openRequest(api, enterprise.caller, moderator);
    expectError(await enterprise.caller.patch(`/v1/requests/${open}`, { title: '开放后修改' }), 409, 'NOT_EDITABLE');
    expectError(await rival.caller.patch(`/v1/requests/${open}`, { title: '别人的需求' }), 403, 'NOT_REQUEST_OWNER');
    expectError(await studio.caller.patch(`/v1/requests/${open}`, { title: '工作室来改' }), 403, 'NOT_REQUEST_OWNER');
    // Someone else's draft does not exist for the rival at all.
    expectError(await rival.caller.patch(`/v1/requests/${await draft()}`, { title: '别人的草稿' }), 404, 'NOT_FOUND');
  });
});

describe('POST /v1/requests/{id}/submit', () => {
  it('submits a DRAFT once and tells the associations', async () => {
    const id = await draft();
    const response = await enterprise.caller.post(`/v1/requests/${id}/submit`);
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('SUBMITTED');
    expectError(await enterprise.caller.post(`/v1/requests/${id}/submit`), 409, 'INVALID_TRANSITION');
    const inbox = await moderator.get('/v1/notifications?limit=5');
    expect(inbox.body.items.find((n: { entity: { id: string } }) => n.entity.id === id)).toMatchObject({ type: 'REQUEST_SUBMITTED' });
  });

  it('refuses an OPEN request (409) and someone else’s (403)', async () => {
    const open = await openRequest(api, enterprise.caller, moderator);
    expectError(await enterprise.caller.post(`/v1/requests/${open}/submit`), 409, 'INVALID_TRANSITION');
    expectError(await rival.caller.post(`/v1/requests/${open}/submit`), 403, 'NOT_REQUEST_OWNER');
    expectError(await rival.caller.post(`/v1/requests/${await draft()}/submit`), 404, 'NOT_FOUND');
  });

  it('refuses a draft whose bidding deadline has passed meanwhile (400)', async () => {
    const id = await draft();
    api.clock.advanceDays(21);
    try {
      const response = await enterprise.caller.post(`/v1/requests/${id}/submit`);
      expectError(response, 400, 'VALIDATION_FAILED');
      expect(issuePaths(response)).toContain('biddingDeadline');
    } finally {
      api.clock.advanceDays(-21);
    }
    expect(await statusOf(id)).toBe('DRAFT');
  });
});

describe('POST /v1/requests/{id}/review', () => {
  it('rejects with a reason; the owner edits and submits again; then it is approved', async () => {
    const id = await submitted();
    const noReason = await moderator.post(`/v1/requests/${id}/review`, { decision: 'REJECT' });
    expectError(noReason, 400, 'VALIDATION_FAILED');
    expect(issuePaths(noReason)).toEqual(['reason']);

    const rejected = await moderator.post(`/v1/requests/${id}/review`, { decision: 'REJECT', reason: '预算范围不合理' });
    expect(rejected.body).toMatchObject({ status: 'REJECTED', reviewReason: '预算范围不合理' });
    const inbox = await enterprise.caller.get('/v1/notifications?limit=1');
    expect(inbox.body.items[0]).toMatchObject({ type: 'REQUEST_REJECTED', params: { reason: '预算范围不合理' }, entity: { id } });

    expect((await enterprise.caller.patch(`/v1/requests/${id}`, { budget: { min: { amount: 6_000_000, currency: 'CNY' }, max: { amount: 9_000_000, currency: 'CNY' } } })).status).toBe(200);
    expect((await enterprise.caller.post(`/v1/requests/${id}/submit`)).body.status).toBe('SUBMITTED');
    const approved = await moderator.post(`/v1/requests/${id}/review`, { decision: 'APPROVE' });
    expect(approved.body.status).toBe('OPEN');
    expect(approved.body).not.toHaveProperty('reviewReason');
    expect(await actionsOf(id)).toEqual(['create', 'submit', 'reject', 'edit', 'submit', 'approve']);
  });

  it('is for associations only, and only for SUBMITTED requests', async () => {
    const id = await submitted();
    expectError(await enterprise.caller.post(`/v1/requests/${id}/review`, { decision: 'APPROVE' }), 403, 'WRONG_ORG_TYPE');
    expectError(await studio.caller.post(`/v1/requests/${id}/review`, { decision: 'APPROVE' }), 403, 'WRONG_ORG_TYPE');
    expectError(await moderator.post(`/v1/requests/${await draft()}/review`, { decision: 'APPROVE' }), 409, 'INVALID_TRANSITION');
    expect((await moderator.post(`/v1/requests/${id}/review`, { decision: 'APPROVE' })).status).toBe(200);
    expectError(await moderator.post(`/v1/requests/${id}/review`, { decision: 'APPROVE' }), 409, 'INVALID_TRANSITION');
    expectError(await moderator.post(`/v1/requests/${id}/review`, { decision: 'REJECT', reason: '太晚了' }), 409, 'INVALID_TRANSITION');
    expectError(await moderator.post(`/v1/requests/${UNKNOWN_REQUEST}/review`, { decision: 'APPROVE' }), 404, 'NOT_FOUND');
    expectError(await moderator.post(`/v1/requests/${id}/review`, { decision: 'MAYBE' }), 400, 'VALIDATION_FAILED');
  });

  it('will not open a request whose deadline has passed (409)', async () => {
    const id = await submitted();
    api.clock.advanceDays(21);
    try {
      expectError(await moderator.post(`/v1/requests/${id}/review`, { decision: 'APPROVE' }), 409, 'DEADLINE_PASSED');
    } finally {
      api.clock.advanceDays(-21);
    }
    expect(await statusOf(id)).toBe('SUBMITTED');
  });

  it('approves exactly once when two associations approve at the same moment', async () => {
    const second = await association(api);
    for (let round = 0; round < 3; round++) {
      // Prepare
      const id = await submitted();

      // Act
      const responses = await Promise.all([moderator, second, moderator, second].map((who) => who.post(`/v1/requests/${id}/review`, { decision: 'APPROVE' })));

      // Assess
      expect(responses.map((response) => response.status).sort()).toEqual([200, 409, 409, 409]);
      for (const refused of responses.filter((response) => response.status === 409)) {
        expect(['CONCURRENT_UPDATE', 'INVALID_TRANSITION']).toContain(refused.body.error.code);
      }
      expect(await statusOf(id)).toBe('OPEN');
      expect(await actionsOf(id)).toEqual(['create', 'submit', 'approve']);
      const approvals = (await enterprise.caller.get('/v1/notifications?limit=20')).body.items.filter(
        (n: { type: string; entity: { id: string } }) => n.type === 'REQUEST_APPROVED' && n.entity.id === id,
      );
      expect(approvals).toHaveLength(1);
    }
  });
});

describe('POST /v1/requests/{id}/cancel', () => {
  it('lets the owner cancel a DRAFT, SUBMITTED, REJECTED or OPEN request, once', async () => {
    const rejected = await submitted();
    await moderator.post(`/v1/requests/${rejected}/review`, { decision: 'REJECT', reason: '信息不全' });
    for (const id of [await draft(), await submitted(), rejected, await openRequest(api, enterprise.caller, moderator)]) {
      const before = await statusOf(id);
      const cancelled = await enterprise.caller.post(`/v1/requests/${id}/cancel`, { reason: '需求取消' });
      expect(cancelled.status, before).toBe(200);
      expect(cancelled.body.status).toBe('CANCELLED');
      expect((await moderator.get(`/v1/audit?entity=request:${id}`)).body.items.at(-1)).toMatchObject({ action: 'cancel', before, after: 'CANCELLED', details: { reason: '需求取消' } });
      expectError(await enterprise.caller.post(`/v1/requests/${id}/cancel`), 409, 'INVALID_TRANSITION');
    }
  });

  it('refuses other enterprises, studios and associations (403)', async () => {
    const open = await openRequest(api, enterprise.caller, moderator);
    expectError(await rival.caller.post(`/v1/requests/${open}/cancel`), 403, 'NOT_REQUEST_OWNER');
    expectError(await studio.caller.post(`/v1/requests/${open}/cancel`), 403, 'NOT_REQUEST_OWNER');
    expectError(await moderator.post(`/v1/requests/${open}/cancel`), 403, 'NOT_REQUEST_OWNER');
    expect(await statusOf(open)).toBe('OPEN');
  });
});

describe('POST /v1/requests/{id}/close', () => {
  it('lets the owner close an OPEN request, which stays public as CLOSED', async () => {
    const open = await openRequest(api, enterprise.caller, moderator, { cluster: 'closing' });
    expectError(await rival.caller.post(`/v1/requests/${open}/close`), 403, 'NOT_REQUEST_OWNER');
    const closed = await enterprise.caller.post(`/v1/requests/${open}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('CLOSED');
    expect(itemIds(await studio.caller.get('/v1/requests?cluster=closing'))).toEqual([]);
    expect(itemIds(await studio.caller.get('/v1/requests?cluster=closing&status=CLOSED'))).toEqual([open]);
    expectError(await enterprise.caller.post(`/v1/requests/${open}/close`), 409, 'INVALID_TRANSITION');
  });

  it('refuses to close a request that never opened (409)', async () => {
    expectError(await enterprise.caller.post(`/v1/requests/${await draft()}/close`), 409, 'INVALID_TRANSITION');
    expectError(await enterprise.caller.post(`/v1/requests/${await submitted()}/close`), 409, 'INVALID_TRANSITION');
  });
});

describe('POST /v1/requests/{id}/suspend', () => {
  it('lets an association take an OPEN request down, with a reason', async () => {
    const open = await openRequest(api, enterprise.caller, moderator, { cluster: 'suspending' });
    const noReason = await moderator.post(`/v1/requests/${open}/suspend`, {});
    expectError(noReason, 400, 'VALIDATION_FAILED');
    expect(issuePaths(noReason)).toEqual(['reason']);
    expectError(await enterprise.caller.post(`/v1/requests/${open}/suspend`, { reason: '自己下架' }), 403, 'WRONG_ORG_TYPE');

    const suspended = await moderator.post(`/v1/requests/${open}/suspend`, { reason: '涉嫌违规' });
    expect(suspended.body).toMatchObject({ status: 'SUSPENDED', reviewReason: '涉嫌违规' });
    expect(itemIds(await studio.caller.get('/v1/requests?cluster=suspending'))).toEqual([]);
    expectError(await studio.caller.get(`/v1/requests/${open}`), 404, 'NOT_FOUND');
    expect((await enterprise.caller.get(`/v1/requests/${open}`)).body.status).toBe('SUSPENDED');
    expect((await enterprise.caller.get('/v1/notifications?limit=1')).body.items[0]).toMatchObject({ type: 'REQUEST_SUSPENDED', params: { reason: '涉嫌违规' } });
    expectError(await moderator.post(`/v1/requests/${open}/suspend`, { reason: '再次下架' }), 409, 'INVALID_TRANSITION');
  });

  it('refuses requests that are not OPEN (409)', async () => {
    expectError(await moderator.post(`/v1/requests/${await submitted()}/suspend`, { reason: '还没开放' }), 409, 'INVALID_TRANSITION');
    expectError(await moderator.post(`/v1/requests/${await draft()}/suspend`, { reason: '草稿' }), 409, 'INVALID_TRANSITION');
  });
});

describe('GET /v1/audit and GET /v1/notifications', () => {
  it('answers 404 for an unknown entity and 400 for a malformed one', async () => {
    expectError(await moderator.get(`/v1/audit?entity=request:${UNKNOWN_REQUEST}`), 404, 'NOT_FOUND');
    expectError(await moderator.get('/v1/audit?entity=organisation:org_01JD0000000000000000000000'), 404, 'NOT_FOUND');
    for (const entity of ['', 'request', 'request:', 'user:req_01JD0000000000000000000000', 'request:req_1;DROP TABLE']) {
      expectError(await moderator.get(`/v1/audit?entity=${encodeURIComponent(entity)}`), 400, 'VALIDATION_FAILED');
    }
  });

  it('pages the audit trail oldest first and the inbox newest first', async () => {
    const owner = await organisation(api, moderator, { type: 'ENTERPRISE', name: '分页企业' });
    const id = await draft(owner.caller);
    await owner.caller.patch(`/v1/requests/${id}`, { title: '第一次修改' });
    await owner.caller.patch(`/v1/requests/${id}`, { title: '第二次修改' });
    const first = await owner.caller.get(`/v1/audit?entity=request:${id}&limit=2`);
    expect(first.body.items.map((r: { action: string }) => r.action)).toEqual(['create', 'edit']);
    const rest = await owner.caller.get(`/v1/audit?entity=request:${id}&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(rest.body.items.map((r: { action: string; details: unknown }) => r.action)).toEqual(['edit']);
    expect(rest.body.nextCursor).toBeNull();
    // A cursor of one entity's trail does not open another's.
    const other = await draft(owner.caller);
    expectError(await owner.caller.get(`/v1/audit?entity=request:${other}&cursor=${encodeURIComponent(first.body.nextCursor)}`), 400, 'INVALID_CURSOR');

    const inbox = await owner.caller.get('/v1/notifications');
    expect(inbox.body.items.map((n: { type: string }) => n.type)).toEqual(['ORG_VERIFIED']);
    expect(inbox.body.items[0]).not.toHaveProperty('recipient');
  });
});
