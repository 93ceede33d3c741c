/**
 * The floor bundle of the cold-start comparison: Hono, the DynamoDB document
 * client and one GetItem — the least a function serving `GET /v1/me` can
 * load. Built by the same CDK construct and esbuild settings as the API
 * function (see test/bench/coldstart.ts). The caller comes from the claims
 * API Gateway's JWT authorizer already checked.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { Hono } from 'hono';
import { handle, type LambdaEvent } from 'hono/aws-lambda';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const tableName = process.env.TABLE_NAME;

const app = new Hono<{ Bindings: { event: LambdaEvent } }>();
app.get('/health', (c) => c.json({ status: 'ok' }));
app.get('/v1/me', async (c) => {
  const sub = (c.env.event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, string> } } }).authorizer?.jwt?.claims?.sub;
  if (!sub) return c.json({ error: { code: 'UNAUTHENTICATED', message: 'No caller.' } }, 401);
  const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: `USER#${sub}`, sk: '#MEMBERSHIP' }, ConsistentRead: true }));
  return c.json({ sub, membership: Item ?? null });
});

export const handler = handle(app);
