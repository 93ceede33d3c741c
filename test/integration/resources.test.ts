import { describe, expect, it } from 'vitest';
import { MAX_BOOKING_HOURS, TOTAL_BUCKET, orgStatsScope, resourceCounter, resourceStatsScope } from '@sharedtech/core';
import { readStoredStats } from '@sharedtech/data';
import {
  canonical, recountClusterStatistics, recountOrganisationUsage, recountResourceUsage, storedClusterStatistics,
} from '@sharedtech/services';
import { startTestApi, testClock, type Caller } from '../support/harness.js';
import { expectError, issuePaths, itemIds, tableItemCount } from '../support/assertions.js';
import { cny, consortium, openRequest, organisation, joinByInvitation } from '../support/fixtures.js';
import { evenShares, placeBid } from '../support/bids.js';

/**
 * Shared resources (共享资源): a verified organisation registers a lab, others
 * book whole hours, the owner approves or declines. One slot item per hour,
 * put only if absent in the booking's transaction, makes double booking
 * impossible even for concurrent requests; declining or cancelling frees the
 * hours in the same transaction; usage counters equal a recount.
 */
const HOUR = 3_600_000;
// 2026-01-05 08:00 in Asia/Shanghai.
const clock = testClock(Date.UTC(2026, 0, 5, 0));
const api = await startTestApi({ clock });
const cluster = `res-${process.pid}`;
const { moderator, enterprise, college, studio } = await consortium(api);
const otherEnterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster });
const pending = await organisation(api, moderator, { type: 'ENTERPRISE' }, false);
const outsider = await api.as(`resources-outsider-${process.pid}`);
const member = await api.as(`resources-member-${process.pid}`);
expect((await joinByInvitation(api, college.caller, college.orgId, member.sub)).status).toBe(201);

/** `hours` after the test clock's start, as an instant with the Shanghai offset. */
const at = (hours: number) => {
  const instant = new Date(clock().getTime() + hours * HOUR);
  return new Date(instant.getTime() + 8 * HOUR).toISOString().slice(0, 19) + '+08:00';
};

const labBody = (overrides: Record<string, unknown> = {}) => ({
  type: 'LAB',
  name: '工业视觉实训室',
  description: '配备 6 套工业相机与光源的实训室，可做成像试验。',
  cluster,
  capabilities: ['机器视觉', '光学检测'],
  location: '市职业技术学院 实训楼 B201',
  rules: '须经安全培训；设备由管理员开机。',
  price: { unit: 'PER_HOUR', amount: cny(200) },
  ...overrides,
});

const register = async (caller: Caller, overrides: Record<string, unknown> = {}) => {
  const response = await caller.post('/v1/resources', labBody(overrides));
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
};
const book = (caller: Caller, resourceId: string, from: number, to: number, extra: Record<string, unknown> = {}) =>
  caller.post(`/v1/resources/${resourceId}/bookings`, { start: at(from), end: at(to), purpose: '焊缝样件成像试验', ...extra });
const step = (caller: Caller, resourceId: string, bookingId: string, action: string, body?: unknown) =>
  caller.post(`/v1/resources/${resourceId}/bookings/${bookingId}/${action}`, body);
const inbox = async (caller: Caller) => ((await caller.get('/v1/notifications')).body.items as { type: string }[]).map((item) => item.type);

const labId = await register(college.caller);

