import {
  ConflictError, ForbiddenError, MAX_SIGN_OFFS_PER_CALL, NotFoundError, SCHEDULER, TOTAL_BUCKET, ValidationError, buildStudentRecord, collegeEducationScope,
  contractParties, educationCounter, isLocked, isSignedOff, maySeeStudentRecord, programmeBreakdown, recordIssuedDeltas, requireMember, signOffDeltas,
  signOffSideOf, sumCounters, type Contract, type Counters, type Participation, type Person, type Principal, type SignOffSide, type StatsDelta, type StudentRecord, type TeamPerson,
} from '@sharedtech/core';
import {
  deleteTask, getContract, getMilestone, getOrganisation, getPerson, getPeople, getStudentRecord, getStudentRecordsOf, listMilestones, listParticipationOfContract,
  listParticipationOfMilestone, listContractsOfCluster, listStudentRecordsOfCollege, listStudentRecordsOfContract, listStudentRecordsOfPerson, listTasks,
  readAll, readClusterCounters, statsWrites, writeNewParticipation, writeNewStudentRecord, writeParticipationChange, writePersonChange, putTask, getParticipation,
  type PageRequest, type Write,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, retryingConflicts, toOrg } from './change.js';
import { getVisibleContract } from './contracts.js';
import { getVisibleOrganisation } from './organisations.js';

/**
 * Education outcomes (协同育人): per milestone the studio logs each student's
 * participation; the teacher and the enterprise mentor both sign it off, after
 * which the entry is fixed; at completion each student with signed-off work
 * gets a record of the project. Counters move in the same transactions.
 */

const viewOfEntry = ({ version: _version, ...entry }: Participation) => ({ ...entry, signedOff: isSignedOff(entry) });
export type ParticipationView = ReturnType<typeof viewOfEntry>;

const notActive = (contract: Contract) =>
  new ConflictError('CONTRACT_NOT_ACTIVE', `Participation is logged and signed off while the contract is ACTIVE; it is ${contract.status}.`, { status: contract.status });

/** The contract (parties only: associations moderate money, not students) and the milestone. */
/** Students' hours are the contract's parties' (associations see head counts): anyone else gets the contract's 404. */
function requireParty(principal: Principal, contract: Contract) {
  const orgId = principal.membership?.orgId;
  if (!orgId || !contractParties(contract).includes(orgId)) throw new NotFoundError('Contract', contract.id);
}

async function partyContract(deps: ServiceDeps, principal: Principal, contractId: string, n: number, consistent = false) {
  // Read at the same time; the milestone is only answered once the contract is the caller's.
  const [contract, milestone] = await Promise.all([getVisibleContract(deps, principal, contractId, consistent), getMilestone(deps.db, contractId, n, consistent)]);
  requireParty(principal, contract);
  if (!milestone) throw new NotFoundError('Milestone', `${contractId}/${n}`);
  return { contract, milestone };
}

export interface ParticipationInput {
  personId: string;
  hours: number;
  role?: string;
  tasks: string[];
}

/** The studio logs (or corrects, until anyone signed it) one student's participation in a milestone. */
export async function logParticipation(deps: ServiceDeps, principal: Principal, contractId: string, n: number, input: ParticipationInput) {
  // The entry is read alongside the contract; it is used only once the person is a student of its team.
  const [{ contract, milestone }, existing] = await Promise.all([
    partyContract(deps, principal, contractId, n, true),
    getParticipation(deps.db, contractId, n, input.personId, true),
  ]);
  const acting = requireMember(principal);
  if (acting.org.id !== contract.studioOrgId) throw new ForbiddenError('NOT_THE_STUDIO', 'Only the contract’s studio logs its students’ participation.');
  if (contract.status !== 'ACTIVE') throw notActive(contract);
  const student = (contract.team?.people ?? []).find((person) => person.personId === input.personId);
  if (!student || student.kind !== 'STUDENT') {
    throw ValidationError.field('personId', 'Not a student of this contract’s team (teams named by free text have no roster students).', 'NOT_A_TEAM_STUDENT');
  }
  if (existing && isLocked(existing)) {
    throw new ConflictError('PARTICIPATION_SIGNED', 'This entry has been signed off and can no longer change.');
  }
  const now = deps.clock().toISOString();
  const entry: Participation = {
    contractId: contract.id,
    n: milestone.n,
    personId: student.personId,
    name: student.name,
    ...(student.programme !== undefined ? { programme: student.programme } : {}),
    ...(student.year !== undefined ? { year: student.year } : {}),
    hours: input.hours,
    ...(input.role ? { role: input.role } : {}),
    tasks: input.tasks,
    loggedBy: principal.sub,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    version: (existing?.version ?? 0) + 1,
  };
  const changed = () => new ConflictError('CONCURRENT_UPDATE', 'This entry was logged or signed meanwhile; reload and try again.');
  await applyChange(deps, principal, {
    writes: [existing ? writeParticipationChange(deps.db, entry, changed) : writeNewParticipation(deps.db, entry, changed)],
    transitions: [
      { entity: { type: 'participation', id: participationEntityId(contract.id, milestone.n, student.personId) }, action: existing ? 'edit' : 'log', after: 'LOGGED', details: { hours: input.hours } },
    ],
    notify: [{ to: toOrg(contract.enterpriseOrgId), type: 'PARTICIPATION_LOGGED', params: { title: contract.title, contractId: contract.id, milestone: milestone.n } }],
  });
  return viewOfEntry(entry);
}

