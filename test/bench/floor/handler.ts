/**
 * The floor bundle of the cold-start comparison: Hono, the DynamoDB document
 * client and one GetItem — the least a function serving `GET /v1/me` can
 * load (and a Query after it for a route with input, `GET /v1/requests`). Built by the same CDK construct and esbuild settings as the API
 * function (see test/bench/coldstart.ts). The caller comes from the claims
 * API Gateway's JWT authorizer already checked.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
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

// The floor of a route with input: the same two reads as `GET /v1/requests?cluster=`, nothing validated.
app.get('/v1/requests', async (c) => {
  const sub = (c.env.event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, string> } } }).authorizer?.jwt?.claims?.sub;
  if (!sub) return c.json({ error: { code: 'UNAUTHENTICATED', message: 'No caller.' } }, 401);
  const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: `USER#${sub}`, sk: '#MEMBERSHIP' }, ConsistentRead: true }));
  const { Items } = await doc.send(
    new QueryCommand({
      TableName: tableName, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': `REQS#CLUSTER#${c.req.query('cluster')}#OPEN` }, ScanIndexForward: false, Limit: 21,
    }),
  );
  return c.json({ items: Items ?? [], membership: Item ?? null });
});

export const handler = handle(app);
