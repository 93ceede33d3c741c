import { z } from 'zod';
import { ValidationError } from './errors.js';
import { moneySchema } from './money-schema.js';
import type { Money } from './money.js';
import type { OrgType } from './organisation.js';
import { TOTAL_BUCKET, monthBucket, type StatsDelta } from './stats.js';
import { orgStatsScope } from './appointment.js';
import { defineStateMachine } from './state-machine.js';

/**
 * Shared resources (共享资源): labs, equipment, sites and data sets that a
 * verified organisation offers to the consortium, booked by the hour.
 * Each booked hour is one slot item written with the booking, conditionally,
 * so two bookings of the same hour can never both land.
 */
export const RESOURCE_TYPES = ['LAB', 'EQUIPMENT', 'SITE', 'DATASET'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const PRICE_UNITS = ['FREE', 'PER_HOUR', 'PER_DAY'] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number];

export const BOOKING_STATUSES = ['PENDING', 'APPROVED', 'DECLINED', 'CANCELLED'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export const bookingLifecycle = defineStateMachine<BookingStatus, 'approve' | 'decline' | 'cancel'>('booking', {
  approve: { from: ['PENDING'], to: 'APPROVED' },
  decline: { from: ['PENDING'], to: 'DECLINED' },
  cancel: { from: ['PENDING', 'APPROVED'], to: 'CANCELLED' },
});

/** States whose slots stay taken; leaving them frees the slots in the same transaction. */
export const HOLDS_SLOTS: readonly BookingStatus[] = ['PENDING', 'APPROVED'];

/**
 * The longest booking, in hourly slots. A booking's transaction writes one item
 * per slot plus the booking, up to 15 counter items, its audit record and a
 * notification: 72 slots keep it well inside DynamoDB's 100 items.
 */
export const MAX_BOOKING_HOURS = 72;
/** How far ahead a slot may be booked. */
export const MAX_BOOKING_LEAD_DAYS = 366;

export const resourcePriceSchema = z.object({ unit: z.enum(PRICE_UNITS), amount: moneySchema.optional() });
export type ResourcePrice = z.infer<typeof resourcePriceSchema>;

export const resourceSchema = z.object({
  id: z.string(),
  ownerOrgId: z.string(),
  ownerOrgName: z.string().optional(),
  type: z.enum(RESOURCE_TYPES),
  name: z.string(),
  description: z.string(),
  cluster: z.string(),
  capabilities: z.array(z.string()),
  location: z.string(),
  rules: z.string(),
  price: resourcePriceSchema,
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type SharedResource = z.infer<typeof resourceSchema>;

export const bookingSchema = z.object({
  id: z.string(),
  resourceId: z.string(),
  resourceName: z.string(),
  ownerOrgId: z.string(),
  bookerOrgId: z.string(),
  bookedBy: z.string(),
  cluster: z.string(),
  status: z.enum(BOOKING_STATUSES),
  /** The instants the booking starts and ends (whole hours), and its slots as Asia/Shanghai wall hours. */
  start: z.string(),
  end: z.string(),
  slots: z.array(z.string()),
  hours: z.number().int(),
  purpose: z.string(),
  contractId: z.string().optional(),
  cost: moneySchema,
  reason: z.string().optional(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  /** When the owner approved it: kept after a cancellation, so the month's approvals can be recounted. */
  approvedAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Booking = z.infer<typeof bookingSchema>;

const HOUR_MS = 3_600_000;
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

/** The Asia/Shanghai wall hour of an instant as `yyyy-mm-ddTHH` (UTC+8 all year): a slot's name. */
export const slotOf = (at: Date) => new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 13);

/**
 * The hourly slots of [start, end): both whole hours, end after start, at most
 * MAX_BOOKING_HOURS, not in the past and not beyond the booking horizon.
 * Throws a field-level 400 naming what is wrong.
 */
export function slotsOfBooking(startIso: string, endIso: string, now: Date): string[] {
  const start = Date.parse(startIso);
  const end = Date.parse(endIso);
  if (Number.isNaN(start)) throw ValidationError.field('start', 'Not an instant.');
  if (Number.isNaN(end)) throw ValidationError.field('end', 'Not an instant.');
  if (start % HOUR_MS !== 0) throw ValidationError.field('start', 'Bookings start on a whole hour.', 'NOT_WHOLE_HOUR');
  if (end % HOUR_MS !== 0) throw ValidationError.field('end', 'Bookings end on a whole hour.', 'NOT_WHOLE_HOUR');
  if (end <= start) throw ValidationError.field('end', 'The end must be after the start.', 'EMPTY_BOOKING');
  const hours = (end - start) / HOUR_MS;
  if (hours > MAX_BOOKING_HOURS) throw ValidationError.field('end', `A booking lasts at most ${MAX_BOOKING_HOURS} hours.`, 'BOOKING_TOO_LONG');
  if (start < now.getTime()) throw ValidationError.field('start', 'The start is in the past.', 'IN_THE_PAST');
  if (start > now.getTime() + MAX_BOOKING_LEAD_DAYS * 24 * HOUR_MS) {
    throw ValidationError.field('start', `Book at most ${MAX_BOOKING_LEAD_DAYS} days ahead.`, 'TOO_FAR_AHEAD');
  }
  return Array.from({ length: hours }, (_, index) => slotOf(new Date(start + index * HOUR_MS)));
}

/**
 * What a booking costs: free, hours × hourly price, or each Asia/Shanghai
 * calendar day it touches × daily price (integer fen, no rounding).
 */
export function bookingCost(price: ResourcePrice, slots: readonly string[]): Money {
  const amount = price.amount?.amount ?? 0;
  if (price.unit === 'FREE') return { amount: 0, currency: 'CNY' };
  if (price.unit === 'PER_HOUR') return { amount: amount * slots.length, currency: 'CNY' };
  const days = new Set(slots.map((slot) => slot.slice(0, 10)));
  return { amount: amount * days.size, currency: 'CNY' };
}

/** Who sees a booking: the booker, the resource's owner, associations. */
export function maySeeBooking(viewer: { orgId?: string; orgType?: OrgType; verified: boolean }, booking: Pick<Booking, 'bookerOrgId' | 'ownerOrgId'>) {
  if (viewer.orgId && (viewer.orgId === booking.bookerOrgId || viewer.orgId === booking.ownerOrgId)) return true;
  return viewer.verified && viewer.orgType === 'ASSOCIATION';
}

/** Counter names of resource use (cluster, organisation and resource scopes). */
export const resourceCounter = {
  /** Total: resources registered (cluster and owner scopes). */
  resources: 'resources',
  /** Total: bookings now APPROVED and their hours. Month: approvals that month and their hours. */
  approvedBookings: 'bookings#APPROVED',
  bookedHours: 'bookedHours',
  approvedEntered: 'bookings>APPROVED',
  bookedHoursEntered: 'bookedHours>APPROVED',
} as const;

/** The statistics scope of one resource. */
export const resourceStatsScope = (resourceId: string) => `res~${resourceId}`;

/** A new resource counts in its cluster and its owner's scope. */
export const resourceRegisteredDeltas = (resource: SharedResource): StatsDelta[] =>
  [resource.cluster, orgStatsScope(resource.ownerOrgId)].map((cluster) => ({ cluster, bucket: TOTAL_BUCKET, subjectId: resource.id, add: { [resourceCounter.resources]: 1 } }));

/**
 * A booking entering or leaving APPROVED moves the approved bookings and
 * booked hours of its cluster, the resource, the owner and the booker; the
 * month of approval counts approvals (flows, never taken back).
 */
export function bookingStatsDeltas(previous: Booking | undefined, next: Booking): StatsDelta[] {
  const was = previous?.status === 'APPROVED';
  const is = next.status === 'APPROVED';
  if (was === is) return [];
  const sign = is ? 1 : -1;
  const scopes = [next.cluster, resourceStatsScope(next.resourceId), orgStatsScope(next.ownerOrgId), orgStatsScope(next.bookerOrgId)];
  const unique = [...new Set(scopes)];
  const deltas: StatsDelta[] = unique.map((cluster) => ({
    cluster,
    bucket: TOTAL_BUCKET,
    subjectId: next.id,
    add: { [resourceCounter.approvedBookings]: sign, [resourceCounter.bookedHours]: sign * next.hours },
  }));
  if (is && next.approvedAt) {
    for (const cluster of unique) {
      deltas.push({ cluster, bucket: monthBucket(next.approvedAt), subjectId: next.id, add: { [resourceCounter.approvedEntered]: 1, [resourceCounter.bookedHoursEntered]: next.hours } });
    }
  }
  return deltas;
}

/** Usage figures of a scope from its counters. */
export const resourceUsageFigures = (counters: Record<string, number>) => ({
  resources: counters[resourceCounter.resources] ?? 0,
  approvedBookings: counters[resourceCounter.approvedBookings] ?? 0,
  bookedHours: counters[resourceCounter.bookedHours] ?? 0,
});
