import { describe, expect, it } from 'vitest';
import {
  buildStudentRecord, teamFromPeople, educationCounter, collegeEducationScope, programmeBreakdown, recordIssuedDeltas, signOffDeltas, signOffSideOf, type Participation,
} from './education.js';
import { assertPersonFits, mayReadRoster, redactTeam, withPersonalDataFor, type Person, type TeamPerson } from './person.js';
import { ValidationError } from './errors.js';

const person = (id: string, orgId: string, kind: Person['kind'], extra: Partial<Person> = {}): Person => ({
  id, orgId, kind, name: id, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', version: 1, ...extra,
});
const issues = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return ((error as ValidationError).details as { issues: { path: string }[] }).issues.map((issue) => issue.path);
  }
  return [];
};

describe('rosters', () => {
  it('keep the kinds of people an organisation type has; students need programme and year', () => {
    expect(issues(() => assertPersonFits('ENTERPRISE', { kind: 'STUDENT', programme: 'x', year: 2024 }))).toEqual(['kind']);
    expect(issues(() => assertPersonFits('COLLEGE', { kind: 'STUDENT' }))).toEqual(['programme', 'year']);
    expect(issues(() => assertPersonFits('STUDIO', { kind: 'TEACHER', year: 2020 }))).toEqual(['year']);
    expect(issues(() => assertPersonFits('STUDIO', { kind: 'STUDENT', programme: '机电', year: 2024 }))).toEqual([]);
  });

  it('are read by members, a studio’s accepted college and a college’s accepted studios only', () => {
    const college = { id: 'c', type: 'COLLEGE' as const };
    const studio = { id: 's', type: 'STUDIO' as const, collegeId: 'c', affiliation: 'ACCEPTED' as const };
    const pending = { id: 'p', type: 'STUDIO' as const, collegeId: 'c', affiliation: 'PENDING' as const };
    expect(mayReadRoster(studio, studio)).toBe(true);
    expect(mayReadRoster(college, studio)).toBe(true);
    expect(mayReadRoster(studio, college)).toBe(true);
    expect(mayReadRoster(pending, college)).toBe(false);
    expect(mayReadRoster(college, pending)).toBe(false);
    expect(mayReadRoster({ id: 'e', type: 'ENTERPRISE' }, studio)).toBe(false);
    expect(mayReadRoster(undefined, studio)).toBe(false);
  });
});

describe('teams of roster people', () => {
  const roster = [person('t', 's', 'TEACHER'), person('a', 's', 'STUDENT', { programme: '机电', year: 2024 }), person('b', 'c', 'STUDENT', { programme: '机器人', year: 2023 }), person('x', 'other', 'TEACHER')];
  it('derive the name lists and need a teacher of the allowed rosters, each once', () => {
    const team = teamFromPeople(['t', 'a', 'b'], roster, ['s', 'c']);
    expect(team).toMatchObject({ teachers: ['t'], students: ['a', 'b'], mentors: [] });
    expect(team.people.map((p) => p.programme)).toEqual([undefined, '机电', '机器人']);
    expect(issues(() => teamFromPeople(['a'], roster, ['s', 'c']))).toEqual(['team.personIds']);
    expect(issues(() => teamFromPeople(['t', 'x', 'missing', 't'], roster, ['s', 'c']))).toEqual(['team.personIds.1', 'team.personIds.2', 'team.personIds.3']);
  });

  it('hide personal data from anyone but the parties', () => {
    const team = teamFromPeople(['t', 'a'], roster, ['s']);
    const contract = { team, enterpriseMentor: { personId: 'm', orgId: 'e', kind: 'ENGINEER' as const, name: '赵工' } };
    expect(withPersonalDataFor('s', ['e', 's'], contract)).toBe(contract);
    expect(withPersonalDataFor('assoc', ['e', 's'], contract)).toEqual({ team: { teachers: ['—'], students: ['—'], mentors: [], people: undefined, redacted: true } });
    expect(withPersonalDataFor(undefined, ['e', 's'], contract).enterpriseMentor).toBeUndefined();
    expect(redactTeam({ teachers: ['a'], students: [], mentors: ['b'] })).toEqual({ teachers: ['—'], students: [], mentors: ['—'], people: undefined, redacted: true });
  });
});

