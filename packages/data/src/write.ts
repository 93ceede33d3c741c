import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DomainError, StatsDelta } from '@sharedtech/core';

export type TxOp = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One item of a transaction and the error to report if its condition fails. */
export interface Write {
  op: TxOp;
  onConflict?: (reasonCode: string) => DomainError;
  /**
   * Set on a statistics counter delta (see stats.ts): `commitChange` folds all
   * deltas of one cluster and bucket into one ADD on one shard item, because a
   * transaction may touch each item once.
   */
  counters?: StatsDelta;
}
