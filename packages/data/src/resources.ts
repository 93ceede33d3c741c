import { bookingSchema, resourceSchema, type Booking, type SharedResource, type StatsDelta } from '@sharedtech/core';
import type { Db } from './client.js';
import { conditionCheck, putIfVersion, putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onIndex, onTable, queryBounded, queryPage, type PageRequest } from './query.js';
import { statsWrites } from './stats.js';
import { z } from 'zod';

const resourceItem = (resource: SharedResource) => ({
  ...keys.resource(resource.id),
  ...keys.allResources(resource.id),
  ...keys.resourcesOfCluster(resource.cluster, resource.id),
  ...keys.resourcesOfOrg(resource.ownerOrgId, resource.id),
  ...resource,
});

const bookingItem = (booking: Booking) => ({
  ...keys.booking(booking.id),
  ...keys.bookingsOfResource(booking.resourceId, booking.id),
  ...keys.bookingsOfBooker(booking.bookerOrgId, booking.id),
  ...keys.bookingsOfOwner(booking.ownerOrgId, booking.id),
  ...booking,
});

export const getResource = (db: Db, resourceId: string, consistent = false) => getItem(db, keys.resource(resourceId), resourceSchema, consistent);

export const getBooking = (db: Db, bookingId: string, consistent = false) => getItem(db, keys.booking(bookingId), bookingSchema, consistent);

export const writeNewResource = (db: Db, resource: SharedResource, deltas: readonly StatsDelta[]): Write[] => [
  putNew(db, resourceItem(resource)),
  ...statsWrites(db, deltas),
];

/**
 * A new booking: the booking item, one slot item per hour put only if absent
 * (a taken hour fails the whole transaction with `onSlotTaken`), and the guards
 * and counters the service adds.
 */
export function writeNewBooking(db: Db, booking: Booking, onSlotTaken: (slot: string) => Write['onConflict']): Write[] {
  return [
    putNew(db, bookingItem(booking)),
    ...booking.slots.map((slot) => putNew(db, { ...keys.bookingSlot(booking.resourceId, slot), bookingId: booking.id }, onSlotTaken(slot))),
  ];
}

/**
 * A booking's next state under its version guard; when it stops holding its
 * slots (`freeSlots`), each slot item is deleted in the same transaction, on
 * condition that it is still this booking's.
 */
export function writeBookingChange(db: Db, booking: Booking, freeSlots: boolean, deltas: readonly StatsDelta[], onConflict?: Write['onConflict']): Write[] {
  const frees: Write[] = freeSlots
    ? booking.slots.map((slot) => ({
        op: {
          Delete: {
            TableName: db.tableName,
            Key: keys.bookingSlot(booking.resourceId, slot),
            ConditionExpression: 'bookingId = :booking',
            ExpressionAttributeValues: { ':booking': booking.id },
          },
        },
        onConflict,
      }))
    : [];
  return [putIfVersion(db, bookingItem(booking), onConflict), ...frees, ...statsWrites(db, deltas)];
}

/** A guard that a contract names `orgId` as a party (its party pointer exists), for a linked booking. */
export const contractPartyGuard = (db: Db, contractId: string, orgId: string, onConflict: Write['onConflict']) =>
  conditionCheck(db, keys.contractParty(contractId, orgId), { expression: 'attribute_exists(pk)' }, onConflict);

export interface ResourceFilter {
  type?: string;
  cluster?: string;
  ownerOrgId?: string;
}

/** Resources newest first: of one owner, of one cluster, or all; optionally of one type. */
export function listResources(db: Db, filter: ResourceFilter, page?: PageRequest) {
  const byType = filter.type
    ? { FilterExpression: '#type = :type', ExpressionAttributeNames: { '#type': 'type' }, ExpressionAttributeValues: { ':type': filter.type } }
    : undefined;
  const partition = filter.ownerOrgId
    ? onIndex('gsi3', keys.resourcesOfOrg(filter.ownerOrgId, '').gsi3pk)
    : filter.cluster
      ? onIndex('gsi2', keys.resourcesOfCluster(filter.cluster, '').gsi2pk)
      : onIndex('gsi1', keys.allResources('').gsi1pk);
  const clusterToo =
    filter.ownerOrgId && filter.cluster
      ? {
          FilterExpression: [byType?.FilterExpression, 'cluster = :cluster'].filter(Boolean).join(' AND '),
          ExpressionAttributeNames: byType?.ExpressionAttributeNames,
          ExpressionAttributeValues: { ...byType?.ExpressionAttributeValues, ':cluster': filter.cluster },
        }
      : byType;
  return queryPage(db, { ...partition, schema: resourceSchema, filter: clusterToo }, page);
}

/** A resource's bookings, newest first (the owner's view). */
export const listBookingsOfResource = (db: Db, resourceId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi3', keys.bookingsOfResource(resourceId, '').gsi3pk), schema: bookingSchema }, page);

/** A resource's bookings made by one organisation, newest first. */
export const listBookingsOfResourceBy = (db: Db, resourceId: string, bookerOrgId: string, page?: PageRequest) =>
  queryPage(
    db,
    {
      ...onIndex('gsi3', keys.bookingsOfResource(resourceId, '').gsi3pk),
      schema: bookingSchema,
      filter: { FilterExpression: 'bookerOrgId = :me', ExpressionAttributeValues: { ':me': bookerOrgId } },
    },
    page,
  );

/** Bookings an organisation made, or received for its resources, newest first; optionally of one status. */
export function listBookingsOfOrg(db: Db, orgId: string, as: 'BOOKER' | 'OWNER', status: string | undefined, page?: PageRequest) {
  const filter = status
    ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':status': status } }
    : undefined;
  const partition = as === 'BOOKER' ? onIndex('gsi1', keys.bookingsOfBooker(orgId, '').gsi1pk) : onIndex('gsi2', keys.bookingsOfOwner(orgId, '').gsi2pk);
  return queryPage(db, { ...partition, schema: bookingSchema, filter }, page);
}

const slotSchema = z.object({ sk: z.string(), bookingId: z.string() });

/** The widest window of taken hours read at once: a week and a day (the resource page shows the next seven days). */
export const MAX_SLOT_WINDOW_HOURS = 8 * 24;

/**
 * The taken hours of a resource in [fromSlot, toSlot] (wall hours, inclusive):
 * one Query of the slot range, bounded by the range (at most MAX_SLOT_WINDOW_HOURS
 * of one item an hour).
 */
export async function takenSlots(db: Db, resourceId: string, fromSlot: string, toSlot: string): Promise<string[]> {
  const items = await queryBounded(
    db,
    {
      ...onTable(keys.resource(resourceId).pk),
      schema: slotSchema,
      newestFirst: false,
      keepKeys: true,
      sortKeyCondition: { expression: 'sk BETWEEN :from AND :to', values: { ':from': `SLOT#${fromSlot}`, ':to': `SLOT#${toSlot}` } },
    },
    { max: MAX_SLOT_WINDOW_HOURS },
  );
  return items.map((item) => item.sk.slice('SLOT#'.length));
}
