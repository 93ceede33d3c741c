import { describe, expect, it } from 'vitest';
import type { Notification } from '@sharedtech/core';
import { commitChange } from '@sharedtech/data';
import { startTestApi, type ApiResponse, type Caller } from '../support/harness.js';
import { expectError } from '../support/assertions.js';
import { association, openRequest, organisation, uniqueSub, joinByInvitation } from '../support/fixtures.js';

/** The inbox's read state: per user, a marker that only moves forward, and a bounded unread count. */
const api = await startTestApi();
const moderator = await association(api);

interface InboxItem {
  id: string;
  type: string;
  read: boolean;
}
interface Inbox {
  items: InboxItem[];
  nextCursor: string | null;
  readUpTo: string | null;
  unreadCount: number;
  unreadCountCapped: boolean;
}

const ok = <T>(response: ApiResponse<T>, status = 200): T => {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  return response.body;
};
const inboxOf = async (caller: Caller, query = '?limit=100') => ok(await caller.get<Inbox>(`/v1/notifications${query}`));
const markRead = (caller: Caller, body: unknown = {}) => caller.post('/v1/notifications/read', body);

/** A verified enterprise (its inbox starts with ORG_VERIFIED) with `approved` more notifications (REQUEST_APPROVED). */
async function enterpriseWith(approved: number) {
  const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing' });
  for (let i = 0; i < approved; i += 1) await openRequest(api, enterprise.caller, moderator, { title: `读取状态测试需求 ${i + 1}` });
  return enterprise;
}

describe('GET /v1/notifications with a read state', () => {
  it('reports new notifications as unread and counts them', async () => {
    const { caller } = await enterpriseWith(2);

    const inbox = await inboxOf(caller);

    expect(inbox.items.map((item) => item.type)).toEqual(['REQUEST_APPROVED', 'REQUEST_APPROVED', 'ORG_VERIFIED']);
    expect(inbox.items.every((item) => item.read === false)).toBe(true);
    expect(inbox).toMatchObject({ readUpTo: null, unreadCount: 3, unreadCountCapped: false });
  });

  it('counts the whole inbox, not the page it returns', async () => {
    const { caller } = await enterpriseWith(2);

    const firstPage = await inboxOf(caller, '?limit=1');

    expect(firstPage.items).toHaveLength(1);
    expect(firstPage.nextCursor).not.toBeNull();
    expect(firstPage.unreadCount).toBe(3);
  });

  it('stops counting at 99 and says the count was cut', async () => {
    const { caller, orgId } = await enterpriseWith(0);
    // 100 more notifications, written as every change writes them (two transactions of 50).
    const at = api.clock().toISOString();
    const notification = (): Notification => ({
      id: api.deps.ids('notification'),
      recipient: { orgId },
      type: 'REQUEST_APPROVED',
      entity: { type: 'request', id: 'req_01JD0000000000000000000000' },
      params: { title: '批量通知' },
      at,
    });
    for (const _batch of [1, 2]) {
      await commitChange(api.deps.db, { writes: [], audit: [], notifications: Array.from({ length: 50 }, notification) });
    }

    const inbox = await inboxOf(caller, '?limit=5');
    expect(inbox).toMatchObject({ unreadCount: 99, unreadCountCapped: true });

    expect(ok(await markRead(caller))).toEqual({ readUpTo: inbox.items[0]!.id, unreadCount: 0, unreadCountCapped: false });
  });
});

