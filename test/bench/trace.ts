/**
 * Counting what a request costs in DynamoDB: an SDK middleware on the app's
 * client stack (bench only) injects `ReturnConsumedCapacity: 'TOTAL'`, and
 * records each call — its command, its input as the document client saw it,
 * the capacity it consumed and when it started and ended — into the trace of
 * the HTTP request it belongs to (AsyncLocalStorage, so concurrent requests
 * never mix). The recorded inputs can be replayed through a plain document
 * client to time the floor: the same calls, without the app.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, TransactGetCommand, TransactWriteCommand,
  UpdateCommand, type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

export interface RecordedCall {
  /** Low-level operation name, e.g. `Query`, `TransactWriteItems`. */
  op: string;
  /** The document-client input (unmarshalled), with ReturnConsumedCapacity. */
  input: Record<string, any>;
  capacity: number;
  /** Items the call returned (Query, Scan and BatchGet; a Get's 0 or 1). */
  returned: number;
  startedAt: number;
  endedAt: number;
  error?: string;
}

export interface Trace {
  calls: RecordedCall[];
  /** Calls that started after the response was handed back (work done after the response). */
  late: number;
  closed: boolean;
}

const als = new AsyncLocalStorage<Trace>();

let inFlight = 0;
/** DynamoDB calls of the instrumented clients not answered yet (a failed request may leave some behind). */
export const callsInFlight = () => inFlight;

/** Waits until no instrumented call is in flight (at most `timeoutMs`). */
export async function quiesce(timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (inFlight > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

export const newTrace = (): Trace => ({ calls: [], late: 0, closed: false });

/** Runs `fn` with every DynamoDB call it makes recorded into `trace`. */
export const withTrace = <T>(trace: Trace, fn: () => T): T => als.run(trace, fn);

const ITEM_OPS = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems',
]);

const totalCapacity = (consumed: unknown): number => {
  if (!consumed) return 0;
  const list = Array.isArray(consumed) ? consumed : [consumed];
  return list.reduce((sum, entry: any) => sum + (Number(entry?.CapacityUnits) || 0), 0);
};

const returnedItems = (output: any): number => {
  if (!output) return 0;
  if (typeof output.Count === 'number') return output.Count;
  if (output.Responses && !Array.isArray(output.Responses)) return Object.values(output.Responses as Record<string, unknown[]>).reduce((n, items) => n + items.length, 0);
  return output.Item ? 1 : 0;
};

/**
 * Adds the counting middleware to a document client's stack (the document
 * client shares its stack with the underlying DynamoDBClient). Runs at
 * `initialize`, before the document client marshalls, so the recorded input
 * is the one `db.doc.send` was given.
 */
export function instrument(doc: DynamoDBDocumentClient, onUntraced?: (call: RecordedCall) => void) {
  doc.middlewareStack.add(
    (next, context) => async (args: any) => {
      const op = String(context.commandName ?? '').replace(/Command$/, '');
      if (!ITEM_OPS.has(op)) return next(args);
      const input = { ...args.input, ReturnConsumedCapacity: 'TOTAL' };
      const trace = als.getStore();
      const call: RecordedCall = { op, input: structuredClone(input), capacity: 0, returned: 0, startedAt: performance.now(), endedAt: 0 };
      if (trace?.closed) trace.late++;
      inFlight++;
      try {
        const result: any = await next({ ...args, input });
        call.capacity = totalCapacity(result?.output?.ConsumedCapacity);
        call.returned = returnedItems(result?.output);
        return result;
      } catch (error) {
        call.error = (error as Error).name;
        throw error;
      } finally {
        call.endedAt = performance.now();
        inFlight--;
        if (trace) trace.calls.push(call);
        else onUntraced?.(call);
      }
    },
    { step: 'initialize', name: 'benchCapacityCounter', priority: 'high', override: true },
  );
}

/** A short label per call, e.g. `Query(gsi2)`, `Get`, `TransactWrite[7]`. */
export function describeCall(call: RecordedCall): string {
  const input = call.input;
  switch (call.op) {
    case 'GetItem':
      return input.ConsistentRead ? 'Get(strong)' : 'Get';
    case 'Query':
      return `Query(${input.IndexName ?? 'table'}${input.Select === 'COUNT' ? ',COUNT' : ''}${input.Limit === undefined ? ',NO LIMIT' : ''})`;
    case 'Scan':
      return 'SCAN';
    case 'BatchGetItem':
      return `BatchGet[${Object.values(input.RequestItems ?? {}).reduce((n: number, r: any) => n + (r.Keys?.length ?? 0), 0)}]`;
    case 'BatchWriteItem':
      return `BatchWrite[${Object.values(input.RequestItems ?? {}).reduce((n: number, r: any) => n + (r?.length ?? 0), 0)}]`;
    case 'TransactWriteItems':
      return `TransactWrite[${input.TransactItems?.length ?? 0}]`;
    case 'TransactGetItems':
      return `TransactGet[${input.TransactItems?.length ?? 0}]`;
    default:
      return call.op.replace(/Item$/, '');
  }
}

/** A Scan, or a Query without Limit (unbounded: it reads a whole partition, however large). */
export const isUnbounded = (call: RecordedCall) => call.op === 'Scan' || (call.op === 'Query' && call.input.Limit === undefined);

/**
 * Round trips in sequence: calls whose time spans overlap ran concurrently and
 * count once. (A request that awaits its calls one by one has depth = calls.)
 */
