import { DAY_MS } from './clock.js';
import { SETTLED_MILESTONE_STATUSES, type Contract, type Milestone } from './contract.js';

/**
 * Absolute due dates of milestones. A plan says "30 days"; when the contract
 * becomes ACTIVE each milestone is due at the end of the Asia/Shanghai calendar
 * day that lies that many days after the start's Shanghai date, stored as a UTC
 * instant. Asia/Shanghai has kept UTC+8 without daylight saving since 1991, so
 * the calendar arithmetic is done on a fixed offset: no day is ever 23 or 25 h.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Days before its due date that the studio is reminded of a milestone not yet delivered. */
export const DUE_REMINDER_DAYS = 3;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The Asia/Shanghai calendar date (`yyyy-mm-dd`) of an instant. */
export const shanghaiDate = (instant: Date | string) => new Date(new Date(instant).getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** Days since 1970-01-01 of a calendar date, or undefined when it is not a real date (2026-02-30). */
function dayNumber(date: string): number | undefined {
  const match = DATE_PATTERN.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = Date.UTC(year, month - 1, day);
  const back = new Date(utc);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return utc / DAY_MS;
}

/** True for a real calendar date written `yyyy-mm-dd`. */
export const isCalendarDate = (date: string) => dayNumber(date) !== undefined;

/** The last millisecond of a Shanghai calendar day, as a UTC instant (23:59:59.999+08:00 = 15:59:59.999Z). */
export function endOfShanghaiDay(date: string): Date {
  const day = dayNumber(date);
  if (day === undefined) throw new RangeError(`Not a calendar date: ${date}`);
  return new Date((day + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1);
}

/** The Shanghai calendar date `days` after `date`. */
export function addCalendarDays(date: string, days: number): string {
  const day = dayNumber(date);
  if (day === undefined) throw new RangeError(`Not a calendar date: ${date}`);
  return new Date((day + days) * DAY_MS).toISOString().slice(0, 10);
}

/** Whole calendar days from one Shanghai date to another (negative when `to` is earlier). */
export function calendarDaysBetween(from: string, to: string): number {
  const a = dayNumber(from);
  const b = dayNumber(to);
  if (a === undefined || b === undefined) throw new RangeError(`Not calendar dates: ${from}, ${to}`);
  return b - a;
}

/** When a milestone `days` after the contract's start is due: the end of that Shanghai day, as an ISO instant. */
export const milestoneDueAt = (start: Date | string, days: number) => endOfShanghaiDay(addCalendarDays(shanghaiDate(start), days)).toISOString();

/** When the studio is reminded of a milestone due at `dueAt`. */
export const dueReminderAt = (dueAt: string) => new Date(Date.parse(dueAt) - DUE_REMINDER_DAYS * DAY_MS).toISOString();

/** A milestone still to be done whose due date has passed at `now`. */
export const isPastDue = (milestone: Pick<Milestone, 'status' | 'dueAt'>, now: Date) =>
  Boolean(milestone.dueAt) && !SETTLED_MILESTONE_STATUSES.includes(milestone.status) && Date.parse(milestone.dueAt!) < now.getTime();

/**
 * A milestone counted as overdue: the scheduled job flagged it (`overdueAt`) and
 * it is not settled. Statistics and the contract's `overdueMilestones` count these,
 * so a recount from the items gives exactly what the transactions kept.
 */
export const isFlaggedOverdue = (milestone: Pick<Milestone, 'status' | 'overdueAt'>) =>
  Boolean(milestone.overdueAt) && !SETTLED_MILESTONE_STATUSES.includes(milestone.status);

/** Milestones of a contract becoming ACTIVE at `start`, each with its absolute due date (version + 1). */
export function withDueDates(milestones: readonly Milestone[], start: string): Milestone[] {
  return milestones.map((milestone) => ({ ...milestone, dueAt: milestoneDueAt(start, milestone.dueInDays), updatedAt: start, version: milestone.version + 1 }));
}

/** An ACTIVE contract with a milestone the scheduled job flagged overdue: the associations' overdue list. */
export const isContractOverdue = (contract: Pick<Contract, 'status' | 'overdueMilestones'>) =>
  contract.status === 'ACTIVE' && (contract.overdueMilestones ?? 0) > 0;
