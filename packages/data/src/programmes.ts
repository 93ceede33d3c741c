import {
  ConflictError, overheadRateSchema, programmeApplicationSchema, programmeSchema,
  type OverheadRate, type Programme, type ProgrammeApplication,
} from '@sharedtech/core';
import type { Db } from './client.js';
import { putIfVersion, putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onIndex, onTable, queryPage, type PageRequest } from './query.js';

// ── Programmes ──────────────────────────────────────────────────────────────

const programmeItem = (programme: Programme) => ({ ...keys.programme(programme.id), ...keys.allProgrammes(programme.id), ...programme });

export const getProgramme = (db: Db, programmeId: string, consistent = false) => getItem(db, keys.programme(programmeId), programmeSchema, consistent);

export const writeNewProgramme = (db: Db, programme: Programme): Write => putNew(db, programmeItem(programme));

/** Every programme, newest first. */
export const listProgrammes = (db: Db, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.allProgrammes('').gsi1pk), schema: programmeSchema }, page);

const overBudget = (programme: Programme) => () =>
  new ConflictError('BUDGET_EXCEEDED', `The programme's remaining budget does not cover this subsidy; nothing was reserved.`, { programmeId: programme.id });

/**
 * Reserves `amount` fen against the programme's budget: an ADD on `committed`
 * whose condition `committed <= budget − amount` is evaluated by DynamoDB on
 * the item as it is at commit, so of any number of concurrent approvals only
 * those that fit the budget together commit.
 */
export function reserveFromProgramme(db: Db, programme: Programme, amount: number): Write {
  return {
    op: {
      Update: {
        TableName: db.tableName,
        Key: keys.programme(programme.id),
        UpdateExpression: 'ADD #committed :amount',
        ConditionExpression: '#committed <= :limit AND #budget.#amount = :budget',
        ExpressionAttributeNames: { '#committed': 'committed', '#budget': 'budget', '#amount': 'amount' },
        ExpressionAttributeValues: { ':amount': amount, ':limit': programme.budget.amount - amount, ':budget': programme.budget.amount },
      },
    },
    onConflict: overBudget(programme),
  };
}

/** Moves a programme's sums by ADD: `paid` by net subsidy posted, `committed` down by what a contract returned. */
export function moveProgrammeSums(db: Db, programmeId: string, add: { paid?: number; committed?: number }): Write[] {
  const terms = Object.entries(add).filter(([, value]) => value !== undefined && value !== 0) as [string, number][];
  if (terms.length === 0) return [];
  return [
    {
      op: {
        Update: {
          TableName: db.tableName,
          Key: keys.programme(programmeId),
          UpdateExpression: `ADD ${terms.map((_, index) => `#f${index} :v${index}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(terms.map(([name], index) => [`#f${index}`, name])),
          ExpressionAttributeValues: Object.fromEntries(terms.map(([, value], index) => [`:v${index}`, value])),
        },
      },
    },
  ];
}

// ── Applications ────────────────────────────────────────────────────────────

const applicationItem = (application: ProgrammeApplication) => ({
  ...keys.programmeApplication(application.id),
  ...keys.applicationsOfProgramme(application.programmeId, application.id),
  ...keys.applicationsOfApplicant(application.applicantOrgId, application.programmeId, application.id),
  ...application,
});

export const getProgrammeApplication = (db: Db, applicationId: string, consistent = false) =>
  getItem(db, keys.programmeApplication(applicationId), programmeApplicationSchema, consistent);

/** A new application and the marker that makes it the only one of its contract in the programme. */
export const writesForNewApplication = (db: Db, application: ProgrammeApplication): Write[] => [
  putNew(db, applicationItem(application)),
  putNew(db, { ...keys.appliedContract(application.programmeId, application.contractId), applicationId: application.id }, () =>
    new ConflictError('ALREADY_APPLIED', 'This contract has applied to this programme already.', { contractId: application.contractId }),
  ),
];

export const writeApplicationChange = (db: Db, application: ProgrammeApplication, onConflict?: Write['onConflict']): Write =>
  putIfVersion(db, applicationItem(application), onConflict);

/** A programme's applications (all, for its government), newest first. */
export const listApplicationsOfProgramme = (db: Db, programmeId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.applicationsOfProgramme(programmeId, '').gsi1pk), schema: programmeApplicationSchema }, page);

/** An applicant's applications to one programme, newest first. */
export const listApplicationsOfApplicant = (db: Db, orgId: string, programmeId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi2', keys.applicationsOfApplicant(orgId, programmeId, '').gsi2pk), schema: programmeApplicationSchema }, page);

// ── College overhead ────────────────────────────────────────────────────────

export const getOverheadRate = (db: Db, collegeOrgId: string, consistent = false) =>
  getItem(db, keys.overheadRate(collegeOrgId), overheadRateSchema, consistent);

/**
 * A new rate: the current item at the next version (put if absent for the
 * first, else only if still at the version read) and an immutable history item.
 */
export function writesForOverheadRate(db: Db, rate: OverheadRate): Write[] {
  const changed = () => new ConflictError('CONCURRENT_UPDATE', 'The overhead rate was changed meanwhile; reload and try again.');
  const current = { ...keys.overheadRate(rate.collegeOrgId), ...rate };
  return [
    rate.version === 1 ? putNew(db, current, changed) : putIfVersion(db, current, changed),
    putNew(db, { ...keys.overheadVersion(rate.collegeOrgId, rate.version), ...rate }, changed),
  ];
}

/** A college's rates, newest first. */
export const listOverheadHistory = (db: Db, collegeOrgId: string, page?: PageRequest) =>
  queryPage(
    db,
    {
      ...onTable(keys.overheadRate(collegeOrgId).pk),
      schema: overheadRateSchema,
      sortKeyCondition: { expression: 'begins_with(sk, :prefix)', values: { ':prefix': 'OVERHEAD#' } },
    },
    page,
  );
