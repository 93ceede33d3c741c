import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { cursorsWithSecret, type Cursors, type CursorSecret } from './cursor.js';

/** Everything the data functions need: the client, the table and the cursor signer. */
export interface Db {
  doc: DynamoDBDocumentClient;
  tableName: string;
  cursors: Cursors;
  /** Present on a Db made by `sharingReads`: its eventually consistent item reads, by key. */
  sharedReads?: Map<string, Promise<Record<string, unknown> | undefined>>;
}

/**
 * The Db for one page: each eventually consistent read of an item is made
 * once, whichever use cases of the page ask for it (they check the caller
 * against the same request or contract, each on its own). Strongly consistent
 * reads, and every write, still go to the table each time.
 */
export const sharingReads = (db: Db): Db => ({ ...db, sharedReads: new Map() });

export interface DbOptions {
  tableName: string;
  /** Signs pagination cursors so a client cannot forge a start key; a function is called once, on the first cursor. */
  cursorSecret: CursorSecret;
  endpoint?: string;
  region?: string;
  /** Total attempts including the first; the SDK backs off between them. */
  maxAttempts?: number;
  requestTimeoutMs?: number;
  client?: DynamoDBClient;
}

/** Builds the document client once per process (module scope in Lambda). */
export function createDb(options: DbOptions): Db {
  const client =
    options.client ??
    new DynamoDBClient({
      region: options.region ?? process.env.AWS_REGION ?? 'cn-north-1',
      endpoint: options.endpoint,
      maxAttempts: options.maxAttempts ?? 4,
      // DynamoDB Local accepts any credentials; a deployed function uses its role.
      ...(options.endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
      requestHandler: new NodeHttpHandler({
        connectionTimeout: 1_000,
        requestTimeout: options.requestTimeoutMs ?? 3_000,
      }),
    });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
  return { doc, tableName: options.tableName, cursors: cursorsWithSecret(options.cursorSecret) };
}