describe('sign-off sides', () => {
  const teacher: TeamPerson = { personId: 't', orgId: 's', kind: 'TEACHER', name: '王老师', memberSub: 'teacher-sub' };
  const contract = { studioOrgId: 's', enterpriseOrgId: 'e', team: { people: [teacher] }, enterpriseMentor: { personId: 'm', orgId: 'e', kind: 'ENGINEER' as const, name: '赵工', memberSub: 'mentor-sub' } };
  it('are the linked teacher and mentor; owners only when nobody is linked', () => {
    expect(signOffSideOf({ sub: 'teacher-sub', orgId: 's' }, contract)).toBe('TEACHER');
    expect(signOffSideOf({ sub: 'owner', orgId: 's', role: 'OWNER' }, contract)).toBeUndefined();
    expect(signOffSideOf({ sub: 'mentor-sub', orgId: 'e' }, contract)).toBe('MENTOR');
    expect(signOffSideOf({ sub: 'owner', orgId: 'e', role: 'OWNER' }, contract)).toBeUndefined();
    const unlinked = { studioOrgId: 's', enterpriseOrgId: 'e' };
    expect(signOffSideOf({ sub: 'owner', orgId: 's', role: 'OWNER' }, unlinked)).toBe('TEACHER');
    expect(signOffSideOf({ sub: 'owner', orgId: 'e', role: 'OWNER' }, unlinked)).toBe('MENTOR');
    expect(signOffSideOf({ sub: 'member', orgId: 'e', role: 'MEMBER' }, unlinked)).toBeUndefined();
    expect(signOffSideOf({ sub: 'teacher-sub', orgId: 'c' }, contract)).toBeUndefined();
  });
});

describe('education counters and records', () => {
  const signature = { sub: 'x', orgId: 'o', at: '2026-03-05T00:00:00.000Z' };
  const entry = (personId: string, n: number, hours: number, programme?: string, signed = true): Participation => ({
    contractId: 'ctr', n, personId, name: personId, ...(programme ? { programme } : {}), hours, tasks: ['t'], loggedBy: 'x',
    ...(signed ? { teacherSignOff: signature, mentorSignOff: signature } : { teacherSignOff: signature }),
    createdAt: signature.at, updatedAt: signature.at, version: 2,
  });

  it('count signed-off entries and hours in the cluster (total and month) and per programme for the college', () => {
    const deltas = signOffDeltas({ id: 'ctr', cluster: 'smart', collegeOrgId: 'col' }, [entry('a', 1, 10, '机电'), entry('b', 1, 6, '机电'), entry('c', 1, 4)], '2026-03-05T00:00:00.000Z');
    expect(deltas).toEqual([
      { cluster: 'smart', bucket: '#TOTAL', subjectId: 'ctr', add: { [educationCounter.signedOff]: 3, [educationCounter.hours]: 20 } },
      { cluster: 'smart', bucket: 'MONTH#2026-03', subjectId: 'ctr', add: { [educationCounter.signedOff]: 3, [educationCounter.hours]: 20 } },
      { cluster: collegeEducationScope('col'), bucket: '#TOTAL', subjectId: 'ctr', add: { 'studentHours#机电': 16, 'studentHours#—': 4 } },
    ]);
    expect(signOffDeltas({ id: 'ctr' }, [], signature.at)).toEqual([]);
  });

  it('build a record from a student’s signed-off entries only, and count students and projects once', () => {
    const contract = { id: 'ctr', title: '焊缝检测', cluster: 'smart', enterpriseOrgId: 'e', studioOrgId: 's', collegeOrgId: 'col', team: { teachers: ['王老师'] } };
    const student: TeamPerson = { personId: 'a', orgId: 's', kind: 'STUDENT', name: '李明', programme: '机电', year: 2024 };
    const entries = [entry('a', 2, 8, '机电'), entry('a', 1, 10, '机电'), entry('a', 3, 5, '机电', false), entry('b', 1, 7, '机电')];
    const record = buildStudentRecord({ id: 'rec', contract, milestoneTitles: { 1: '样机', 2: '验收' }, at: signature.at }, student, entries)!;
    expect(record).toMatchObject({ hours: 18, teachers: ['王老师'], programme: '机电', milestones: [{ n: 1, title: '样机', hours: 10 }, { n: 2, title: '验收', hours: 8 }] });
    expect(buildStudentRecord({ id: 'rec', contract, milestoneTitles: {}, at: signature.at }, { ...student, personId: 'z' }, entries)).toBeUndefined();
    expect(recordIssuedDeltas(record, true, true).at(-1)).toEqual({ cluster: 'edu~col', bucket: '#TOTAL', subjectId: 'ctr', add: { 'students#机电': 1, 'projects#机电': 1 } });
    expect(recordIssuedDeltas(record, false, false)).toHaveLength(2);
    expect(programmeBreakdown({ 'students#机电': 2, 'studentHours#机电': 30, 'projects#机电': 1, 'studentHours#机器人': 40, 'other': 3 })).toEqual([
      { programme: '机器人', students: 0, hours: 40, projects: 0 },
      { programme: '机电', students: 2, hours: 30, projects: 1 },
    ]);
  });
});
