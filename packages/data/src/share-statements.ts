import { shareStatementSchema, statementYear, type ShareStatement, type StatementKind } from '@sharedtech/core';
import { z } from 'zod';
import type { Db } from './client.js';
import { putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { onIndex, onTable, queryBounded, queryPage, type PageRequest } from './query.js';

/**
 * A benefit or risk statement is immutable once recorded. It is indexed under
 * the year it belongs to (its period, else the year it was recorded), and the
 * same transaction adds it to that year's totals of the contract.
 */
export const putNewShareStatement = (db: Db, statement: ShareStatement): Write[] => {
  const year = statementYear(statement);
  return [
    putNew(db, { ...keys.shareStatement(statement.contractId, statement.kind, statement.id), ...keys.statementsOfYear(statement.contractId, year, statement.id), ...statement }),
    addToYearTotals(db, statement, year),
  ];
};

/** ADD of one statement to its year's totals item: `BENEFIT`/`RISK` (fen), `n`, and per party `BENEFIT#<orgId>`/`RISK#<orgId>`. */
function addToYearTotals(db: Db, statement: ShareStatement, year: number): Write {
  const names: Record<string, string> = { '#n': 'n', '#kind': statement.kind, '#year': 'year', '#contractId': 'contractId' };
  const values: Record<string, unknown> = { ':one': 1, ':amount': statement.amount.amount, ':year': year, ':contractId': statement.contractId };
  const adds = ['#n :one', '#kind :amount'];
  statement.allocations.forEach((allocation, index) => {
    names[`#p${index}`] = `${statement.kind}#${allocation.orgId}`;
    values[`:p${index}`] = allocation.amount.amount;
    adds.push(`#p${index} :p${index}`);
  });
  return {
    op: {
      Update: {
        TableName: db.tableName,
        Key: keys.statementYearTotals(statement.contractId, year),
        UpdateExpression: `SET #year = :year, #contractId = :contractId ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  };
}

/**
 * upgrade-data: a statement recorded before periods gets its year index and is
 * added to its year's totals, once (on condition it has no index yet).
 */
export function indexShareStatementYear(db: Db, statement: ShareStatement): Write[] {
  const year = statementYear(statement);
  const index = keys.statementsOfYear(statement.contractId, year, statement.id);
  return [
    {
      op: {
        Update: {
          TableName: db.tableName,
          Key: keys.shareStatement(statement.contractId, statement.kind, statement.id),
          UpdateExpression: 'SET gsi1pk = :pk, gsi1sk = :sk',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(gsi1pk)',
          ExpressionAttributeValues: { ':pk': index.gsi1pk, ':sk': index.gsi1sk },
        },
      },
    },
    addToYearTotals(db, statement, year),
  ];
}

/** A contract's statements of one kind, newest first. */
export const listShareStatements = (db: Db, contractId: string, kind: StatementKind, page?: PageRequest) =>
  queryPage(
    db,
    {
      ...onTable(keys.contract(contractId).pk),
      schema: shareStatementSchema,
      sortKeyCondition: {
        expression: 'begins_with(#sk, :prefix)',
        names: { '#sk': 'sk' },
        values: { ':prefix': keys.shareStatement(contractId, kind, '').sk },
      },
    },
    page,
  );

/** A contract's statements (both kinds) of one year, oldest first. */
export const listShareStatementsOfYear = (db: Db, contractId: string, year: number, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.statementsOfYear(contractId, year, '').gsi1pk), schema: shareStatementSchema, newestFirst: false }, page);

/** Years a contract can have statements in: award year … end of the longest term, far below this bound. */
export const MAX_STATEMENT_YEARS = 60;

const yearTotalsSchema = z.object({ year: z.number().int(), contractId: z.string(), n: z.number().int() }).catchall(z.unknown());

export interface StatementYearTotals {
  year: number;
  statements: number;
  benefit: number;
  risk: number;
  parties: { orgId: string; benefit: number; risk: number }[];
}

/** The per-year totals of a contract's statements, newest year first (one bounded Query). */
export async function readStatementYearTotals(db: Db, contractId: string): Promise<StatementYearTotals[]> {
  const items = await queryBounded(
    db,
    {
      ...onTable(keys.contract(contractId).pk),
      schema: yearTotalsSchema,
      sortKeyCondition: { expression: 'begins_with(#sk, :prefix)', names: { '#sk': 'sk' }, values: { ':prefix': 'STMYEAR#' } },
    },
    { max: MAX_STATEMENT_YEARS },
  );
  return items
    .map((item) => {
      const parties = new Map<string, { orgId: string; benefit: number; risk: number }>();
      for (const [name, value] of Object.entries(item)) {
        const match = /^(BENEFIT|RISK)#(.+)$/.exec(name);
        if (!match || typeof value !== 'number') continue;
        const party = parties.get(match[2]!) ?? { orgId: match[2]!, benefit: 0, risk: 0 };
        party[match[1] === 'BENEFIT' ? 'benefit' : 'risk'] += value;
        parties.set(party.orgId, party);
      }
      const number = (name: string) => (typeof item[name] === 'number' ? (item[name] as number) : 0);
      return { year: item.year, statements: item.n, benefit: number('BENEFIT'), risk: number('RISK'), parties: [...parties.values()] };
    })
    .sort((a, b) => b.year - a.year);
}
