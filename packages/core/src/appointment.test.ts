import { describe, expect, it } from 'vitest';
import {
  appointmentLifecycle, appointmentSideOf, appointmentStatsDeltas, counterpartOf, homeSideOf, maySeeAppointment, orgStatsScope, type Appointment,
} from './appointment.js';
import { isCalendarDate, shanghaiDate } from './due-dates.js';
import { sumCounters } from './stats.js';

const proposed: Appointment = {
  id: 'apt_01JD0000000000000000000001',
  kind: 'INDUSTRY_TEACHER',
  status: 'PROPOSED',
  cluster: 'smart-manufacturing',
  enterpriseOrgId: 'org_ent',
  collegeOrgId: 'org_col',
  proposerOrgId: 'org_ent',
  proposedBy: 'boss',
  person: { name: '赵工' },
  subject: '工业机器视觉课程',
  startDate: '2026-03-09',
  endDate: '2026-07-10',
  hoursPerMonth: 16,
  createdAt: '2026-03-02T02:00:00.000Z',
  updatedAt: '2026-03-02T02:00:00.000Z',
  version: 1,
};
const active: Appointment = { ...proposed, status: 'ACTIVE', confirmedAt: '2026-03-31T17:00:00.000Z', version: 2 };

describe('the appointment lifecycle', () => {
  it('confirms or declines a proposal, ends an active appointment, and nothing else', () => {
    expect(appointmentLifecycle.next('PROPOSED', 'confirm')).toBe('ACTIVE');
    expect(appointmentLifecycle.next('PROPOSED', 'decline')).toBe('DECLINED');
    expect(appointmentLifecycle.next('ACTIVE', 'end')).toBe('ENDED');
    for (const status of ['ACTIVE', 'DECLINED', 'ENDED'] as const) expect(() => appointmentLifecycle.next(status, 'confirm')).toThrow(/Cannot confirm/);
    for (const status of ['PROPOSED', 'DECLINED', 'ENDED'] as const) expect(appointmentLifecycle.can(status, 'end')).toBe(false);
  });

  it('awaits the organisation that did not propose', () => {
    expect(counterpartOf(proposed)).toBe('org_col');
    expect(counterpartOf({ ...proposed, proposerOrgId: 'org_col' })).toBe('org_ent');
  });

  it('puts enterprises on one side, colleges and studios on the other; the person comes from the kind’s home side', () => {
    expect(appointmentSideOf('ENTERPRISE')).toBe('ENTERPRISE');
    expect(appointmentSideOf('STUDIO')).toBe('COLLEGE');
    expect(appointmentSideOf('COLLEGE')).toBe('COLLEGE');
    expect(appointmentSideOf('GOVERNMENT')).toBeUndefined();
    expect(homeSideOf('MENTOR')).toBe('ENTERPRISE');
    expect(homeSideOf('TEACHER_SECONDMENT')).toBe('COLLEGE');
  });
});

describe('who sees an appointment', () => {
  const verified = { verified: true };
  it('its two organisations, associations, and government bodies of its cluster or of the whole city only', () => {
    expect(maySeeAppointment({ ...verified, orgId: 'org_ent', orgType: 'ENTERPRISE' }, proposed)).toBe(true);
    expect(maySeeAppointment({ verified: false, orgId: 'org_col', orgType: 'COLLEGE' }, proposed)).toBe(true);
    expect(maySeeAppointment({ ...verified, orgId: 'org_a', orgType: 'ASSOCIATION' }, proposed)).toBe(true);
    expect(maySeeAppointment({ ...verified, orgId: 'org_g', orgType: 'GOVERNMENT', cluster: 'smart-manufacturing' }, proposed)).toBe(true);
    expect(maySeeAppointment({ ...verified, orgId: 'org_g', orgType: 'GOVERNMENT', cluster: 'new-energy-vehicles' }, proposed)).toBe(false);
    expect(maySeeAppointment({ ...verified, orgId: 'org_city', orgType: 'GOVERNMENT' }, proposed)).toBe(true); // a city-wide body
    expect(maySeeAppointment({ verified: false, orgId: 'org_a', orgType: 'ASSOCIATION' }, proposed)).toBe(false);
    expect(maySeeAppointment({ ...verified, orgId: 'org_other', orgType: 'ENTERPRISE' }, proposed)).toBe(false);
    expect(maySeeAppointment({ verified: false }, proposed)).toBe(false);
  });
});

describe('appointment counters', () => {
  it('count an appointment and its hours while ACTIVE, in its cluster and both organisations; confirmations by Shanghai-agnostic UTC month', () => {
    const confirmed = appointmentStatsDeltas(proposed, active);
    const scopes = ['smart-manufacturing', orgStatsScope('org_ent'), orgStatsScope('org_col')];
    expect(confirmed.filter((delta) => delta.bucket === '#TOTAL').map((delta) => [delta.cluster, delta.add])).toEqual(
      scopes.map((scope) => [scope, { 'appointments#ACTIVE': 1, appointmentHours: 16 }]),
    );
    expect(confirmed.filter((delta) => delta.bucket === 'MONTH#2026-03')).toHaveLength(3);
    const ended = appointmentStatsDeltas(active, { ...active, status: 'ENDED', version: 3 });
    expect(ended.every((delta) => delta.bucket === '#TOTAL')).toBe(true);
    expect(sumCounters(...[...confirmed, ...ended].filter((delta) => delta.bucket === '#TOTAL').map((delta) => delta.add))).toEqual({});
    expect(appointmentStatsDeltas(undefined, proposed)).toEqual([]);
    expect(appointmentStatsDeltas(proposed, { ...proposed, status: 'DECLINED' })).toEqual([]);
  });
});

describe('dates', () => {
  it('accepts real calendar dates only', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    for (const date of ['2026-02-29', '2026-13-01', '2026-1-01', '20260101', '']) expect(isCalendarDate(date), date).toBe(false);
  });
  it('reads the date in Asia/Shanghai', () => {
    expect(shanghaiDate(new Date('2026-03-01T15:59:59Z'))).toBe('2026-03-01');
    expect(shanghaiDate(new Date('2026-03-01T16:00:00Z'))).toBe('2026-03-02');
  });
});