/** The audit entity of a participation entry: one per student, milestone and contract. */
export const participationEntityId = (contractId: string, n: number, personId: string) => `${contractId}:${n}:${personId}`;

const parseParticipationEntityId = (entityId: string) => {
  const [contractId = '', n = '', personId = ''] = entityId.split(':');
  return { contractId, n: Number(n), personId };
};

/**
 * Whether the caller may read a participation entry's audit trail: whoever
 * reads the entry, the contract's parties (students' hours are not the
 * associations', who see head counts). Everyone else, and an entry never
 * logged, gets the entry's 404.
 */
export async function mayReadParticipationTrail(deps: ServiceDeps, principal: Principal, entityId: string): Promise<boolean> {
  const { contractId, n, personId } = parseParticipationEntityId(entityId);
  const [contract, entry] = await Promise.all([getVisibleContract(deps, principal, contractId), getParticipation(deps.db, contractId, n, personId)]);
  requireParty(principal, contract);
  if (!entry) throw new NotFoundError('Participation', entityId);
  return true;
}

/** A milestone's participation (the parties and the college). */
export async function listParticipation(deps: ServiceDeps, principal: Principal, contractId: string, n: number) {
  const { contract, milestone } = await partyContract(deps, principal, contractId, n);
  const entries = await listParticipationOfMilestone(deps.db, contract.id, milestone.n);
  const side = signOffSideOf({ sub: principal.sub, orgId: principal.membership?.orgId, role: principal.membership?.role }, contract);
  return { items: entries.map(viewOfEntry), nextCursor: null, signAs: side ?? null };
}

const SIGN_OFF_ATTEMPTS = 4;

/**
 * The teacher or the enterprise mentor signs off a milestone's entries (all
 * awaiting their side, or the ones named). Each entry is written at the
 * version read, so when both sign at once one transaction fails its
 * condition, reads again and signs on top of the other: both sign-offs are
 * recorded, and the entry becomes SIGNED_OFF (counted) exactly once.
 */
export async function signOffParticipation(deps: ServiceDeps, principal: Principal, contractId: string, n: number, input: { personIds?: string[] }) {
  return retryingConflicts(['CONCURRENT_UPDATE'], SIGN_OFF_ATTEMPTS, () => signOffOnce(deps, principal, contractId, n, input));
}

