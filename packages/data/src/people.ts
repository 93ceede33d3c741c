import { participationSchema, personSchema, studentRecordSchema, type Participation, type Person, type StudentRecord } from '@sharedtech/core';
import type { Db } from './client.js';
import { deleteItem, putIfVersion, putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onIndex, onTable, queryBounded, queryPage, queryUpTo, type PageRequest } from './query.js';
import { batchGetByKeys } from './batch-get.js';

// ── Roster ──

const personItem = (person: Person) => ({ ...keys.person(person.id), ...keys.peopleOfOrg(person.orgId, person.id), ...person });

export const getPerson = (db: Db, personId: string, consistent = false) => getItem(db, keys.person(personId), personSchema, consistent);

/** People by id (one BatchGet; unknown ids are simply absent). */
export const getPeople = (db: Db, personIds: readonly string[], consistent = false): Promise<Person[]> =>
  batchGetByKeys(db, personIds.map((id) => keys.person(id)), personSchema, consistent);

export const writeNewPerson = (db: Db, person: Person): Write => putNew(db, personItem(person));
export const writePersonChange = (db: Db, person: Person, onConflict?: Write['onConflict']): Write => putIfVersion(db, personItem(person), onConflict);

/** Removes a person if still at the version read. */
export function deletePerson(db: Db, person: Person, onConflict?: Write['onConflict']): Write {
  const write = deleteItem(db, keys.person(person.id));
  write.op.Delete!.ConditionExpression = '#version = :version';
  write.op.Delete!.ExpressionAttributeNames = { '#version': 'version' };
  write.op.Delete!.ExpressionAttributeValues = { ':version': person.version };
  return { ...write, onConflict };
}

/** An organisation's roster, newest first, optionally one kind. */
export const listPeopleOfOrg = (db: Db, orgId: string, kind: string | undefined, page?: PageRequest) =>
  queryPage(
    db,
    {
      ...onIndex('gsi1', keys.peopleOfOrg(orgId, '').gsi1pk),
      schema: personSchema,
      ...(kind ? { filter: { FilterExpression: '#kind = :kind', ExpressionAttributeNames: { '#kind': 'kind' }, ExpressionAttributeValues: { ':kind': kind } } } : {}),
    },
    page,
  );

// ── Participation ──

const participationItem = (entry: Participation) => ({ ...keys.participation(entry.contractId, entry.n, entry.personId), ...entry });

export const getParticipation = (db: Db, contractId: string, n: number, personId: string, consistent = false) =>
  getItem(db, keys.participation(contractId, n, personId), participationSchema, consistent);

/** A new entry: put only if absent. */
export const writeNewParticipation = (db: Db, entry: Participation, onConflict?: Write['onConflict']): Write => putNew(db, participationItem(entry), onConflict);

/** A changed entry at the version read. */
export const writeParticipationChange = (db: Db, entry: Participation, onConflict?: Write['onConflict']): Write =>
  putIfVersion(db, participationItem(entry), onConflict);

/** A team has at most 60 people and a contract at most 20 milestones: a contract's entries are bounded. */
export const MAX_PARTICIPATION_PER_CONTRACT = 60 * 20;

/** The entries of one milestone (at most one per team member), oldest first. */
export const listParticipationOfMilestone = (db: Db, contractId: string, n: number, consistent = false) =>
  queryBounded(
    db,
    {
      ...onTable(keys.contract(contractId).pk),
      schema: participationSchema,
      newestFirst: false,
      sortKeyCondition: { expression: 'begins_with(sk, :part)', values: { ':part': `PART#${String(n).padStart(4, '0')}#` } },
    },
    { max: 60, consistent },
  );

/** Every entry of a contract, by milestone (bounded: see MAX_PARTICIPATION_PER_CONTRACT). */
export const listParticipationOfContract = (db: Db, contractId: string, consistent = false) =>
  queryBounded(
    db,
    { ...onTable(keys.contract(contractId).pk), schema: participationSchema, newestFirst: false, sortKeyCondition: { expression: 'begins_with(sk, :part)', values: { ':part': 'PART#' } } },
    { max: MAX_PARTICIPATION_PER_CONTRACT, consistent },
  );

// ── Student records ──

const studentRecordItem = (record: StudentRecord) => ({
  ...keys.studentRecord(record.contractId, record.personId),
  ...keys.studentRecordsOfPerson(record.personId, record.id),
  ...(record.collegeOrgId ? keys.studentRecordsOfCollege(record.collegeOrgId, record.id) : {}),
  ...keys.studentRecordById(record.id),
  ...record,
});

/** Issuing a record: put only if the student has none for this contract yet. */
export const writeNewStudentRecord = (db: Db, record: StudentRecord, onConflict?: Write['onConflict']): Write => putNew(db, studentRecordItem(record), onConflict);

/** The records these students have for a contract (one BatchGet; those not issued yet are absent). */
export const getStudentRecordsOf = (db: Db, contractId: string, personIds: readonly string[], consistent = false): Promise<StudentRecord[]> =>
  batchGetByKeys(db, personIds.map((personId) => keys.studentRecord(contractId, personId)), studentRecordSchema, consistent);

/** A record by id: the index gives its key (the index copy is the whole record). */
export async function getStudentRecord(db: Db, recordId: string): Promise<StudentRecord | undefined> {
  const { items } = await queryUpTo(db, { ...onIndex('gsi3', keys.studentRecordById(recordId).gsi3pk), schema: studentRecordSchema }, { limit: 1 });
  return items[0];
}

export const listStudentRecordsOfPerson = (db: Db, personId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.studentRecordsOfPerson(personId, '').gsi1pk), schema: studentRecordSchema }, page);

export const listStudentRecordsOfCollege = (db: Db, collegeOrgId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi2', keys.studentRecordsOfCollege(collegeOrgId, '').gsi2pk), schema: studentRecordSchema }, page);

/** A contract's records (at most one per team member). */
export const listStudentRecordsOfContract = (db: Db, contractId: string, consistent = false) =>
  queryBounded(
    db,
    { ...onTable(keys.contract(contractId).pk), schema: studentRecordSchema, newestFirst: false, sortKeyCondition: { expression: 'begins_with(sk, :srec)', values: { ':srec': 'SREC#' } } },
    { max: 60, consistent },
  );
