import { z } from 'zod';
import type { Organisation, OrgType } from './organisation.js';
import { ValidationError } from './errors.js';

// ── People: an organisation's roster ─────────────────────────────────────────
//
// Colleges and teacher studios keep their teachers and students, enterprises
// their engineers. A person may be linked to the member (`memberSub`) who
// signs in as them: that is how a teacher or an enterprise mentor signs off
// participation. Names, a student's programme (专业) and year are personal
// data: only the roster's organisation (and, for a studio, its college), and
// on a contract only its parties and the college, see them.

export const PERSON_KINDS = ['TEACHER', 'STUDENT', 'ENGINEER'] as const;
export type PersonKind = (typeof PERSON_KINDS)[number];

export const personSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  kind: z.enum(PERSON_KINDS),
  name: z.string(),
  /** Students: their programme (专业) and the year they entered (or class year). */
  programme: z.string().optional(),
  year: z.number().int().optional(),
  /** Teachers and engineers: a title (讲师, 高级工程师…). */
  title: z.string().optional(),
  /** The member who signs in as this person, if any. */
  memberSub: z.string().optional(),
  /** Student project records issued to this person so far (absent: none). */
  recordsIssued: z.number().int().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Person = z.infer<typeof personSchema>;

/** Which organisation types keep which kinds of people. */
export const ROSTER_KINDS: Record<OrgType, readonly PersonKind[]> = {
  COLLEGE: ['TEACHER', 'STUDENT'],
  STUDIO: ['TEACHER', 'STUDENT', 'ENGINEER'],
  ENTERPRISE: ['ENGINEER'],
  ASSOCIATION: [],
  GOVERNMENT: [],
};

/** At most this many people per roster page; a bid's team names at most this many people. */
export const MAX_TEAM_PEOPLE = 60;

/**
 * Who reads an organisation's roster: its members; for a studio also its
 * (accepted) college; for a college also its (accepted) studios, which pick
 * their teams from it. Associations, other organisations and anonymous callers do not.
 */
export function mayReadRoster(viewerOrg: Pick<Organisation, 'id' | 'type' | 'collegeId' | 'affiliation'> | undefined, roster: Pick<Organisation, 'id' | 'type' | 'collegeId' | 'affiliation'>): boolean {
  if (!viewerOrg) return false;
  if (viewerOrg.id === roster.id) return true;
  if (roster.type === 'STUDIO' && roster.affiliation === 'ACCEPTED' && roster.collegeId === viewerOrg.id) return true;
  return viewerOrg.type === 'STUDIO' && viewerOrg.affiliation === 'ACCEPTED' && viewerOrg.collegeId === roster.id;
}

/** Issues of a person against its roster's organisation type (kind allowed, students need programme and year). */
export function assertPersonFits(orgType: OrgType, person: Pick<Person, 'kind' | 'programme' | 'year'>): void {
  const issues: { path: string; message: string; code: string }[] = [];
  if (!ROSTER_KINDS[orgType].includes(person.kind)) {
    issues.push({ path: 'kind', message: `A ${orgType} roster keeps ${ROSTER_KINDS[orgType].join(', ') || 'nobody'}.`, code: 'KIND_NOT_IN_ROSTER' });
  }
  if (person.kind === 'STUDENT' && !person.programme) issues.push({ path: 'programme', message: 'A student needs a programme (专业).', code: 'PROGRAMME_REQUIRED' });
  if (person.kind === 'STUDENT' && person.year === undefined) issues.push({ path: 'year', message: 'A student needs a year.', code: 'YEAR_REQUIRED' });
  if (person.kind !== 'STUDENT' && (person.programme !== undefined || person.year !== undefined)) {
    issues.push({ path: person.programme !== undefined ? 'programme' : 'year', message: 'Only students have a programme and year.', code: 'NOT_A_STUDENT' });
  }
  if (issues.length > 0) throw new ValidationError('The person does not fit this roster.', issues);
}

// ── Teams that name roster people ────────────────────────────────────────────

/** A roster person named on a team: a copy of what the team needs, so the team stays readable if the roster changes. */
export const teamPersonSchema = z.object({
  personId: z.string(),
  orgId: z.string(),
  kind: z.enum(PERSON_KINDS),
  name: z.string(),
  programme: z.string().optional(),
  year: z.number().int().optional(),
  memberSub: z.string().optional(),
});
export type TeamPerson = z.infer<typeof teamPersonSchema>;

export const teamPersonOf = (person: Person): TeamPerson => ({
  personId: person.id,
  orgId: person.orgId,
  kind: person.kind,
  name: person.name,
  ...(person.programme !== undefined ? { programme: person.programme } : {}),
  ...(person.year !== undefined ? { year: person.year } : {}),
  ...(person.memberSub ? { memberSub: person.memberSub } : {}),
});


type TeamLike = { teachers: string[]; students: string[]; mentors: string[]; people?: TeamPerson[]; redacted?: true };

/** A team without personal data: head counts stay (names become "—"), the roster people go. */
export const redactTeam = <T extends TeamLike>(team: T): T => ({
  ...team,
  teachers: team.teachers.map(() => '—'),
  students: team.students.map(() => '—'),
  mentors: team.mentors.map(() => '—'),
  people: undefined,
  redacted: true,
});

/**
 * A bid or contract as a viewer may see it: the parties (and the college,
 * itself a party) see its team's personal data; anyone else (associations
 * moderating) sees head counts only, and no enterprise mentor.
 */
export function withPersonalDataFor<T extends { team?: TeamLike; enterpriseMentor?: TeamPerson }>(viewerOrgId: string | undefined, parties: readonly (string | undefined)[], value: T): T {
  if (viewerOrgId !== undefined && parties.includes(viewerOrgId)) return value;
  const { enterpriseMentor: _mentor, ...rest } = value;
  return { ...rest, ...(value.team ? { team: redactTeam(value.team) } : {}) } as T;
}
