import { appointmentEndsAt, appointmentSchema, type Appointment } from '@sharedtech/core';
import type { Db } from './client.js';
import { putIfVersion, putNew, setIndexKeys, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onIndex, queryPage, type PageRequest } from './query.js';
import { statsWrites } from './stats.js';
import type { StatsDelta } from '@sharedtech/core';

const appointmentItem = (appointment: Appointment) => ({
  ...keys.appointment(appointment.id),
  ...keys.appointmentsOfEnterprise(appointment.enterpriseOrgId, appointment.id),
  ...keys.appointmentsOfCollege(appointment.collegeOrgId, appointment.id),
  ...keys.appointmentsOfCluster(appointment.cluster, appointment.id),
  ...(appointment.status === 'ACTIVE' ? keys.appointmentsEnding(appointmentEndsAt(appointment), appointment.id) : {}),
  ...appointment,
});

export const getAppointment = (db: Db, appointmentId: string, consistent = false) =>
  getItem(db, keys.appointment(appointmentId), appointmentSchema, consistent);

/** A new appointment, with the counter deltas it implies. */
export const writeNewAppointment = (db: Db, appointment: Appointment, deltas: readonly StatsDelta[] = []): Write[] => [
  putNew(db, appointmentItem(appointment)),
  ...statsWrites(db, deltas),
];

/** An appointment's next state under its version guard, with the counter deltas it implies. */
export const writeAppointmentChange = (db: Db, appointment: Appointment, deltas: readonly StatsDelta[], onConflict?: Write['onConflict']): Write[] => [
  putIfVersion(db, appointmentItem(appointment), onConflict),
  ...statsWrites(db, deltas),
];

const statusFilter = (status?: string) =>
  status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':status': status } } : undefined;

/** An organisation's appointments, newest first (`side`: the index its side is on). */
export const listAppointmentsOfOrg = (db: Db, orgId: string, side: 'ENTERPRISE' | 'COLLEGE', filter: { status?: string }, page?: PageRequest) =>
  side === 'ENTERPRISE'
    ? queryPage(db, { ...onIndex('gsi1', keys.appointmentsOfEnterprise(orgId, '').gsi1pk), schema: appointmentSchema, filter: statusFilter(filter.status) }, page)
    : queryPage(db, { ...onIndex('gsi2', keys.appointmentsOfCollege(orgId, '').gsi2pk), schema: appointmentSchema, filter: statusFilter(filter.status) }, page);

/** A cluster's appointments, newest first. */
export const listAppointmentsOfCluster = (db: Db, cluster: string, filter: { status?: string }, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi3', keys.appointmentsOfCluster(cluster, '').gsi3pk), schema: appointmentSchema, filter: statusFilter(filter.status) }, page);

/** ACTIVE appointments whose period is over at `now`, earliest first (a range Query on a sparse index). */
export const listAppointmentsEndedBy = (db: Db, now: Date, page?: PageRequest) =>
  queryPage(
    db,
    {
      ...onIndex('gsi4', 'TIMERS#APPOINTMENTS'),
      schema: appointmentSchema,
      newestFirst: false,
      sortKeyCondition: { expression: '#ends < :bound', names: { '#ends': 'gsi4sk' }, values: { ':bound': `${now.toISOString()}~` } },
    },
    page,
  );

/** upgrade-data: an ACTIVE appointment written before the end timer gets its index keys (the item is otherwise unchanged). */
export const indexActiveAppointment = (db: Db, appointment: Appointment): Write =>
  setIndexKeys(db, keys.appointment(appointment.id), appointment.version, keys.appointmentsEnding(appointmentEndsAt(appointment), appointment.id));