async function signOffOnce(deps: ServiceDeps, principal: Principal, contractId: string, n: number, input: { personIds?: string[] }) {
  const { contract, milestone } = await partyContract(deps, principal, contractId, n, true);
  const acting = requireMember(principal);
  const side = signOffSideOf({ sub: principal.sub, orgId: acting.org.id, role: acting.membership.role }, contract);
  if (!side) {
    throw new ForbiddenError(
      'NOT_PARTICIPATION_SIGNER',
      'Sign-off is by the team’s teacher (a studio member linked to a teacher of the team, or a studio owner when none is) and the enterprise mentor (the member linked to the mentor named at award, or an enterprise owner when none is).',
    );
  }
  if (contract.status !== 'ACTIVE') throw notActive(contract);
  const entries = await listParticipationOfMilestone(deps.db, contract.id, milestone.n, true);
  const signedBy = (entry: Participation, s: SignOffSide) => (s === 'TEACHER' ? entry.teacherSignOff : entry.mentorSignOff);
  let chosen: Participation[];
  if (input.personIds) {
    const issues = input.personIds.flatMap((personId, index) => {
      const entry = entries.find((e) => e.personId === personId);
      if (!entry) return [{ path: `personIds.${index}`, message: 'No participation logged for this person on this milestone.', code: 'NO_PARTICIPATION' }];
      return [];
    });
    if (issues.length > 0) throw new ValidationError('Some entries cannot be signed.', issues);
    chosen = entries.filter((entry) => input.personIds!.includes(entry.personId));
    if (chosen.every((entry) => signedBy(entry, side))) throw new ConflictError('ALREADY_SIGNED_OFF', `You have already signed these entries off as ${side.toLowerCase()}.`);
    chosen = chosen.filter((entry) => !signedBy(entry, side));
  } else {
    chosen = entries.filter((entry) => !signedBy(entry, side)).slice(0, MAX_SIGN_OFFS_PER_CALL);
    if (chosen.length === 0) throw new ConflictError('NOTHING_TO_SIGN', 'No entry of this milestone awaits your sign-off.');
  }
  const now = deps.clock().toISOString();
  // Signed in the name of the roster person the member is linked to (the teacher, the mentor), else the member's own.
  const linked = side === 'TEACHER'
    ? contract.team?.people?.find((person) => person.kind === 'TEACHER' && person.memberSub === principal.sub)
    : contract.enterpriseMentor?.memberSub === principal.sub ? contract.enterpriseMentor : undefined;
  const name = linked?.name ?? acting.membership.displayName;
  const signature = { sub: principal.sub, orgId: acting.org.id, ...(name ? { name } : {}), at: now };
  const signed = chosen.map((entry): Participation => {
    const next: Participation = { ...entry, ...(side === 'TEACHER' ? { teacherSignOff: signature } : { mentorSignOff: signature }), updatedAt: now, version: entry.version + 1 };
    return isSignedOff(next) ? { ...next, signedOffAt: now } : next;
  });
  const completed = signed.filter(isSignedOff);
  const changed = () => new ConflictError('CONCURRENT_UPDATE', 'An entry was signed meanwhile; reading it again.');
  const other = side === 'TEACHER' ? contract.enterpriseOrgId : contract.studioOrgId;
  await applyChange(deps, principal, {
    writes: [...signed.map((entry) => writeParticipationChange(deps.db, entry, changed)), ...statsWrites(deps.db, signOffDeltas(contract, completed, now))],
    transitions: signed.map((entry) => ({
      entity: { type: 'participation' as const, id: participationEntityId(contract.id, milestone.n, entry.personId) },
      action: `sign-off-${side.toLowerCase()}`,
      before: 'LOGGED',
      after: isSignedOff(entry) ? 'SIGNED_OFF' : 'LOGGED',
      details: { hours: entry.hours },
    })),
    notify: [{ to: toOrg(other), type: 'PARTICIPATION_SIGNED', params: { title: contract.title, contractId: contract.id, milestone: milestone.n, count: signed.length } }],
  });
  return { side, items: signed.map(viewOfEntry), signedOff: completed.length };
}

// ── Student records ──

/** Queued in the transaction that completes a contract (see milestones.ts), so issuing can never be lost. */
export const issueStudentRecordsTask = (deps: ServiceDeps, contractId: string, at: string): Write => putTask(deps.db, 'issue-student-records', contractId, at);

/**
 * Issues each student of a COMPLETED contract with signed-off participation a
 * record: one transaction per student (the record put only if absent, the
 * student's record count at its version, the counters), so running it twice
 * or concurrently issues each record once. Returns how many it issued.
 */
