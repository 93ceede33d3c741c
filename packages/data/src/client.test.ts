import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ServiceUnavailableError } from '@sharedtech/core';
import { createDb } from './client.js';
import { getItem } from './query.js';

describe('createDb', () => {
  it('configures the SDK to retry throttling and transient faults (maxAttempts > 1)', async () => {
    // Act
    const db = createDb({ tableName: 'T', cursorSecret: 's', endpoint: 'http://127.0.0.1:9', region: 'local' });

    // Assess
    expect(await db.doc.config.maxAttempts()).toBeGreaterThan(1);
    expect(await db.doc.config.retryStrategy()).toMatchObject({ mode: 'standard' });
  });

  it('lets the caller choose the number of attempts', async () => {
    const db = createDb({ tableName: 'T', cursorSecret: 's', endpoint: 'http://127.0.0.1:9', maxAttempts: 7 });
    expect(await db.doc.config.maxAttempts()).toBe(7);
  });
});

describe('a DynamoDB fault that outlasts the retries', () => {
  it('is retried by the SDK, then surfaces as a 503 for the caller', async () => {
    // Prepare: a transport that always answers with DynamoDB's 500 InternalServerError (no network).
    const seen: { method: string; headers: Record<string, string> }[] = [];
    const requestHandler = {
      handle: async (request: { method: string; headers: Record<string, string> }) => {
        seen.push(request);
        const body = JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' });
        return {
          response: {
            statusCode: 500,
            headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'InternalServerError' },
            body: Readable.from([Buffer.from(body)]),
          },
        };
      },
    };
    const client = new DynamoDBClient({
      region: 'local',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 2,
      requestHandler,
    });
    const db = createDb({ tableName: 'T', cursorSecret: 's', client });

    // Act
    const error = await getItem(db, { pk: 'USER#u', sk: '#MEMBERSHIP' }, z.object({})).catch((caught: unknown) => caught);

    // Assess
    expect(seen).toHaveLength(2);
    expect(seen.map((request) => request.headers['x-amz-target'])).toEqual(['DynamoDB_20120810.GetItem', 'DynamoDB_20120810.GetItem']);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', retryAfterSeconds: 1 });
  });
});
