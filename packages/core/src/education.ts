import { z } from 'zod';
import { teamPersonOf, type Person, type PersonKind, type TeamPerson } from './person.js';
import { ValidationError } from './errors.js';
import { TOTAL_BUCKET, monthBucket, type StatsDelta } from './stats.js';

/**
 * The team of a bid from roster people: every id found on the studio's or
 * its college's roster, at least one teacher. The name lists (teachers,
 * students, mentors — the shape older bids have) are derived from them.
 */
export function teamFromPeople(personIds: readonly string[], found: readonly Person[], allowedOrgIds: readonly string[]) {
  const issues: { path: string; message: string; code: string }[] = [];
  const byId = new Map(found.map((person) => [person.id, person]));
  const people: TeamPerson[] = [];
  personIds.forEach((id, index) => {
    const person = byId.get(id);
    if (!person || !allowedOrgIds.includes(person.orgId)) {
      issues.push({ path: `team.personIds.${index}`, message: 'Not a person of your studio’s or its college’s roster.', code: 'PERSON_NOT_IN_ROSTER' });
    } else if (people.some((named) => named.personId === id)) {
      issues.push({ path: `team.personIds.${index}`, message: 'This person is named twice.', code: 'PERSON_TWICE' });
    } else people.push(teamPersonOf(person));
  });
  if (issues.length === 0 && !people.some((person) => person.kind === 'TEACHER')) {
    issues.push({ path: 'team.personIds', message: 'A team names at least one teacher.', code: 'TEACHER_REQUIRED' });
  }
  if (issues.length > 0) throw new ValidationError('The team is not valid.', issues);
  const names = (kind: PersonKind) => people.filter((person) => person.kind === kind).map((person) => person.name);
  return { teachers: names('TEACHER'), students: names('STUDENT'), mentors: names('ENGINEER'), people };
}

// ── Participation and sign-off ──────────────────────────────────────────────

export const SIGN_OFF_SIDES = ['TEACHER', 'MENTOR'] as const;
export type SignOffSide = (typeof SIGN_OFF_SIDES)[number];

export const signOffSchema = z.object({ sub: z.string(), orgId: z.string(), name: z.string().optional(), at: z.string() });
export type SignOff = z.infer<typeof signOffSchema>;

