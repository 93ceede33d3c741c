import { contractMessageSchema, type ContractMessage } from '@sharedtech/core';
import type { Db } from './client.js';
import { putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onTable, queryPage, type PageRequest } from './query.js';

export const writeNewContractMessage = (db: Db, message: ContractMessage): Write =>
  putNew(db, { ...keys.contractMessage(message.contractId, message.id), ...message });

/** A contract's thread, newest first. */
export const listContractMessages = (db: Db, contractId: string, page?: PageRequest) =>
  queryPage(
    db,
    {
      ...onTable(keys.contract(contractId).pk),
      schema: contractMessageSchema,
      sortKeyCondition: { expression: 'begins_with(sk, :message)', values: { ':message': 'MSG#' } },
    },
    page,
  );

export const getContractMessage = (db: Db, contractId: string, messageId: string) =>
  getItem(db, keys.contractMessage(contractId, messageId), contractMessageSchema);
