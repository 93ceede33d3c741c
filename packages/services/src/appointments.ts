import {
  ConflictError, ForbiddenError, MAX_APPOINTMENT_DAYS, NotFoundError, TOTAL_BUCKET, ValidationError, appointmentFigures, appointmentLifecycle,
  SCHEDULER, appointmentSideOf, appointmentStatsDeltas, counterpartOf, homeSideOf, maySeeAppointment, orgStatsScope, requireMember, requireVerified,
  shanghaiDate, type AppointedPerson, type Appointment, type AppointmentKind, type AppointmentStatus, type AppointmentViewer, type Principal,
} from '@sharedtech/core';
import {
  getAppointment, getOrganisationRecord, listAppointmentsEndedBy, listAppointmentsOfCluster, listAppointmentsOfOrg, readClusterCounters, writeAppointmentChange,
  writeNewAppointment, type PageRequest,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toOrg } from './change.js';

export interface ProposeAppointmentInput {
  kind: AppointmentKind;
  counterpartOrgId: string;
  cluster: string;
  person: AppointedPerson;
  subject: string;
  startDate: string;
  endDate: string;
  hoursPerMonth: number;
  note?: string;
}

const viewerOf = (principal: Principal): AppointmentViewer => ({
  orgId: principal.membership?.orgId,
  orgType: principal.org?.type,
  verified: principal.org?.status === 'VERIFIED',
  cluster: principal.org?.cluster,
});

/** An appointment without its optimistic-lock version, with what the caller may do with it. */
export function viewOfAppointment(principal: Principal, { version: _version, ...appointment }: Appointment) {
  const orgId = principal.membership?.orgId;
  const owner = principal.membership?.role === 'OWNER' && principal.org?.status === 'VERIFIED';
  const counterpart = counterpartOf(appointment);
  const party = orgId === appointment.enterpriseOrgId || orgId === appointment.collegeOrgId;
  return {
    ...appointment,
    awaitingOrgId: appointment.status === 'PROPOSED' ? counterpart : undefined,
    canConfirm: owner && appointment.status === 'PROPOSED' && orgId === counterpart,
    canEnd: owner && appointment.status === 'ACTIVE' && party,
  };
}
export type AppointmentView = ReturnType<typeof viewOfAppointment>;

const DAY_MS = 86_400_000;

/**
 * An owner of a verified enterprise, college or studio proposes an
 * appointment with a verified organisation of the other side; it waits for
 * that organisation's confirmation. The person comes from the home side of
 * the kind (an engineer from the enterprise, a teacher from the college); a
 * member user named for them must belong to that organisation.
 */
