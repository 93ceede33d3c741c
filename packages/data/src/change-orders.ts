import { changeOrderSchema, ConflictError, type ChangeOrder, type Milestone } from '@sharedtech/core';
import type { Db } from './client.js';
import { putIfVersion, putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onTable, queryPage, type PageRequest } from './query.js';

const changeItem = (change: ChangeOrder) => ({ ...keys.changeOrder(change.contractId, change.id), ...change });

export const getChangeOrder = (db: Db, contractId: string, changeId: string, consistent = false) =>
  getItem(db, keys.changeOrder(contractId, changeId), changeOrderSchema, consistent);

export const putNewChangeOrder = (db: Db, change: ChangeOrder): Write => putNew(db, changeItem(change));

export const putChangeOrderVersion = (db: Db, change: ChangeOrder, onConflict?: Write['onConflict']): Write => putIfVersion(db, changeItem(change), onConflict);

/** A contract's change orders, newest first. */
export const listChangeOrders = (db: Db, contractId: string, page?: PageRequest) =>
  queryPage(
    db,
    {
      ...onTable(keys.contract(contractId).pk),
      schema: changeOrderSchema,
      sortKeyCondition: { expression: 'begins_with(sk, :change)', values: { ':change': 'CHG#' } },
    },
    page,
  );

/** A milestone added by a change order (fails if the number is taken). */
export const putNewMilestone = (db: Db, milestone: Milestone): Write =>
  putNew(db, { ...keys.milestone(milestone.contractId, milestone.n), ...milestone }, () =>
    new ConflictError('CONCURRENT_UPDATE', 'The milestones of this contract changed meanwhile; reload and try again.'));

/** Removes a milestone still at the version read. */
export const deleteMilestoneAtVersion = (db: Db, milestone: Milestone, onConflict?: Write['onConflict']): Write => ({
  op: {
    Delete: {
      TableName: db.tableName,
      Key: keys.milestone(milestone.contractId, milestone.n),
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': milestone.version },
    },
  },
  onConflict,
});