describe('registering', () => {
  it('lets any verified organisation register; lists filter by type and cluster; audited', async () => {
    const equipment = await register(enterprise.caller, { type: 'EQUIPMENT', name: '三坐标测量机', price: { unit: 'PER_DAY', amount: cny(1_500) } });
    const dataset = await register(studio.caller, { type: 'DATASET', name: '焊缝缺陷图像库', price: { unit: 'FREE' }, cluster: 'new-energy-vehicles' });
    expect(itemIds(await outsider.get(`/v1/resources?cluster=${cluster}`))).toEqual(expect.arrayContaining([labId, equipment]));
    expect(itemIds(await outsider.get(`/v1/resources?cluster=${cluster}`))).not.toContain(dataset);
    expect(itemIds(await outsider.get(`/v1/resources?cluster=${cluster}&type=LAB`))).toEqual([labId]);
    expect(itemIds(await enterprise.caller.get('/v1/resources?type=DATASET'))).toContain(dataset);
    expect(itemIds(await enterprise.caller.get('/v1/resources?mine=true'))).toEqual([equipment]);
    const all = await enterprise.caller.get('/v1/resources?limit=2');
    expect(all.body.items).toHaveLength(2);
    expect(all.body.nextCursor).toEqual(expect.any(String));
    const trail = await college.caller.get(`/v1/audit?entity=resource:${labId}`);
    expect(trail.status, JSON.stringify(trail.body)).toBe(200);
    expect(trail.body.items.map((record: { action: string }) => record.action)).toEqual(['register']);
  });

  it('refuses unverified organisations and people without one, and bad input with field paths; nothing is written', async () => {
    const before = await tableItemCount(api);
    expectError(await pending.caller.post('/v1/resources', labBody()), 403, 'ORG_NOT_VERIFIED');
    expectError(await outsider.post('/v1/resources', labBody()), 403, 'NO_ORGANISATION');
    const bad = await college.caller.post('/v1/resources', labBody({ type: 'CASTLE', price: { unit: 'PER_HOUR' }, capabilities: [] }));
    expectError(bad, 400);
    expect(issuePaths(bad)).toEqual(expect.arrayContaining(['type', 'capabilities', 'price.amount']));
    expectError(await college.caller.post('/v1/resources', labBody({ price: { unit: 'FREE', amount: cny(5) } })), 400);
    expectError(await college.caller.post('/v1/resources', { ...labBody(), extra: 1 }), 400);
    expect(await tableItemCount(api)).toBe(before);
  });

  it('shows a resource to every signed-in caller; a missing id is a 404 and a malformed one a 400', async () => {
    const read = await outsider.get(`/v1/resources/${labId}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: labId, ownerOrgId: college.orgId, usage: { approvedBookings: 0, bookedHours: 0 }, takenSlots: [] });
    expectError(await outsider.get('/v1/resources/res_01JD0000000000000000000000'), 404);
    expectError(await outsider.get('/v1/resources/nope'), 400);
  });
});

describe('booking', () => {
  it('books whole hours at the hourly price; the owner is told; the hours show as taken', async () => {
    const booked = await book(enterprise.caller, labId, 25, 28);
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(booked.body).toMatchObject({ status: 'PENDING', hours: 3, cost: cny(600), slots: ['2026-01-06T09', '2026-01-06T10', '2026-01-06T11'], bookerOrgId: enterprise.orgId });
    expect(await inbox(college.caller)).toContain('BOOKING_REQUESTED');
    expect((await outsider.get(`/v1/resources/${labId}`)).body.takenSlots).toEqual(['2026-01-06T09', '2026-01-06T10', '2026-01-06T11']);
  });

  it('refuses an overlapping booking with 409 SLOT_TAKEN and writes nothing', async () => {
    const before = await tableItemCount(api);
    const clash = await book(otherEnterprise.caller, labId, 27, 30);
    expectError(clash, 409, 'SLOT_TAKEN');
    expect(clash.body.error.details).toEqual({ slot: '2026-01-06T11' });
    expect(await tableItemCount(api)).toBe(before);
    expect((await book(otherEnterprise.caller, labId, 28, 30)).status).toBe(201); // adjacent hours are free
  });

  it('of eight concurrent bookings of overlapping hours exactly one commits', async () => {
    const racers = [enterprise, otherEnterprise, studio, ...(await Promise.all([1, 2, 3, 4, 5].map(() => organisation(api, moderator, { type: 'ENTERPRISE' }))))];
    const results = await Promise.all(racers.map((racer, index) => book(racer.caller, labId, 100 + (index % 3), 104 + (index % 2))));
    const won = results.filter((result) => result.status === 201);
    expect(won).toHaveLength(1);
    for (const lost of results.filter((result) => result.status !== 201)) expectError(lost, 409, 'SLOT_TAKEN');
    const owner = await college.caller.get(`/v1/resources/${labId}/bookings?limit=100`);
    const inRace = owner.body.items.filter((booking: { slots: string[] }) => booking.slots.includes('2026-01-09T14'));
    expect(inRace.map((booking: { id: string }) => booking.id)).toEqual([won[0]!.body.id]);
  });

  it('refuses bad times with field paths, its own resource, unverified organisations; nothing is written', async () => {
    const before = await tableItemCount(api);
    const cases: [number | string, number | string, string, string][] = [
      [25.5, 27, 'start', 'NOT_WHOLE_HOUR'],
      [40, 40, 'end', 'EMPTY_BOOKING'],
      [40, 40 + MAX_BOOKING_HOURS + 1, 'end', 'BOOKING_TOO_LONG'],
      [-3, -1, 'start', 'IN_THE_PAST'],
      [24 * 400, 24 * 400 + 1, 'start', 'TOO_FAR_AHEAD'],
    ];
    for (const [from, to, path, code] of cases) {
      const response = await book(enterprise.caller, labId, from as number, to as number);
      expectError(response, 400, code);
      expect(issuePaths(response)).toEqual([path]);
    }
    expectError(await enterprise.caller.post(`/v1/resources/${labId}/bookings`, { start: 'tomorrow', end: at(30), purpose: '试验' }), 400);
    expectError(await book(college.caller, labId, 60, 61), 409, 'OWN_RESOURCE');
    expectError(await book(pending.caller, labId, 60, 61), 403, 'ORG_NOT_VERIFIED');
    expectError(await book(outsider, labId, 60, 61), 403, 'NO_ORGANISATION');
    expectError(await book(enterprise.caller, 'res_01JD0000000000000000000000', 60, 61), 404);
    expect(await tableItemCount(api)).toBe(before);
  });

  it('takes the longest booking and its cancellation in one transaction each (within 100 items)', async () => {
    const long = await book(enterprise.caller, labId, 200, 200 + MAX_BOOKING_HOURS);
    expect(long.status, JSON.stringify(long.body)).toBe(201);
    expect(long.body.hours).toBe(MAX_BOOKING_HOURS);
    expect((await step(college.caller, labId, long.body.id, 'approve')).status).toBe(200);
    const cancelled = await step(enterprise.caller, labId, long.body.id, 'cancel', { reason: '计划调整' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect((await book(otherEnterprise.caller, labId, 200, 200 + MAX_BOOKING_HOURS)).status).toBe(201);
  });
});

describe('deciding', () => {
  it('the owner approves; the booker is told; only the owner decides, hidden bookings are a 404', async () => {
    const booked = await book(enterprise.caller, labId, 50, 52);
    const id = booked.body.id as string;
    expectError(await step(enterprise.caller, labId, id, 'approve'), 403, 'NOT_RESOURCE_OWNER');
    for (const stranger of [otherEnterprise.caller, outsider, studio.caller]) {
      expectError(await step(stranger, labId, id, 'approve'), 404);
      expectError(await stranger.get(`/v1/resources/${labId}/bookings/${id}`), 404);
      expect(itemIds(await stranger.get(`/v1/resources/${labId}/bookings`))).not.toContain(id);
    }
    expect((await moderator.get(`/v1/resources/${labId}/bookings/${id}`)).status).toBe(200);
    const approved = await step(member, labId, id, 'approve');
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: 'APPROVED', decidedBy: member.sub });
    expect(await inbox(enterprise.caller)).toContain('BOOKING_APPROVED');
    expectError(await step(college.caller, labId, id, 'decline'), 409, 'INVALID_TRANSITION');
    const trail = await enterprise.caller.get(`/v1/audit?entity=booking:${id}`);
    expect(trail.body.items.map((record: { action: string }) => record.action)).toEqual(['book', 'approve']);
  });

  it('declining frees the hours in the same change, so they can be booked again', async () => {
    const booked = await book(enterprise.caller, labId, 70, 73);
    expectError(await book(otherEnterprise.caller, labId, 72, 74), 409, 'SLOT_TAKEN');
    const declined = await step(college.caller, labId, booked.body.id, 'decline', { reason: '设备检修' });
    expect(declined.body).toMatchObject({ status: 'DECLINED', reason: '设备检修' });
    expect(await inbox(enterprise.caller)).toContain('BOOKING_DECLINED');
    expect((await book(otherEnterprise.caller, labId, 72, 74)).status).toBe(201);
  });

  it('concurrent approve and decline of one booking: exactly one applies', async () => {
    const booked = await book(enterprise.caller, labId, 80, 81);
    const results = await Promise.all([step(college.caller, labId, booked.body.id, 'approve'), step(member, labId, booked.body.id, 'decline')]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
  });
});

describe('linking a contract', () => {
  const contractCluster = cluster;
  it('accepts a contract the booker is a party of and refuses any other with the same 400; nothing written', async () => {
    const requestId = await openRequest(api, enterprise.caller, moderator, { cluster: contractCluster });
    const bidId = await placeBid(studio, requestId);
    const award = await enterprise.caller.post(`/v1/requests/${requestId}/award`, { bidId, shares: evenShares(enterprise.orgId, studio.orgId) });
    expect(award.status, JSON.stringify(award.body)).toBe(201);
    const contractId = award.body.id as string;
    const linked = await book(enterprise.caller, labId, 90, 92, { contractId });
    expect(linked.status, JSON.stringify(linked.body)).toBe(201);
    expect(linked.body.contractId).toBe(contractId);
    const before = await tableItemCount(api);
    const foreign = await book(otherEnterprise.caller, labId, 93, 94, { contractId });
    expectError(foreign, 400, 'NOT_A_PARTY');
    expect(issuePaths(foreign)).toEqual(['contractId']);
    const missing = await book(otherEnterprise.caller, labId, 93, 94, { contractId: 'ctr_01JD0000000000000000000000' });
    expect(missing.body).toEqual(foreign.body);
    expectError(await book(otherEnterprise.caller, labId, 93, 94, { contractId: 'req_01JD0000000000000000000000' }), 400);
    expect(await tableItemCount(api)).toBe(before);
  });
});

describe('usage statistics', () => {
  it('count approved bookings and booked hours per resource, organisation and cluster, and equal a recount', async () => {
    const fresh = await register(otherEnterprise.caller, { type: 'SITE', name: '中试车间', price: { unit: 'PER_DAY', amount: cny(800) } });
    const first = await book(enterprise.caller, fresh, 30, 34); // 4 hours
    const second = await book(studio.caller, fresh, 40, 42); // 2 hours
    const third = await book(enterprise.caller, fresh, 44, 45); // 1 hour
    expect(first.body.cost).toEqual(cny(800));
    for (const booking of [first, second, third]) expect((await step(otherEnterprise.caller, fresh, booking.body.id, 'approve')).status).toBe(200);
    expect((await step(enterprise.caller, fresh, third.body.id, 'cancel')).status).toBe(200);
    const read = await enterprise.caller.get(`/v1/resources/${fresh}`);
    expect(read.body.usage).toEqual({ approvedBookings: 2, bookedHours: 6 });
    const ownerFigures = await otherEnterprise.caller.get('/v1/resources/stats');
    expect(ownerFigures.body).toMatchObject({ orgId: otherEnterprise.orgId, resources: 1 });
    expect((await moderator.get(`/v1/resources/stats?cluster=${cluster}`)).status).toBe(200);
    expectError(await enterprise.caller.get(`/v1/resources/stats?cluster=${cluster}`), 403);

    const stored = await storedClusterStatistics(api.deps, cluster);
    expect(canonical(stored)).toEqual(canonical(await recountClusterStatistics(api.deps, cluster)));
    expect(stored.buckets[TOTAL_BUCKET]?.[resourceCounter.resources]).toBe(3); // the lab, the equipment, the site
    for (const orgId of [college.orgId, enterprise.orgId, otherEnterprise.orgId, studio.orgId]) {
      const { buckets } = await readStoredStats(api.deps.db, orgStatsScope(orgId));
      expect(canonical(buckets), orgId).toEqual(canonical(await recountOrganisationUsage(api.deps, orgId)));
    }
    for (const resourceId of [labId, fresh]) {
      const { buckets } = await readStoredStats(api.deps.db, resourceStatsScope(resourceId));
      expect(canonical(buckets), resourceId).toEqual(canonical(await recountResourceUsage(api.deps, resourceId)));
    }
  });
});