export async function proposeAppointment(deps: ServiceDeps, principal: Principal, input: ProposeAppointmentInput): Promise<AppointmentView> {
  const acting = requireVerified(principal, ['ENTERPRISE', 'COLLEGE', 'STUDIO']);
  if (acting.membership.role !== 'OWNER') throw new ForbiddenError('NOT_ORG_OWNER', 'Only an owner of the organisation proposes appointments.');
  const side = appointmentSideOf(acting.org.type)!;
  const counterpart = await getOrganisationRecord(deps.db, input.counterpartOrgId);
  if (!counterpart || counterpart.org.status !== 'VERIFIED') {
    throw ValidationError.field('counterpartOrgId', 'No verified organisation has this id.', 'UNKNOWN_ORGANISATION');
  }
  const counterpartSide = appointmentSideOf(counterpart.org.type);
  if (!counterpartSide || counterpartSide === side) {
    throw ValidationError.field('counterpartOrgId', 'An appointment joins an enterprise and a college (or its studio).', 'WRONG_COUNTERPART');
  }
  const today = shanghaiDate(deps.clock());
  if (input.endDate < today) throw ValidationError.field('endDate', 'The period has already ended.', 'IN_THE_PAST');
  if ((Date.parse(input.endDate) - Date.parse(input.startDate)) / DAY_MS > MAX_APPOINTMENT_DAYS) {
    throw ValidationError.field('endDate', `An appointment lasts at most ${MAX_APPOINTMENT_DAYS} days; propose a new one after.`, 'PERIOD_TOO_LONG');
  }
  const enterpriseOrgId = side === 'ENTERPRISE' ? acting.org.id : counterpart.org.id;
  const collegeOrgId = side === 'COLLEGE' ? acting.org.id : counterpart.org.id;
  const homeOrgId = homeSideOf(input.kind) === 'ENTERPRISE' ? enterpriseOrgId : collegeOrgId;
  if (input.person.memberSub) {
    const home = homeOrgId === acting.org.id ? await getOrganisationRecord(deps.db, homeOrgId) : counterpart;
    if (!home?.members?.[input.person.memberSub]) {
      throw ValidationError.field('person.memberSub', 'The person must be a member of the organisation they come from.', 'NOT_A_MEMBER');
    }
  }
  const now = deps.clock().toISOString();
  const appointment: Appointment = {
    id: deps.ids('appointment'),
    kind: input.kind,
    status: 'PROPOSED',
    cluster: input.cluster,
    enterpriseOrgId,
    collegeOrgId,
    proposerOrgId: acting.org.id,
    proposedBy: principal.sub,
    person: input.person,
    subject: input.subject,
    startDate: input.startDate,
    endDate: input.endDate,
    hoursPerMonth: input.hoursPerMonth,
    note: input.note,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await applyChange(deps, principal, {
    writes: writeNewAppointment(deps.db, appointment),
    transitions: [{ entity: { type: 'appointment', id: appointment.id }, action: 'propose', after: 'PROPOSED', details: { kind: input.kind, cluster: input.cluster }, creates: true }],
    notify: [{ to: toOrg(counterpart.org.id), type: 'APPOINTMENT_PROPOSED', params: { name: input.person.name, subject: input.subject } }],
  });
  return viewOfAppointment(principal, appointment);
}

/** The appointment if the caller may see it; a 404 like a missing id otherwise. */
export async function getVisibleAppointment(deps: ServiceDeps, principal: Principal, appointmentId: string, consistent = false): Promise<Appointment> {
  const appointment = await getAppointment(deps.db, appointmentId, consistent);
  if (!appointment || !maySeeAppointment(viewerOf(principal), appointment)) throw new NotFoundError('Appointment', appointmentId);
  return appointment;
}

export async function readAppointment(deps: ServiceDeps, principal: Principal, appointmentId: string) {
  return viewOfAppointment(principal, await getVisibleAppointment(deps, principal, appointmentId));
}

const ACTIONS = {
  confirm: { notice: 'APPOINTMENT_CONFIRMED' },
  decline: { notice: 'APPOINTMENT_DECLINED' },
  end: { notice: 'APPOINTMENT_ENDED' },
} as const;
export type AppointmentAction = keyof typeof ACTIONS;

/**
 * The organisation awaited confirms or declines a proposal; an owner of
 * either party ends an active appointment early. One transaction writes the
 * appointment under its version, the counters it moves, the audit record and
 * the other party's notification.
 */
export async function actOnAppointment(
  deps: ServiceDeps,
  principal: Principal,
  appointmentId: string,
  action: AppointmentAction,
  input: { reason?: string } = {},
): Promise<AppointmentView> {
  const appointment = await getVisibleAppointment(deps, principal, appointmentId, true);
  const acting = requireMember(principal);
  const party = acting.org.id === appointment.enterpriseOrgId || acting.org.id === appointment.collegeOrgId;
  const mayAct = action === 'end' ? party : acting.org.id === counterpartOf(appointment);
  if (!mayAct) {
    throw new ForbiddenError('NOT_APPOINTMENT_PARTY', action === 'end' ? 'Only the two organisations end an appointment.' : 'Only the organisation asked confirms or declines.');
  }
  requireVerified(principal);
  if (acting.membership.role !== 'OWNER') throw new ForbiddenError('NOT_ORG_OWNER', 'Only an owner of the organisation can do this.');
  const status: AppointmentStatus = appointmentLifecycle.next(appointment.status, action);
  const now = deps.clock().toISOString();
  const next: Appointment = {
    ...appointment,
    status,
    ...(action === 'confirm' ? { confirmedBy: principal.sub, confirmedAt: now } : {}),
    ...(action === 'end' ? { endedAt: now } : {}),
    ...(input.reason ? { reason: input.reason } : {}),
    updatedAt: now,
    version: appointment.version + 1,
  };
  const other = acting.org.id === appointment.enterpriseOrgId ? appointment.collegeOrgId : appointment.enterpriseOrgId;
  await applyChange(deps, principal, {
    writes: writeAppointmentChange(deps.db, next, appointmentStatsDeltas(appointment, next), () =>
      new ConflictError('CONCURRENT_UPDATE', 'The appointment changed meanwhile; reload it.')),
    transitions: [
      { entity: { type: 'appointment', id: appointment.id }, action, before: appointment.status, after: status, details: input.reason ? { reason: input.reason } : undefined },
    ],
    notify: [{ to: toOrg(other), type: ACTIONS[action].notice, params: { name: appointment.person.name, subject: appointment.subject } }],
  });
  return viewOfAppointment(principal, next);
}

/** Associations and government bodies read a cluster's appointments (a government body with a cluster only its own). */
function clusterReader(principal: Principal, cluster: string | undefined): string {
  const viewer = viewerOf(principal);
  const asked = cluster ?? viewer.cluster;
  if (!viewer.verified || (viewer.orgType !== 'ASSOCIATION' && viewer.orgType !== 'GOVERNMENT')) {
    throw new ForbiddenError('NOT_CLUSTER_MEMBER', 'Only associations and government bodies read a cluster’s appointments.');
  }
  if (!asked) throw ValidationError.field('cluster', 'Name the cluster to list.', 'CLUSTER_REQUIRED');
  if (viewer.orgType === 'GOVERNMENT' && viewer.cluster !== undefined && asked !== viewer.cluster) {
    throw new ForbiddenError('NOT_CLUSTER_MEMBER', 'A government body reads the appointments of its own cluster.');
  }
  return asked;
}

/**
 * Appointments, newest first: an enterprise, college or studio gets its own
 * (both as proposer and as counterpart); associations and government bodies
 * get their cluster's.
 */
export async function listAppointments(deps: ServiceDeps, principal: Principal, query: { status?: AppointmentStatus; cluster?: string } & PageRequest) {
  const acting = requireMember(principal);
  const side = appointmentSideOf(acting.org.type);
  const page = { cursor: query.cursor, limit: query.limit };
  const result = side && !query.cluster
    ? await listAppointmentsOfOrg(deps.db, acting.org.id, side, { status: query.status }, page)
    : await listAppointmentsOfCluster(deps.db, clusterReader(principal, query.cluster), { status: query.status }, page);
  return { items: result.items.map((appointment) => viewOfAppointment(principal, appointment)), nextCursor: result.nextCursor };
}

/**
 * Talent figures (active appointments, their hours per month): of a cluster
 * for its associations and government bodies, or of the caller's organisation.
 * One BatchGet of the scope's counter shards, whatever the number of appointments.
 */
export async function appointmentStatistics(deps: ServiceDeps, principal: Principal, query: { cluster?: string } = {}) {
  const acting = requireMember(principal);
  const scope = query.cluster ? clusterReader(principal, query.cluster) : orgStatsScope(acting.org.id);
  const figures = appointmentFigures(await readClusterCounters(deps.db, scope, TOTAL_BUCKET));
  return query.cluster ? { cluster: query.cluster, ...figures } : { orgId: acting.org.id, ...figures };
}

/**
 * The scheduled job: ACTIVE appointments whose period is over (a range Query
 * on a sparse index only ACTIVE appointments carry) become ENDED, each in one
 * transaction under its version with its counters, audit record and both
 * parties' notifications; a rerun or an overlapping run ends nothing twice.
 */
export async function endAppointmentsPastTheirPeriod(deps: ServiceDeps, { pageSize = 100 }: { pageSize?: number } = {}) {
  let ended = 0;
  const failures: { id: string; error: string }[] = [];
  const now = deps.clock();
  let cursor: string | undefined;
  do {
    const page = await listAppointmentsEndedBy(deps.db, now, { cursor, limit: pageSize });
    for (const appointment of page.items) {
      try {
        const next: Appointment = { ...appointment, status: appointmentLifecycle.next(appointment.status, 'expire'), endedAt: now.toISOString(), updatedAt: now.toISOString(), version: appointment.version + 1 };
        await applyChange(deps, SCHEDULER, {
          writes: writeAppointmentChange(deps.db, next, appointmentStatsDeltas(appointment, next)),
          transitions: [{ entity: { type: 'appointment', id: appointment.id }, action: 'expire', before: appointment.status, after: next.status, details: { endDate: appointment.endDate } }],
          notify: [appointment.enterpriseOrgId, appointment.collegeOrgId].map((orgId) => ({
            to: toOrg(orgId), type: 'APPOINTMENT_ENDED', params: { name: appointment.person.name, subject: appointment.subject },
          })),
        });
        ended += 1;
      } catch (error) {
        // A failed version condition: a party ended it meanwhile, or another run did.
        if (!(error instanceof ConflictError)) failures.push({ id: appointment.id, error: (error as Error).message });
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { ended, failures };
}