export async function issueStudentRecords(deps: ServiceDeps, contractId: string): Promise<{ issued: number; missing: number }> {
  const contract = await getContract(deps.db, contractId, true);
  if (!contract || contract.status !== 'COMPLETED') return { issued: 0, missing: 0 };
  const [entries, milestones] = await Promise.all([listParticipationOfContract(deps.db, contract.id, true), listMilestones(deps.db, contract.id)]);
  const students = (contract.team?.people ?? []).filter((person) => person.kind === 'STUDENT').sort((a, b) => a.personId.localeCompare(b.personId));
  const titles = Object.fromEntries(milestones.map((milestone) => [milestone.n, milestone.title]));
  const withRecords = students.filter((student) => entries.some((entry) => entry.personId === student.personId && isSignedOff(entry)));
  const personIds = withRecords.map((student) => student.personId);
  let issued = 0;
  let missing = 0;
  for (let pass = 0; pass < 3; pass += 1) {
    missing = 0;
    // Each pass reads the students' records and roster entries at once (two BatchGets), not one student at a time.
    const [records, people] = await Promise.all([getStudentRecordsOf(deps.db, contract.id, personIds, true), getPeople(deps.db, personIds, true)]);
    const hasRecord = new Set(records.map((record) => record.personId));
    for (const student of withRecords) {
      if (hasRecord.has(student.personId)) continue;
      const firstOfProgramme = withRecords.find((other) => (other.programme ?? '') === (student.programme ?? ''))?.personId === student.personId;
      const record = buildStudentRecord({ id: deps.ids('studentRecord'), contract, milestoneTitles: titles, at: deps.clock().toISOString() }, student, entries)!;
      try {
        await issueOne(deps, contract, student, record, firstOfProgramme, people.find((person) => person.id === student.personId));
        issued += 1;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        missing += 1; // issued by another run meanwhile, or the person changed: look again
      }
    }
    if (missing === 0) break;
  }
  return { issued, missing };
}

/** `person` is the student's roster entry as read (absent once removed from the roster). */
async function issueOne(deps: ServiceDeps, contract: Contract, student: TeamPerson, record: StudentRecord, firstOfProgramme: boolean, person: Person | undefined) {
  const first = (person?.recordsIssued ?? 0) === 0;
  const writes: Write[] = [writeNewStudentRecord(deps.db, record, () => new ConflictError('RECORD_ISSUED', 'Issued meanwhile.'))];
  // The roster's person counts their records (a removed person's copy on the team still gets the record).
  if (person) writes.push(writePersonChange(deps.db, { ...person, recordsIssued: (person.recordsIssued ?? 0) + 1, version: person.version + 1 }, () => new ConflictError('CONCURRENT_UPDATE', 'The person changed meanwhile.')));
  const deltas: StatsDelta[] = recordIssuedDeltas(record, person ? first : true, firstOfProgramme);
  await applyChange(deps, SCHEDULER, {
    writes: [...writes, ...statsWrites(deps.db, deltas)],
    transitions: [{ entity: { type: 'studentRecord', id: record.id }, action: 'issue', after: 'ISSUED', details: { contractId: contract.id, personId: student.personId, hours: record.hours }, creates: true }],
    notify: [...new Set([contract.studioOrgId, ...(contract.collegeOrgId ? [contract.collegeOrgId] : [])])].map((orgId) => ({
      to: toOrg(orgId),
      type: 'STUDENT_RECORD_ISSUED',
      params: { title: contract.title, recordId: record.id, name: record.name },
    })),
  });
}

/** Runs the issuing task of a contract and deletes it once done (the scheduled job retries what a crash left). */
export async function runStudentRecordTask(deps: ServiceDeps, contractId: string): Promise<number> {
  const { issued, missing } = await issueStudentRecords(deps, contractId);
  if (missing === 0) await deleteTask(deps.db, 'issue-student-records', contractId);
  return issued;
}

/** Right after the completing step; a failure only leaves the task to the scheduled job. */
export async function issueStudentRecordsNow(deps: ServiceDeps, contractId: string): Promise<void> {
  try {
    await runStudentRecordTask(deps, contractId);
  } catch {
    // left to the scheduled job (runPendingStudentRecordTasks)
  }
}

