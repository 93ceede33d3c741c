import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.js';
import { toDomainError } from './errors.js';
import { keys } from './keys.js';

/** The data version recorded by the last upgrade; 0 for data that never had one. */
export async function getDataVersion(db: Db): Promise<number> {
  try {
    const { Item } = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.dataVersion(), ConsistentRead: true }));
    return typeof Item?.version === 'number' ? Item.version : 0;
  } catch (error) {
    throw toDomainError(error);
  }
}

export async function putDataVersion(db: Db, version: number, at: string): Promise<void> {
  try {
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...keys.dataVersion(), version, upgradedAt: at } }));
  } catch (error) {
    throw toDomainError(error);
  }
}
