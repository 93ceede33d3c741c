import { z } from 'zod';
import type { OrgType } from './organisation.js';
import { TOTAL_BUCKET, monthBucket, type StatsDelta } from './stats.js';
import { defineStateMachine } from './state-machine.js';
import { endOfShanghaiDay } from './due-dates.js';

/**
 * Talent mutual employment (人才互聘): an enterprise engineer appointed as an
 * industry teacher (产业教师) or mentor at a college, or a college teacher
 * seconded to an enterprise (教师企业实践). Either organisation's owner
 * proposes; the other organisation confirms or declines (the proposer's
 * confirmation is implicit); either party may end an active appointment early.
 */
export const APPOINTMENT_KINDS = ['INDUSTRY_TEACHER', 'MENTOR', 'TEACHER_SECONDMENT'] as const;
export type AppointmentKind = (typeof APPOINTMENT_KINDS)[number];

export const APPOINTMENT_STATUSES = ['PROPOSED', 'ACTIVE', 'DECLINED', 'ENDED'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export const appointmentLifecycle = defineStateMachine<AppointmentStatus, 'confirm' | 'decline' | 'end' | 'expire'>('appointment', {
  confirm: { from: ['PROPOSED'], to: 'ACTIVE' },
  decline: { from: ['PROPOSED'], to: 'DECLINED' },
  end: { from: ['ACTIVE'], to: 'ENDED' },
  /** The scheduled job: the period's last day (Asia/Shanghai) is over. */
  expire: { from: ['ACTIVE'], to: 'ENDED' },
});

/** When an appointment's period is over: the end of its last day in Asia/Shanghai (`endDate` is inclusive). */
export const appointmentEndsAt = (appointment: Pick<Appointment, 'endDate'>) => endOfShanghaiDay(appointment.endDate).toISOString();

/** Organisation types on the college side of an appointment (a teacher studio belongs to a college). */
export const COLLEGE_SIDE_TYPES: readonly OrgType[] = ['COLLEGE', 'STUDIO'];
export const ENTERPRISE_SIDE_TYPES: readonly OrgType[] = ['ENTERPRISE'];

/** Which side an organisation type stands on, if any. */
export const appointmentSideOf = (type: OrgType): 'ENTERPRISE' | 'COLLEGE' | undefined =>
  ENTERPRISE_SIDE_TYPES.includes(type) ? 'ENTERPRISE' : COLLEGE_SIDE_TYPES.includes(type) ? 'COLLEGE' : undefined;

/** The side the appointed person comes from: engineers from the enterprise, teachers from the college. */
export const homeSideOf = (kind: AppointmentKind): 'ENTERPRISE' | 'COLLEGE' => (kind === 'TEACHER_SECONDMENT' ? 'COLLEGE' : 'ENTERPRISE');

/**
 * The appointed person. Today a name, a role and optionally the member user
 * who signs in; a roster person id (issue 14, part 1) can be added beside them.
 */
export const appointedPersonSchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  memberSub: z.string().optional(),
});
export type AppointedPerson = z.infer<typeof appointedPersonSchema>;

export const appointmentSchema = z.object({
  id: z.string(),
  kind: z.enum(APPOINTMENT_KINDS),
  status: z.enum(APPOINTMENT_STATUSES),
  cluster: z.string(),
  enterpriseOrgId: z.string(),
  collegeOrgId: z.string(),
  proposerOrgId: z.string(),
  proposedBy: z.string(),
  person: appointedPersonSchema,
  subject: z.string(),
  /** Calendar dates in Asia/Shanghai, `yyyy-mm-dd`, both inclusive. */
  startDate: z.string(),
  endDate: z.string(),
  hoursPerMonth: z.number().int(),
  note: z.string().optional(),
  confirmedBy: z.string().optional(),
  confirmedAt: z.string().optional(),
  reason: z.string().optional(),
  endedAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Appointment = z.infer<typeof appointmentSchema>;

/** The organisation that must confirm: the party that did not propose. */
export const counterpartOf = (appointment: Pick<Appointment, 'enterpriseOrgId' | 'collegeOrgId' | 'proposerOrgId'>) =>
  appointment.proposerOrgId === appointment.enterpriseOrgId ? appointment.collegeOrgId : appointment.enterpriseOrgId;

export interface AppointmentViewer {
  orgId?: string;
  orgType?: OrgType;
  verified: boolean;
  /** The viewer organisation's cluster (associations and government bodies see their cluster's appointments). */
  cluster?: string;
}

/**
 * Who sees an appointment: both party organisations, every verified
 * association (they moderate the consortium), and verified government bodies
 * of its cluster — or of the whole city, when a government body names no cluster.
 */
export function maySeeAppointment(viewer: AppointmentViewer, appointment: Pick<Appointment, 'enterpriseOrgId' | 'collegeOrgId' | 'cluster'>): boolean {
  if (viewer.orgId && (viewer.orgId === appointment.enterpriseOrgId || viewer.orgId === appointment.collegeOrgId)) return true;
  if (!viewer.verified) return false;
  if (viewer.orgType === 'ASSOCIATION') return true;
  return viewer.orgType === 'GOVERNMENT' && (viewer.cluster === undefined || viewer.cluster === appointment.cluster);
}

/** Counter names of talent mutual employment (cluster and organisation scopes). */
export const appointmentCounter = {
  /** Total: appointments now ACTIVE. Month: appointments confirmed that month. */
  active: 'appointments#ACTIVE',
  confirmed: 'appointments>ACTIVE',
  /** Total: hours per month of the ACTIVE appointments. */
  hoursPerMonth: 'appointmentHours',
} as const;

/** The statistics scope of an organisation (cluster slugs never contain `~`, so scopes never meet clusters). */
export const orgStatsScope = (orgId: string) => `org~${orgId}`;

/**
 * What an appointment change does to the counters: entering ACTIVE adds it
 * (and its hours) to its cluster and both organisations; leaving ACTIVE takes
 * it off again. The month of confirmation counts confirmations.
 */
export function appointmentStatsDeltas(previous: Appointment | undefined, next: Appointment): StatsDelta[] {
  const wasActive = previous?.status === 'ACTIVE';
  const isActive = next.status === 'ACTIVE';
  if (wasActive === isActive) return [];
  const sign = isActive ? 1 : -1;
  const scopes = [next.cluster, orgStatsScope(next.enterpriseOrgId), orgStatsScope(next.collegeOrgId)];
  const deltas: StatsDelta[] = scopes.map((cluster) => ({
    cluster,
    bucket: TOTAL_BUCKET,
    subjectId: next.id,
    add: { [appointmentCounter.active]: sign, [appointmentCounter.hoursPerMonth]: sign * next.hoursPerMonth },
  }));
  if (isActive && next.confirmedAt) {
    for (const cluster of scopes) deltas.push({ cluster, bucket: monthBucket(next.confirmedAt), subjectId: next.id, add: { [appointmentCounter.confirmed]: 1 } });
  }
  return deltas;
}

/** Talent figures of a scope from its counters. */
export const appointmentFigures = (counters: Record<string, number>) => ({
  active: counters[appointmentCounter.active] ?? 0,
  hoursPerMonth: counters[appointmentCounter.hoursPerMonth] ?? 0,
});


/** An appointment period lasts at most this many days (three academic years). */
export const MAX_APPOINTMENT_DAYS = 3 * 366;
