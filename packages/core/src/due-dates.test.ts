import { describe, expect, it } from 'vitest';
import {
  addCalendarDays, calendarDaysBetween, dueReminderAt, endOfShanghaiDay, isCalendarDate, isFlaggedOverdue, isPastDue, milestoneDueAt, shanghaiDate, withDueDates,
} from './due-dates.js';
import type { Milestone } from './contract.js';

describe('absolute due dates in Asia/Shanghai', () => {
  it('takes the Shanghai calendar date of the start, not the UTC one', () => {
    // 2026-03-31 17:30 UTC is already 1 April 01:30 in Shanghai.
    expect(shanghaiDate('2026-03-31T17:30:00Z')).toBe('2026-04-01');
    expect(shanghaiDate('2026-03-31T15:59:59.999Z')).toBe('2026-03-31');
    expect(shanghaiDate('2026-03-31T16:00:00Z')).toBe('2026-04-01');
  });

  it('is due at the end of the Shanghai day, stored as a UTC instant', () => {
    expect(endOfShanghaiDay('2026-05-01').toISOString()).toBe('2026-05-01T15:59:59.999Z');
    expect(milestoneDueAt('2026-05-01T02:00:00Z', 30)).toBe('2026-05-31T15:59:59.999Z');
    // Signed at 23:30 Shanghai time on 1 May: day 0 is still 1 May.
    expect(milestoneDueAt('2026-05-01T15:30:00Z', 0)).toBe('2026-05-01T15:59:59.999Z');
    // Signed 00:30 Shanghai time on 2 May (16:30 UTC on 1 May): counted from 2 May.
    expect(milestoneDueAt('2026-05-01T16:30:00Z', 1)).toBe('2026-05-03T15:59:59.999Z');
  });

  it('crosses month and year ends and leap days by the calendar', () => {
    expect(milestoneDueAt('2026-01-31T04:00:00Z', 1)).toBe('2026-02-01T15:59:59.999Z');
    expect(milestoneDueAt('2028-02-28T04:00:00Z', 1)).toBe('2028-02-29T15:59:59.999Z');
    expect(milestoneDueAt('2027-02-28T04:00:00Z', 1)).toBe('2027-03-01T15:59:59.999Z');
    expect(milestoneDueAt('2026-12-31T20:00:00Z', 0)).toBe('2027-01-01T15:59:59.999Z');
    expect(addCalendarDays('2026-01-31', 30)).toBe('2026-03-02');
    expect(calendarDaysBetween('2026-01-31', '2026-03-02')).toBe(30);
    expect(calendarDaysBetween('2026-03-02', '2026-01-31')).toBe(-30);
  });

  it('has no daylight saving: every due date is 15:59:59.999Z, the whole year round', () => {
    for (let day = 0; day < 366; day += 1) {
      expect(milestoneDueAt('2026-01-01T00:00:00Z', day).endsWith('T15:59:59.999Z')).toBe(true);
    }
  });

  it('knows a real calendar date from a malformed one', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('2026-1-01')).toBe(false);
    expect(() => endOfShanghaiDay('2026-02-30')).toThrow(RangeError);
  });

  it('reminds three days before', () => {
    expect(dueReminderAt('2026-05-31T15:59:59.999Z')).toBe('2026-05-28T15:59:59.999Z');
  });

  const milestone = (over: Partial<Milestone>): Milestone => ({
    contractId: 'ctr_1', n: 1, title: 'm', amount: { amount: 100, currency: 'CNY' }, dueInDays: 10, status: 'PENDING', updatedAt: '2026-01-01T00:00:00Z', version: 1, ...over,
  });

  it('is past due only while not settled, and counted overdue only once flagged', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(isPastDue(milestone({ dueAt: '2026-05-31T15:59:59.999Z' }), now)).toBe(true);
    expect(isPastDue(milestone({ dueAt: '2026-06-01T15:59:59.999Z' }), now)).toBe(false);
    expect(isPastDue(milestone({ dueAt: '2026-05-31T15:59:59.999Z', status: 'RELEASED' }), now)).toBe(false);
    expect(isPastDue(milestone({}), now)).toBe(false);
    expect(isFlaggedOverdue(milestone({ overdueAt: '2026-06-01T00:00:00Z' }))).toBe(true);
    expect(isFlaggedOverdue(milestone({ overdueAt: '2026-06-01T00:00:00Z', status: 'SPLIT' }))).toBe(false);
    expect(isFlaggedOverdue(milestone({ dueAt: '2026-05-31T15:59:59.999Z' }))).toBe(false);
  });

  it('dates every milestone of a contract becoming ACTIVE', () => {
    const dated = withDueDates([milestone({ dueInDays: 10 }), milestone({ n: 2, dueInDays: 45 })], '2026-05-01T02:00:00.000Z');
    expect(dated.map((m) => [m.dueAt, m.version])).toEqual([
      ['2026-05-11T15:59:59.999Z', 2],
      ['2026-06-15T15:59:59.999Z', 2],
    ]);
  });
});