describe('POST /v1/notifications/read', () => {
  it('marks everything up to the newest as read, which zeroes the count; a later notification is unread again', async () => {
    const enterprise = await enterpriseWith(1);
    const before = await inboxOf(enterprise.caller);
    const newest = before.items[0]!.id;

    expect(ok(await markRead(enterprise.caller))).toEqual({ readUpTo: newest, unreadCount: 0, unreadCountCapped: false });
    const after = await inboxOf(enterprise.caller);
    expect(after).toMatchObject({ readUpTo: newest, unreadCount: 0, unreadCountCapped: false });
    expect(after.items.map((item) => item.read)).toEqual([true, true]);

    await openRequest(api, enterprise.caller, moderator, { title: '读取之后的新需求' });
    const later = await inboxOf(enterprise.caller);
    expect(later.unreadCount).toBe(1);
    expect(later.items.map((item) => [item.id === newest ? 'marker' : item.type, item.read])).toEqual([
      ['REQUEST_APPROVED', false],
      ['marker', true],
      ['ORG_VERIFIED', true],
    ]);
  });

  it('accepts a post without any body (marks up to the newest)', async () => {
    const { caller } = await enterpriseWith(1);
    const newest = (await inboxOf(caller)).items[0]!.id;

    const response = await api.call<any>('POST', '/v1/notifications/read', caller.token);

    expect(ok(response)).toEqual({ readUpTo: newest, unreadCount: 0, unreadCountCapped: false });
  });

  it('marks up to a given notification: it and older ones are read, newer ones stay unread', async () => {
    const { caller } = await enterpriseWith(2);
    const [newest, middle, oldest] = (await inboxOf(caller)).items;

    expect(ok(await markRead(caller, { upTo: middle!.id }))).toEqual({ readUpTo: middle!.id, unreadCount: 1, unreadCountCapped: false });

    const inbox = await inboxOf(caller);
    expect(inbox.items.map((item) => [item.id, item.read])).toEqual([
      [newest!.id, false],
      [middle!.id, true],
      [oldest!.id, true],
    ]);
  });

  it('never moves the marker backwards: marking up to an older notification after a newer one changes nothing', async () => {
    const enterprise = await enterpriseWith(1);
    const [newest, oldest] = (await inboxOf(enterprise.caller)).items;
    ok(await markRead(enterprise.caller, { upTo: newest!.id }));
    await openRequest(api, enterprise.caller, moderator, { title: '标记之后到达的需求' });
    expect((await inboxOf(enterprise.caller)).unreadCount).toBe(1);

    const backwards = ok(await markRead(enterprise.caller, { upTo: oldest!.id }));

    expect(backwards).toEqual({ readUpTo: newest!.id, unreadCount: 1, unreadCountCapped: false });
    const inbox = await inboxOf(enterprise.caller);
    expect(inbox).toMatchObject({ readUpTo: newest!.id, unreadCount: 1 });
    expect(inbox.items.map((item) => item.read)).toEqual([false, true, true]);
  });

  it('gives each member of an organisation their own read state', async () => {
    const enterprise = await enterpriseWith(1);
    const memberSub = uniqueSub('member');
    ok(await joinByInvitation(api, enterprise.caller, enterprise.orgId, memberSub), 201);
    const member = await api.as(memberSub);
    const shared = await inboxOf(enterprise.caller);
    expect(shared.items.map((item) => item.type)).toEqual(['MEMBER_JOINED', 'MEMBER_INVITED', 'REQUEST_APPROVED', 'ORG_VERIFIED']);

    // The owner reads everything; the member has read nothing.
    ok(await markRead(enterprise.caller));
    expect(await inboxOf(enterprise.caller)).toMatchObject({ unreadCount: 0 });
    const memberView = await inboxOf(member);
    expect(memberView.items.map((item) => item.id)).toEqual(shared.items.map((item) => item.id));
    expect(memberView).toMatchObject({ readUpTo: null, unreadCount: 4 });
    expect(memberView.items.every((item) => !item.read)).toBe(true);

    // The member reads only the oldest; the owner's state does not move either way.
    expect(ok(await markRead(member, { upTo: shared.items[3]!.id }))).toMatchObject({ unreadCount: 3 });
    expect(await inboxOf(member)).toMatchObject({ readUpTo: shared.items[3]!.id, unreadCount: 3 });
    expect(await inboxOf(enterprise.caller)).toMatchObject({ readUpTo: shared.items[0]!.id, unreadCount: 0 });
  });

  it('works on the associations’ shared inbox, per association user', async () => {
    const before = (await inboxOf(moderator)).unreadCount;
    await organisation(api, moderator, { type: 'COLLEGE' }, false); // registering notifies the associations
    expect((await inboxOf(moderator)).unreadCount).toBe(Math.min(before + 1, 99));

    expect(ok(await markRead(moderator))).toMatchObject({ unreadCount: 0, unreadCountCapped: false });
    const inbox = await inboxOf(moderator, '?limit=3');
    expect(inbox.items.map((item) => item.read)).toEqual([true, true, true]);
  });

  it('reports an empty inbox as nothing to read', async () => {
    const { caller } = await organisation(api, moderator, { type: 'ENTERPRISE' }, false);

    expect(await inboxOf(caller)).toMatchObject({ items: [], readUpTo: null, unreadCount: 0, unreadCountCapped: false });
    expect(ok(await markRead(caller))).toEqual({ readUpTo: null, unreadCount: 0, unreadCountCapped: false });
  });

  it.each([
    ['not an id', { upTo: 'latest' }],
    ['an id of another kind', { upTo: 'req_01JD0000000000000000000000' }],
    ['a truncated id', { upTo: 'ntf_01JD00000000' }],
    ['not a string', { upTo: 42 }],
  ])('refuses %s as upTo with 400 and the field path, and marks nothing', async (_case, body) => {
    const { caller } = await enterpriseWith(0);

    const refused = await markRead(caller, body);

    expectError(refused, 400, 'VALIDATION_FAILED');
    expect(refused.body.error.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['upTo']);
    expect(await inboxOf(caller)).toMatchObject({ readUpTo: null, unreadCount: 1 });
  });

  it('refuses unknown fields with 400', async () => {
    const { caller } = await enterpriseWith(0);
    const refused = await markRead(caller, { everything: true });
    expectError(refused, 400, 'VALIDATION_FAILED');
  });

  it('refuses a notification of another inbox with 404, and marks nothing', async () => {
    const enterprise = await enterpriseWith(0);
    const other = await enterpriseWith(0);
    const foreign = (await inboxOf(other.caller)).items[0]!.id;

    expectError(await markRead(enterprise.caller, { upTo: foreign }), 404, 'NOT_FOUND');
    expect(await inboxOf(enterprise.caller)).toMatchObject({ readUpTo: null, unreadCount: 1 });
  });

  it('is for members of an organisation only', async () => {
    const stranger = await api.as(uniqueSub('stranger'));
    expectError(await markRead(stranger), 403, 'NO_ORGANISATION');
    expectError(await api.call<any>('POST', '/v1/notifications/read', undefined, {}), 401, 'UNAUTHENTICATED');
  });
});

describe('the OpenAPI document', () => {
  it('describes the read state and the mark-as-read operation', async () => {
    const doc = ok(await api.call<any>('GET', '/openapi.json'));
    expect(doc.paths['/v1/notifications/read'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/MarkNotificationsRead' });
    expect(doc.components.schemas.MarkNotificationsRead.properties.upTo.pattern).toBe('^ntf_[0-9A-HJKMNP-TV-Z]{26}$');
    expect(doc.components.schemas.NotificationPage.required).toEqual(expect.arrayContaining(['items', 'nextCursor', 'readUpTo', 'unreadCount', 'unreadCountCapped']));
    expect(doc.components.schemas.Notification.required).toContain('read');
    expect(doc.components.schemas.NotificationReadState.required).toEqual(['readUpTo', 'unreadCount', 'unreadCountCapped']);
  });
});
