import { describe, expect, it } from 'vitest';
import { orgStatsScope } from './appointment.js';
import {
  MAX_BOOKING_HOURS, bookingCost, bookingLifecycle, bookingStatsDeltas, maySeeBooking, resourceStatsScope, slotOf, slotsOfBooking, type Booking,
} from './resource.js';
import { ValidationError } from './errors.js';
import { sumCounters } from './stats.js';

const now = new Date('2026-01-05T00:00:00Z'); // 08:00 in Shanghai

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof ValidationError ? (error.details as { issues: { path: string; code?: string }[] }).issues[0] : error;
  }
  return undefined;
};

describe('hourly slots', () => {
  it('names each hour by its Asia/Shanghai wall time', () => {
    expect(slotOf(new Date('2026-01-05T16:00:00Z'))).toBe('2026-01-06T00');
    expect(slotsOfBooking('2026-01-06T09:00:00+08:00', '2026-01-06T12:00:00+08:00', now)).toEqual(['2026-01-06T09', '2026-01-06T10', '2026-01-06T11']);
    expect(slotsOfBooking('2026-01-06T23:00:00+08:00', '2026-01-07T01:00:00+08:00', now)).toEqual(['2026-01-06T23', '2026-01-07T00']);
    expect(slotsOfBooking('2026-01-06T01:00:00Z', '2026-01-06T02:00:00Z', now)).toEqual(['2026-01-06T09']);
  });

  it('refuses partial hours, empty or reversed ranges, overlong, past and far-future bookings with the field and a code', () => {
    expect(codeOf(() => slotsOfBooking('2026-01-06T09:30:00+08:00', '2026-01-06T12:00:00+08:00', now))).toMatchObject({ path: 'start', code: 'NOT_WHOLE_HOUR' });
    expect(codeOf(() => slotsOfBooking('2026-01-06T09:00:00+08:00', '2026-01-06T12:00:01+08:00', now))).toMatchObject({ path: 'end', code: 'NOT_WHOLE_HOUR' });
    expect(codeOf(() => slotsOfBooking('2026-01-06T09:00:00+08:00', '2026-01-06T09:00:00+08:00', now))).toMatchObject({ path: 'end', code: 'EMPTY_BOOKING' });
    expect(codeOf(() => slotsOfBooking('2026-01-06T09:00:00+08:00', '2026-01-06T08:00:00+08:00', now))).toMatchObject({ code: 'EMPTY_BOOKING' });
    const end = new Date(Date.parse('2026-01-06T01:00:00Z') + (MAX_BOOKING_HOURS + 1) * 3_600_000).toISOString();
    expect(codeOf(() => slotsOfBooking('2026-01-06T01:00:00Z', end, now))).toMatchObject({ code: 'BOOKING_TOO_LONG' });
    expect(codeOf(() => slotsOfBooking('2026-01-05T07:00:00+08:00', '2026-01-05T09:00:00+08:00', now))).toMatchObject({ code: 'IN_THE_PAST' });
    expect(codeOf(() => slotsOfBooking('2027-06-01T09:00:00+08:00', '2027-06-01T10:00:00+08:00', now))).toMatchObject({ code: 'TOO_FAR_AHEAD' });
    expect(slotsOfBooking('2026-01-05T08:00:00+08:00', '2026-01-05T09:00:00+08:00', now)).toEqual(['2026-01-05T08']);
  });
});

describe('what a booking costs', () => {
  const slots = ['2026-01-06T22', '2026-01-06T23', '2026-01-07T00'];
  it('is free, hours × the hourly price, or each Shanghai calendar day touched × the daily price', () => {
    expect(bookingCost({ unit: 'FREE' }, slots)).toEqual({ amount: 0, currency: 'CNY' });
    expect(bookingCost({ unit: 'PER_HOUR', amount: { amount: 20_000, currency: 'CNY' } }, slots)).toEqual({ amount: 60_000, currency: 'CNY' });
    expect(bookingCost({ unit: 'PER_DAY', amount: { amount: 150_000, currency: 'CNY' } }, slots)).toEqual({ amount: 300_000, currency: 'CNY' });
  });
});

const pending: Booking = {
  id: 'bkg_01JD0000000000000000000001',
  resourceId: 'res_01JD0000000000000000000001',
  resourceName: '工业视觉实训室',
  ownerOrgId: 'org_owner',
  bookerOrgId: 'org_booker',
  bookedBy: 'li',
  cluster: 'smart-manufacturing',
  status: 'PENDING',
  start: '2026-01-06T01:00:00.000Z',
  end: '2026-01-06T04:00:00.000Z',
  slots: ['2026-01-06T09', '2026-01-06T10', '2026-01-06T11'],
  hours: 3,
  purpose: '试验',
  cost: { amount: 0, currency: 'CNY' },
  createdAt: '2026-01-05T00:00:00.000Z',
  updatedAt: '2026-01-05T00:00:00.000Z',
  version: 1,
};

describe('the booking lifecycle and counters', () => {
  it('approves or declines a pending booking; cancels a pending or approved one', () => {
    expect(bookingLifecycle.next('PENDING', 'approve')).toBe('APPROVED');
    expect(bookingLifecycle.next('APPROVED', 'cancel')).toBe('CANCELLED');
    expect(() => bookingLifecycle.next('DECLINED', 'cancel')).toThrow(/Cannot cancel/);
    expect(() => bookingLifecycle.next('APPROVED', 'decline')).toThrow(/Cannot decline/);
  });

  it('counts an approved booking in its cluster, resource, owner and booker; a cancellation takes it off the totals only', () => {
    const approved: Booking = { ...pending, status: 'APPROVED', approvedAt: '2026-01-05T10:00:00.000Z', version: 2 };
    const on = bookingStatsDeltas(pending, approved);
    const totals = on.filter((delta) => delta.bucket === '#TOTAL');
    expect(totals.map((delta) => delta.cluster)).toEqual(['smart-manufacturing', resourceStatsScope(pending.resourceId), orgStatsScope('org_owner'), orgStatsScope('org_booker')]);
    expect(totals[0]!.add).toEqual({ 'bookings#APPROVED': 1, bookedHours: 3 });
    expect(on.filter((delta) => delta.bucket === 'MONTH#2026-01').map((delta) => delta.add)[0]).toEqual({ 'bookings>APPROVED': 1, 'bookedHours>APPROVED': 3 });
    const off = bookingStatsDeltas(approved, { ...approved, status: 'CANCELLED', version: 3 });
    expect(off.every((delta) => delta.bucket === '#TOTAL')).toBe(true);
    expect(sumCounters(...[...totals, ...off].map((delta) => delta.add))).toEqual({});
    expect(bookingStatsDeltas(pending, { ...pending, status: 'DECLINED' })).toEqual([]);
  });

  it('is seen by the booker, the owner and verified associations', () => {
    expect(maySeeBooking({ orgId: 'org_booker', verified: false }, pending)).toBe(true);
    expect(maySeeBooking({ orgId: 'org_owner', verified: true }, pending)).toBe(true);
    expect(maySeeBooking({ orgId: 'org_a', orgType: 'ASSOCIATION', verified: true }, pending)).toBe(true);
    expect(maySeeBooking({ orgId: 'org_g', orgType: 'GOVERNMENT', verified: true }, pending)).toBe(false);
  });
});
