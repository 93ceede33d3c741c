import {
  ConflictError, ForbiddenError, HOLDS_SLOTS, NotFoundError, TOTAL_BUCKET, ValidationError, bookingCost, bookingLifecycle, bookingStatsDeltas,
  contractParties, maySeeBooking, orgStatsScope, requireMember, requireVerified, resourceRegisteredDeltas, resourceStatsScope,
  resourceUsageFigures, slotOf, slotsOfBooking, type Booking, type BookingStatus, type Principal, type ResourcePrice, type ResourceType,
  type SharedResource,
} from '@sharedtech/core';
import {
  getBooking, getContract, getResource, listBookingsOfOrg, listBookingsOfResource, listBookingsOfResourceBy, listResources as listResourceItems,
  readClusterCounters, takenSlots, writeBookingChange, writeNewBooking, writeNewResource, type PageRequest,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toOrg } from './change.js';

export interface RegisterResourceInput {
  type: ResourceType;
  name: string;
  description: string;
  cluster: string;
  capabilities: string[];
  location: string;
  rules: string;
  price: ResourcePrice;
}

export interface BookResourceInput {
  start: string;
  end: string;
  purpose: string;
  contractId?: string;
}

const viewer = (principal: Principal) => ({
  orgId: principal.membership?.orgId,
  orgType: principal.org?.type,
  verified: principal.org?.status === 'VERIFIED',
});

const viewOfResource = ({ version: _version, ...resource }: SharedResource) => resource;
const viewOfBooking = ({ version: _version, ...booking }: Booking) => booking;