/** One student's participation in one milestone: logged by the studio, then signed off by the teacher and the enterprise mentor. */
export const participationSchema = z.object({
  contractId: z.string(),
  n: z.number().int(),
  personId: z.string(),
  name: z.string(),
  programme: z.string().optional(),
  year: z.number().int().optional(),
  hours: z.number().int(),
  role: z.string().optional(),
  tasks: z.array(z.string()),
  loggedBy: z.string(),
  teacherSignOff: signOffSchema.optional(),
  mentorSignOff: signOffSchema.optional(),
  signedOffAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Participation = z.infer<typeof participationSchema>;

export const isSignedOff = (entry: Pick<Participation, 'teacherSignOff' | 'mentorSignOff'>) => Boolean(entry.teacherSignOff && entry.mentorSignOff);
/** An entry anyone has signed is fixed: the other signer signs what the first signed. */
export const isLocked = (entry: Pick<Participation, 'teacherSignOff' | 'mentorSignOff'>) => Boolean(entry.teacherSignOff || entry.mentorSignOff);

/** A sign-off signs at most this many entries (its transaction: the entries, counters, audit, notifications). */
export const MAX_SIGN_OFFS_PER_CALL = 25;

/**
 * Which side a caller signs for on a contract:
 * - TEACHER: a member of the studio linked (`memberSub`) to a teacher of the team; when no teacher of the
 *   team is linked to a member (older, free-text teams), an OWNER of the studio.
 * - MENTOR: a member of the enterprise linked to the enterprise mentor named at award; when none is named
 *   or the mentor is not linked to a member, an OWNER of the enterprise.
 */
export function signOffSideOf(
  caller: { sub: string; orgId?: string; role?: string },
  contract: { studioOrgId: string; enterpriseOrgId: string; team?: { people?: TeamPerson[] }; enterpriseMentor?: TeamPerson },
): SignOffSide | undefined {
  if (caller.orgId === contract.studioOrgId) {
    const linked = (contract.team?.people ?? []).filter((person) => person.kind === 'TEACHER' && person.memberSub);
    if (linked.some((person) => person.memberSub === caller.sub)) return 'TEACHER';
    return linked.length === 0 && caller.role === 'OWNER' ? 'TEACHER' : undefined;
  }
  if (caller.orgId === contract.enterpriseOrgId) {
    const mentor = contract.enterpriseMentor?.memberSub;
    if (mentor) return mentor === caller.sub ? 'MENTOR' : undefined;
    return caller.role === 'OWNER' ? 'MENTOR' : undefined;
  }
  return undefined;
}

// ── Student records and statistics ──────────────────────────────────────────

export const studentRecordSchema = z.object({
  id: z.string(),
  contractId: z.string(),
  title: z.string(),
  cluster: z.string().optional(),
  personId: z.string(),
  personOrgId: z.string(),
  name: z.string(),
  programme: z.string().optional(),
  year: z.number().int().optional(),
  enterpriseOrgId: z.string(),
  studioOrgId: z.string(),
  collegeOrgId: z.string().optional(),
  hours: z.number().int(),
  milestones: z.array(
    z.object({ n: z.number().int(), title: z.string(), hours: z.number().int(), role: z.string().optional(), tasks: z.array(z.string()), teacherSignOff: signOffSchema, mentorSignOff: signOffSchema }),
  ),
  teachers: z.array(z.string()),
  mentor: z.string().optional(),
  issuedAt: z.string(),
});
export type StudentRecord = z.infer<typeof studentRecordSchema>;

/** Who reads a student record: the contract's parties, the college, and the student (a member linked to them). */
export const maySeeStudentRecord = (viewer: { orgId?: string; sub: string }, record: StudentRecord, memberSub?: string) =>
  (viewer.orgId !== undefined && [record.enterpriseOrgId, record.studioOrgId, record.collegeOrgId, record.personOrgId].includes(viewer.orgId)) ||
  (memberSub !== undefined && memberSub === viewer.sub);

/** Counter names of education outcomes (cluster scope; the shared names of the council's dashboard). */
export const educationCounter = {
  /** Participation entries fully signed off (both sides). */
  signedOff: 'participation>SIGNED_OFF',
  /** Hours in them. */
  hours: 'studentHours>SIGNED_OFF',
  /** Student project records issued at completion. */
  recordsIssued: 'studentRecords>ISSUED',
  /** Per programme (college scope, #TOTAL): distinct students with a record, signed-off hours, projects. */
  programmeStudents: (programme: string) => `students#${programme}`,
  programmeHours: (programme: string) => `studentHours#${programme}`,
  programmeProjects: (programme: string) => `projects#${programme}`,
} as const;

/** The statistics scope of a college's education outcomes (per programme). */
export const collegeEducationScope = (collegeOrgId: string) => `edu~${collegeOrgId}`;

export const NO_PROGRAMME = '—';
const programmeOf = (entry: { programme?: string }) => entry.programme || NO_PROGRAMME;

/** Entries that became fully signed off in one sign-off: cluster counters (total and month) and the college's per programme. */
export function signOffDeltas(contract: { id: string; cluster?: string; collegeOrgId?: string }, entries: readonly Participation[], at: string): StatsDelta[] {
  if (entries.length === 0) return [];
  const hours = entries.reduce((sum, entry) => sum + entry.hours, 0);
  const add = { [educationCounter.signedOff]: entries.length, [educationCounter.hours]: hours };
  const deltas: StatsDelta[] = contract.cluster
    ? [
        { cluster: contract.cluster, bucket: TOTAL_BUCKET, subjectId: contract.id, add },
        { cluster: contract.cluster, bucket: monthBucket(at), subjectId: contract.id, add },
      ]
    : [];
  if (contract.collegeOrgId) {
    const perProgramme: Record<string, number> = {};
    for (const entry of entries) perProgramme[educationCounter.programmeHours(programmeOf(entry))] = (perProgramme[educationCounter.programmeHours(programmeOf(entry))] ?? 0) + entry.hours;
    deltas.push({ cluster: collegeEducationScope(contract.collegeOrgId), bucket: TOTAL_BUCKET, subjectId: contract.id, add: perProgramme });
  }
  return deltas;
}

/**
 * One record issued: counted in the cluster (total and month); in the
 * college's programme breakdown a student counts once (their first record)
 * and a project once per programme (`firstOfProgramme`: this record is the
 * contract's first of its programme, decided by the smallest person id).
 */
export function recordIssuedDeltas(record: StudentRecord, firstRecordOfStudent: boolean, firstOfProgramme: boolean): StatsDelta[] {
  const deltas: StatsDelta[] = record.cluster
    ? [
        { cluster: record.cluster, bucket: TOTAL_BUCKET, subjectId: record.contractId, add: { [educationCounter.recordsIssued]: 1 } },
        { cluster: record.cluster, bucket: monthBucket(record.issuedAt), subjectId: record.contractId, add: { [educationCounter.recordsIssued]: 1 } },
      ]
    : [];
  if (record.collegeOrgId) {
    const add: Record<string, number> = {};
    if (firstRecordOfStudent) add[educationCounter.programmeStudents(programmeOf(record))] = 1;
    if (firstOfProgramme) add[educationCounter.programmeProjects(programmeOf(record))] = 1;
    if (Object.keys(add).length > 0) deltas.push({ cluster: collegeEducationScope(record.collegeOrgId), bucket: TOTAL_BUCKET, subjectId: record.contractId, add });
  }
  return deltas;
}

/** A college's per-programme figures from its scope's counters, largest programme first. */
export function programmeBreakdown(counters: Record<string, number>) {
  const rows = new Map<string, { programme: string; students: number; hours: number; projects: number }>();
  const row = (programme: string) => rows.get(programme) ?? rows.set(programme, { programme, students: 0, hours: 0, projects: 0 }).get(programme)!;
  for (const [name, value] of Object.entries(counters)) {
    const hash = name.indexOf('#');
    if (hash < 0) continue;
    const [kind, programme] = [name.slice(0, hash), name.slice(hash + 1)];
    if (kind === 'students') row(programme).students += value;
    else if (kind === 'studentHours') row(programme).hours += value;
    else if (kind === 'projects') row(programme).projects += value;
  }
  return [...rows.values()].sort((a, b) => b.hours - a.hours || a.programme.localeCompare(b.programme));
}

/** A student's record of a project from the contract's signed-off participation (undefined: nothing signed off for them). */
export function buildStudentRecord(
  input: {
    id: string;
    contract: { id: string; title: string; cluster?: string; enterpriseOrgId: string; studioOrgId: string; collegeOrgId?: string; team?: { teachers: string[]; people?: TeamPerson[] }; enterpriseMentor?: TeamPerson };
    milestoneTitles: Record<number, string>;
    at: string;
  },
  student: TeamPerson,
  entries: readonly Participation[],
): StudentRecord | undefined {
  const signed = entries.filter((entry) => entry.personId === student.personId && isSignedOff(entry)).sort((a, b) => a.n - b.n);
  if (signed.length === 0) return undefined;
  const { contract } = input;
  return {
    id: input.id,
    contractId: contract.id,
    title: contract.title,
    ...(contract.cluster ? { cluster: contract.cluster } : {}),
    personId: student.personId,
    personOrgId: student.orgId,
    name: student.name,
    ...(student.programme !== undefined ? { programme: student.programme } : {}),
    ...(student.year !== undefined ? { year: student.year } : {}),
    enterpriseOrgId: contract.enterpriseOrgId,
    studioOrgId: contract.studioOrgId,
    ...(contract.collegeOrgId ? { collegeOrgId: contract.collegeOrgId } : {}),
    hours: signed.reduce((sum, entry) => sum + entry.hours, 0),
    milestones: signed.map((entry) => ({
      n: entry.n,
      title: input.milestoneTitles[entry.n] ?? `#${entry.n}`,
      hours: entry.hours,
      ...(entry.role ? { role: entry.role } : {}),
      tasks: entry.tasks,
      teacherSignOff: entry.teacherSignOff!,
      mentorSignOff: entry.mentorSignOff!,
    })),
    teachers: contract.team?.teachers ?? [],
    ...(contract.enterpriseMentor ? { mentor: contract.enterpriseMentor.name } : {}),
    issuedAt: input.at,
  };
}