export function sequentialDepth(calls: readonly RecordedCall[]): number {
  const sorted = [...calls].sort((a, b) => a.startedAt - b.startedAt);
  let depth = 0;
  let waveEnd = -Infinity;
  for (const call of sorted) {
    if (call.startedAt >= waveEnd) {
      depth++;
      waveEnd = call.endedAt;
    } else {
      waveEnd = Math.max(waveEnd, call.endedAt);
    }
  }
  return depth;
}

const COMMANDS: Record<string, new (input: any) => any> = {
  GetItem: GetCommand,
  PutItem: PutCommand,
  UpdateItem: UpdateCommand,
  DeleteItem: DeleteCommand,
  Query: QueryCommand,
  Scan: ScanCommand,
  BatchGetItem: BatchGetCommand,
  BatchWriteItem: BatchWriteCommand,
  TransactGetItems: TransactGetCommand,
  TransactWriteItems: TransactWriteCommand,
};

const ALWAYS_TRUE = 'attribute_not_exists(#benchNeverSet)';

/** Drops expression names and values no expression of `target` mentions any more (DynamoDB refuses unused ones). */
function pruneExpressionAttributes(target: Record<string, any>) {
  const text = ['KeyConditionExpression', 'FilterExpression', 'ProjectionExpression', 'UpdateExpression', 'ConditionExpression']
    .map((name) => target[name] ?? '')
    .join(' ');
  if (target.ExpressionAttributeNames) {
    for (const name of Object.keys(target.ExpressionAttributeNames)) if (!new RegExp(`${name}(?![\\w])`).test(text)) delete target.ExpressionAttributeNames[name];
    if (Object.keys(target.ExpressionAttributeNames).length === 0) delete target.ExpressionAttributeNames;
  }
  if (target.ExpressionAttributeValues) {
    for (const name of Object.keys(target.ExpressionAttributeValues)) if (!new RegExp(`${name}(?![\\w])`).test(text)) delete target.ExpressionAttributeValues[name];
    if (Object.keys(target.ExpressionAttributeValues).length === 0) delete target.ExpressionAttributeValues;
  }
}

/** A write's condition replaced by one that always holds, on the shadow table (so the replay writes what the request wrote). */
function neutralise(target: Record<string, any>, shadowTable: string) {
  target.TableName = shadowTable;
  if (target.ConditionExpression) {
    target.ConditionExpression = ALWAYS_TRUE;
    target.ExpressionAttributeNames = { ...(target.ExpressionAttributeNames ?? {}), '#benchNeverSet': '__bench_never_set' };
  }
  delete target.ReturnValuesOnConditionCheckFailure;
  pruneExpressionAttributes(target);
}

/**
 * The input to replay a call with. Reads are replayed as they were, on the
 * real table. Writes go to a shadow table with their conditions replaced by
 * one that always holds: the same items, sizes and index updates, but the
 * replay neither fails on the conditions the original already satisfied nor
 * changes the data the bench goes on reading.
 */
export function replayInput(call: RecordedCall, shadowTable: string): Record<string, any> {
  const input = structuredClone(call.input);
  switch (call.op) {
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      neutralise(input, shadowTable);
      break;
    case 'TransactWriteItems':
      for (const item of input.TransactItems ?? []) {
        for (const kind of ['Put', 'Update', 'Delete', 'ConditionCheck']) if (item[kind]) neutralise(item[kind], shadowTable);
      }
      break;
    case 'BatchWriteItem':
      input.RequestItems = Object.fromEntries(Object.values(input.RequestItems ?? {}).map((requests) => [shadowTable, requests]));
      break;
    default:
      break;
  }
  return input;
}

/**
 * Before a timed replay (and untimed): copies into the shadow table the items,
 * as the request left them, that the calls' updates change. An update such as
 * `version = version + 1` on an item the shadow table lacks is refused, and a
 * refused transaction writes nothing, so the floor would time a validation
 * error instead of the write (submit bid's TransactWrite[7] was refused that way).
 */
export async function seedShadow(doc: DynamoDBDocumentClient, calls: readonly RecordedCall[], shadowTable: string): Promise<void> {
  const updates: { TableName: string; Key: Record<string, unknown> }[] = [];
  for (const call of calls) {
    if (call.op === 'UpdateItem') updates.push(call.input as never);
    if (call.op === 'TransactWriteItems') for (const item of call.input.TransactItems ?? []) if (item.Update) updates.push(item.Update);
  }
  for (const { TableName, Key } of updates) {
    const { Item } = await doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
    if (Item) await doc.send(new PutCommand({ TableName: shadowTable, Item }));
  }
}

/** Replays calls one after another through `doc` (no middleware), returning the elapsed milliseconds. */
export async function replay(doc: DynamoDBDocumentClient, inputs: readonly { op: string; input: Record<string, any> }[]): Promise<number> {
  const started = performance.now();
  for (const { op, input } of inputs) {
    const Command = COMMANDS[op];
    if (!Command) throw new Error(`cannot replay ${op}`);
    // The shadow table holds only what earlier replays wrote: an update that reads an attribute of an item it
    // never got (`version = version + 1`) is refused, but only after the same round trip, which is all the floor measures.
    await doc.send(new Command(input)).catch((error: { name?: string }) => {
      if (error.name !== 'ValidationException' && error.name !== 'TransactionCanceledException') throw error;
    });
  }
  return performance.now() - started;
}
