import { shareStatementSchema, type ShareStatement, type StatementKind } from '@sharedtech/core';
import type { Db } from './client.js';
import { putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { onTable, queryPage, type PageRequest } from './query.js';

/** A benefit or risk statement is immutable once recorded. */
export const putNewShareStatement = (db: Db, statement: ShareStatement): Write =>
  putNew(db, { ...keys.shareStatement(statement.contractId, statement.kind, statement.id), ...statement });

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