/** Any member of a verified organisation registers a lab, equipment, site or data set for the consortium. */
export async function registerResource(deps: ServiceDeps, principal: Principal, input: RegisterResourceInput) {
  const acting = requireVerified(principal);
  const now = deps.clock().toISOString();
  const resource: SharedResource = {
    id: deps.ids('resource'),
    ownerOrgId: acting.org.id,
    ownerOrgName: acting.org.name,
    type: input.type,
    name: input.name,
    description: input.description,
    cluster: input.cluster,
    capabilities: [...new Set(input.capabilities)],
    location: input.location,
    rules: input.rules,
    price: input.price.unit === 'FREE' ? { unit: 'FREE' } : input.price,
    createdBy: principal.sub,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await applyChange(deps, principal, {
    writes: writeNewResource(deps.db, resource, resourceRegisteredDeltas(resource)),
    transitions: [{ entity: { type: 'resource', id: resource.id }, action: 'register', after: 'ACTIVE', details: { type: resource.type, cluster: resource.cluster }, creates: true }],
  });
  return viewOfResource(resource);
}

/** Resources are public to every signed-in caller; a missing id is a 404. */
export async function loadResource(deps: ServiceDeps, resourceId: string, consistent = false) {
  const resource = await getResource(deps.db, resourceId, consistent);
  if (!resource) throw new NotFoundError('Resource', resourceId);
  return resource;
}

/** A resource with its usage (approved bookings, booked hours; one BatchGet of its counters) and the hours taken in the next week. */
export async function readResource(deps: ServiceDeps, _principal: Principal, resourceId: string) {
  const resource = await loadResource(deps, resourceId);
  const now = deps.clock();
  const [usage, taken] = await Promise.all([
    readClusterCounters(deps.db, resourceStatsScope(resource.id), TOTAL_BUCKET),
    takenSlots(deps.db, resource.id, slotOf(now), slotOf(new Date(now.getTime() + 7 * 86_400_000))),
  ]);
  const { resources: _count, ...figures } = resourceUsageFigures(usage);
  return { ...viewOfResource(resource), usage: figures, takenSlots: taken };
}

/** Resources newest first, filtered by type, cluster, or the caller's own. */
export async function listResources(deps: ServiceDeps, principal: Principal, query: { type?: ResourceType; cluster?: string; mine?: 'true' | 'false' } & PageRequest) {
  const ownerOrgId = query.mine === 'true' ? requireMember(principal).org.id : undefined;
  const result = await listResourceItems(deps.db, { type: query.type, cluster: query.cluster, ownerOrgId }, { cursor: query.cursor, limit: query.limit });
  return { items: result.items.map(viewOfResource), nextCursor: result.nextCursor };
}

const slotTaken = (slot: string) => () =>
  new ConflictError('SLOT_TAKEN', `The hour ${slot.replace('T', ' ')}:00 is already booked; pick another time.`, { slot });

/**
 * A verified organisation books hours of another organisation's resource. One
 * transaction puts the booking and one item per hour, each only if absent: of
 * concurrent bookings of an overlapping hour exactly one commits, the others
 * get 409 SLOT_TAKEN. A linked contract must be one the booker is a party of.
 */
export async function bookResource(deps: ServiceDeps, principal: Principal, resourceId: string, input: BookResourceInput) {
  const acting = requireVerified(principal);
  const resource = await loadResource(deps, resourceId);
  if (resource.ownerOrgId === acting.org.id) throw new ConflictError('OWN_RESOURCE', 'Your organisation owns this resource; it needs no booking.');
  const now = deps.clock();
  const slots = slotsOfBooking(input.start, input.end, now);
  if (input.contractId) {
    const contract = await getContract(deps.db, input.contractId);
    if (!contract || !contractParties(contract).includes(acting.org.id)) {
      throw ValidationError.field('contractId', 'No contract your organisation is a party of has this id.', 'NOT_A_PARTY');
    }
  }
  const at = now.toISOString();
  const booking: Booking = {
    id: deps.ids('booking'),
    resourceId: resource.id,
    resourceName: resource.name,
    ownerOrgId: resource.ownerOrgId,
    bookerOrgId: acting.org.id,
    bookedBy: principal.sub,
    cluster: resource.cluster,
    status: 'PENDING',
    start: new Date(input.start).toISOString(),
    end: new Date(input.end).toISOString(),
    slots,
    hours: slots.length,
    purpose: input.purpose,
    contractId: input.contractId,
    cost: bookingCost(resource.price, slots),
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await applyChange(deps, principal, {
    writes: writeNewBooking(deps.db, booking, slotTaken),
    transitions: [
      { entity: { type: 'booking', id: booking.id }, action: 'book', after: 'PENDING', details: { resourceId: resource.id, hours: booking.hours, contractId: input.contractId }, creates: true },
    ],
    notify: [{ to: toOrg(resource.ownerOrgId), type: 'BOOKING_REQUESTED', params: { resource: resource.name, hours: booking.hours } }],
  });
  return viewOfBooking(booking);
}

/** The booking if the caller may see it (and it is of this resource); a 404 like a missing id otherwise. */
export async function getVisibleBooking(deps: ServiceDeps, principal: Principal, resourceId: string, bookingId: string, consistent = false) {
  const booking = await getBooking(deps.db, bookingId, consistent);
  if (!booking || booking.resourceId !== resourceId || !maySeeBooking(viewer(principal), booking)) throw new NotFoundError('Booking', bookingId);
  return booking;
}

/** A booking by its id alone (the pages' and the audit trail's way in), if the caller may see it. */
export async function readBookingById(deps: ServiceDeps, principal: Principal, bookingId: string) {
  const booking = await getBooking(deps.db, bookingId);
  if (!booking || !maySeeBooking(viewer(principal), booking)) throw new NotFoundError('Booking', bookingId);
  return viewOfBooking(booking);
}

export async function readBooking(deps: ServiceDeps, principal: Principal, resourceId: string, bookingId: string) {
  return viewOfBooking(await getVisibleBooking(deps, principal, resourceId, bookingId));
}

const NOTICES = { approve: 'BOOKING_APPROVED', decline: 'BOOKING_DECLINED', cancel: 'BOOKING_CANCELLED' } as const;
export type BookingAction = keyof typeof NOTICES;

/**
 * The owner approves or declines a pending booking; the booker (or the owner)
 * cancels a pending or approved one. Declining and cancelling free the slots
 * in the same transaction; approving and cancelling an approved booking move
 * the usage counters.
 */
export async function actOnBooking(deps: ServiceDeps, principal: Principal, resourceId: string, bookingId: string, action: BookingAction, input: { reason?: string } = {}) {
  const booking = await getVisibleBooking(deps, principal, resourceId, bookingId, true);
  const acting = requireMember(principal);
  const isOwner = acting.org.id === booking.ownerOrgId;
  const mayAct = action === 'cancel' ? isOwner || acting.org.id === booking.bookerOrgId : isOwner;
  if (!mayAct) {
    throw new ForbiddenError('NOT_RESOURCE_OWNER', action === 'cancel' ? 'Only the booker or the owner cancels a booking.' : 'Only the resource’s owner decides on bookings.');
  }
  requireVerified(principal);
  const status: BookingStatus = bookingLifecycle.next(booking.status, action);
  const at = deps.clock().toISOString();
  const next: Booking = {
    ...booking,
    status,
    ...(action === 'cancel' ? {} : { decidedBy: principal.sub, decidedAt: at }),
    ...(action === 'approve' ? { approvedAt: at } : {}),
    ...(input.reason ? { reason: input.reason } : {}),
    updatedAt: at,
    version: booking.version + 1,
  };
  const freeSlots = HOLDS_SLOTS.includes(booking.status) && !HOLDS_SLOTS.includes(status);
  const other = isOwner ? booking.bookerOrgId : booking.ownerOrgId;
  await applyChange(deps, principal, {
    writes: writeBookingChange(deps.db, next, freeSlots, bookingStatsDeltas(booking, next), () =>
      new ConflictError('CONCURRENT_UPDATE', 'The booking changed meanwhile; reload it.')),
    transitions: [
      { entity: { type: 'booking', id: booking.id }, action, before: booking.status, after: status, details: { resourceId, ...(input.reason ? { reason: input.reason } : {}) } },
    ],
    notify: [{ to: toOrg(other), type: NOTICES[action], params: { resource: booking.resourceName, hours: booking.hours } }],
  });
  return viewOfBooking(next);
}

/** A resource's bookings, newest first: all for its owner and associations, one's own for anyone else. */
export async function listBookings(deps: ServiceDeps, principal: Principal, resourceId: string, page: PageRequest) {
  const resource = await loadResource(deps, resourceId);
  const me = viewer(principal);
  const all = me.orgId === resource.ownerOrgId || (me.verified && me.orgType === 'ASSOCIATION');
  if (!all && !me.orgId) return { items: [], nextCursor: null };
  const result = all ? await listBookingsOfResource(deps.db, resource.id, page) : await listBookingsOfResourceBy(deps.db, resource.id, me.orgId!, page);
  return { items: result.items.map(viewOfBooking), nextCursor: result.nextCursor };
}

/** The caller's organisation's bookings: made by it (`BOOKER`), or of its resources (`OWNER`, e.g. the PENDING ones to decide). */
export async function listMyBookings(deps: ServiceDeps, principal: Principal, as: 'BOOKER' | 'OWNER', status: BookingStatus | undefined, page: PageRequest) {
  const acting = requireMember(principal);
  const result = await listBookingsOfOrg(deps.db, acting.org.id, as, status, page);
  return { items: result.items.map(viewOfBooking), nextCursor: result.nextCursor };
}

/**
 * Usage figures (resources, approved bookings, booked hours): of a cluster for
 * associations and government bodies of it, or of the caller's organisation
 * (as owner and as booker). One BatchGet of the scope's counter shards.
 */
export async function resourceStatistics(deps: ServiceDeps, principal: Principal, query: { cluster?: string } = {}) {
  const acting = requireMember(principal);
  if (query.cluster) {
    const me = viewer(principal);
    const reads = me.verified && (me.orgType === 'ASSOCIATION' || (me.orgType === 'GOVERNMENT' && (principal.org?.cluster ?? query.cluster) === query.cluster));
    if (!reads) throw new ForbiddenError('NOT_CLUSTER_MEMBER', 'Only associations and the cluster’s government bodies read its figures.');
    return { cluster: query.cluster, ...resourceUsageFigures(await readClusterCounters(deps.db, query.cluster, TOTAL_BUCKET)) };
  }
  return { orgId: acting.org.id, ...resourceUsageFigures(await readClusterCounters(deps.db, orgStatsScope(acting.org.id), TOTAL_BUCKET)) };
}