/** Scheduled job step: issue the records of completed contracts whose task is still there. */
export async function runPendingStudentRecordTasks(deps: ServiceDeps): Promise<number> {
  let issued = 0;
  let cursor: string | undefined;
  do {
    const page = await listTasks(deps.db, 'issue-student-records', { cursor, limit: 50 });
    for (const task of page.items) issued += await runStudentRecordTask(deps, task.subjectId);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return issued;
}

/** A record, for the contract's parties, the college, the student's roster organisation and the student. */
export async function readStudentRecord(deps: ServiceDeps, principal: Principal, recordId: string) {
  const record = await getStudentRecord(deps.db, recordId);
  const person = record && (await getPerson(deps.db, record.personId));
  if (!record || !maySeeStudentRecord({ orgId: principal.membership?.orgId, sub: principal.sub }, record, person?.memberSub)) throw new NotFoundError('StudentRecord', recordId);
  return record;
}

/** A student's records, newest first: for the student's roster organisation (and its college) and the student. */
export async function listRecordsOfStudent(deps: ServiceDeps, principal: Principal, personId: string, page: PageRequest) {
  const person = await getPerson(deps.db, personId);
  const orgId = principal.membership?.orgId;
  const roster = person && (await getOrganisation(deps.db, person.orgId));
  const mayRead =
    person && roster && (orgId === roster.id || (orgId !== undefined && roster.collegeId === orgId && roster.affiliation === 'ACCEPTED') || person.memberSub === principal.sub);
  if (!mayRead) throw new NotFoundError('Person', personId);
  const result = await listStudentRecordsOfPerson(deps.db, personId, page);
  return { items: result.items, nextCursor: result.nextCursor };
}

async function requireCollege(deps: ServiceDeps, principal: Principal, collegeId: string) {
  if (principal.org?.id === collegeId && principal.org.type === 'COLLEGE') return principal.org;
  // Anyone else: a college that exists is a 403, anything else (or an organisation hidden from the caller) a 404.
  const college = await getVisibleOrganisation(deps, principal, collegeId).catch(() => undefined);
  if (!college || college.type !== 'COLLEGE') throw new NotFoundError('College', collegeId);
  throw new ForbiddenError('NOT_THE_COLLEGE', 'Only members of this college read its students’ records.');
}

/** The records of a college's students (on its studios' contracts), newest first. */
export async function listCollegeStudentRecords(deps: ServiceDeps, principal: Principal, collegeId: string, page: PageRequest) {
  await requireCollege(deps, principal, collegeId);
  const result = await listStudentRecordsOfCollege(deps.db, collegeId, page);
  return { items: result.items, nextCursor: result.nextCursor };
}

/** A college's education figures by programme (专业): students with a record, signed-off hours, projects. One BatchGet. */
export async function readCollegeEducationStatistics(deps: ServiceDeps, principal: Principal, collegeId: string) {
  await requireCollege(deps, principal, collegeId);
  const counters = await readClusterCounters(deps.db, collegeEducationScope(collegeId));
  const programmes = programmeBreakdown(counters);
  const total = programmes.reduce((sum, row) => ({ students: sum.students + row.students, hours: sum.hours + row.hours, projects: sum.projects + row.projects }), { students: 0, hours: 0, projects: 0 });
  return { collegeId, programmes, total };
}

/** Education figures of a cluster from its counters. */
export const educationFigures = (counters: Counters) => ({
  signedOffEntries: counters[educationCounter.signedOff] ?? 0,
  signedOffHours: counters[educationCounter.hours] ?? 0,
  recordsIssued: counters[educationCounter.recordsIssued] ?? 0,
});

/**
 * The definition of the education counters of a cluster (#TOTAL): recounted
 * from the participation entries and records of its contracts (operators and
 * tests; reads every contract of the cluster).
 */
export async function recountEducation(deps: ServiceDeps, cluster: string) {
  const contracts = await readAll((page) => listContractsOfCluster(deps.db, cluster, page));
  let bag: Counters = {};
  for (const contract of contracts) {
    const entries = (await listParticipationOfContract(deps.db, contract.id, true)).filter(isSignedOff);
    const records = await listStudentRecordsOfContract(deps.db, contract.id, true);
    bag = sumCounters(bag, {
      [educationCounter.signedOff]: entries.length,
      [educationCounter.hours]: entries.reduce((sum, entry) => sum + entry.hours, 0),
      [educationCounter.recordsIssued]: records.length,
    });
  }
  return educationFigures(bag);
}

/** The stored education figures of a cluster (one BatchGet). */
export async function readEducationFigures(deps: ServiceDeps, cluster: string, consistent = false) {
  return educationFigures(await readClusterCounters(deps.db, cluster, TOTAL_BUCKET, consistent));
}
