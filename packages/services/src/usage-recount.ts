import {
  TOTAL_BUCKET, appointmentCounter, appointmentSideOf, monthBucket, resourceCounter, sumCounters, type Appointment, type Booking, type Counters,
} from '@sharedtech/core';
import {
  getOrganisation, listAppointmentsOfCluster, listAppointmentsOfOrg, listBookingsOfOrg, listBookingsOfResource, listResources, readAll,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';

/*
 * The definition of the talent and resource-use counters, recounted from the
 * items (operators and tests; Queries of whole partitions, never a request
 * path). The transactions keep the same figures with ADD; the two must agree.
 */

type Buckets = Record<string, Counters>;

function adder(buckets: Buckets) {
  return (bucket: string, add: Counters) => {
    buckets[bucket] = sumCounters(buckets[bucket] ?? {}, add);
  };
}

function countAppointments(add: ReturnType<typeof adder>, appointments: readonly Appointment[]) {
  for (const appointment of appointments) {
    if (appointment.status === 'ACTIVE') add(TOTAL_BUCKET, { [appointmentCounter.active]: 1, [appointmentCounter.hoursPerMonth]: appointment.hoursPerMonth });
    if (appointment.confirmedAt) add(monthBucket(appointment.confirmedAt), { [appointmentCounter.confirmed]: 1 });
  }
}

function countBookings(add: ReturnType<typeof adder>, bookings: readonly Booking[]) {
  for (const booking of bookings) {
    if (booking.status === 'APPROVED') add(TOTAL_BUCKET, { [resourceCounter.approvedBookings]: 1, [resourceCounter.bookedHours]: booking.hours });
    if (booking.approvedAt) add(monthBucket(booking.approvedAt), { [resourceCounter.approvedEntered]: 1, [resourceCounter.bookedHoursEntered]: booking.hours });
  }
}

const finish = (buckets: Buckets): Buckets => Object.fromEntries(Object.entries(buckets).filter(([, bag]) => Object.keys(bag).length > 0));

/** A cluster's appointment and resource-use counters, by bucket. */
export async function recountClusterUsage(deps: ServiceDeps, cluster: string): Promise<Buckets> {
  const buckets: Buckets = {};
  const add = adder(buckets);
  // Both partitions at once: upgrade-data recounts every cluster, and most have neither.
  const [appointments, resources] = await Promise.all([
    readAll((page) => listAppointmentsOfCluster(deps.db, cluster, {}, page)),
    readAll((page) => listResources(deps.db, { cluster }, page)),
  ]);
  countAppointments(add, appointments);
  for (const resource of resources) {
    add(TOTAL_BUCKET, { [resourceCounter.resources]: 1 });
    countBookings(add, await readAll((page) => listBookingsOfResource(deps.db, resource.id, page)));
  }
  return finish(buckets);
}

/** An organisation's counters (scope `org~<id>`): its appointments, its resources, bookings of them and bookings it made. */
export async function recountOrganisationUsage(deps: ServiceDeps, orgId: string): Promise<Buckets> {
  const buckets: Buckets = {};
  const add = adder(buckets);
  const org = await getOrganisation(deps.db, orgId);
  const side = org && appointmentSideOf(org.type);
  if (side) countAppointments(add, await readAll((page) => listAppointmentsOfOrg(deps.db, orgId, side, {}, page)));
  const resources = await readAll((page) => listResources(deps.db, { ownerOrgId: orgId }, page));
  add(TOTAL_BUCKET, resources.length ? { [resourceCounter.resources]: resources.length } : {});
  countBookings(add, await readAll((page) => listBookingsOfOrg(deps.db, orgId, 'OWNER', undefined, page)));
  countBookings(add, await readAll((page) => listBookingsOfOrg(deps.db, orgId, 'BOOKER', undefined, page)));
  return finish(buckets);
}

/** One resource's counters (scope `res~<id>`). */
export async function recountResourceUsage(deps: ServiceDeps, resourceId: string): Promise<Buckets> {
  const buckets: Buckets = {};
  countBookings(adder(buckets), await readAll((page) => listBookingsOfResource(deps.db, resourceId, page)));
  return finish(buckets);
}
