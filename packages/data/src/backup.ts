import { createHash } from 'node:crypto';
import { BatchWriteItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * The backup format of a table (local operators' `npm run ops -- backup`):
 * JSON lines, UTF-8.
 *
 *   line 1     header: {"format":"sharedtech-table-backup","version":1,"table":…,"createdAt":…,"items":N,"sha256":…}
 *   lines 2…   one item per line in DynamoDB's own JSON (`{"pk":{"S":"…"},"n":{"N":"1"}}`, binary as base64),
 *              sorted by pk then sk, so one table state has exactly one backup text
 *
 * `sha256` is the hex SHA-256 of the item lines, each followed by "\n"; a
 * restore refuses a file whose count or checksum does not match its header.
 * Raw attribute values keep every type exactly (numbers as DynamoDB's decimal
 * strings, sets, binary), which a round trip through JavaScript values would not.
 */
export const BACKUP_FORMAT = 'sharedtech-table-backup';
export const BACKUP_VERSION = 1;

export type RawItem = Record<string, AttributeValue>;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  table: string;
  createdAt: string;
  items: number;
  sha256: string;
}

/** Binary values as base64 so the line is plain JSON (and back). */
function encodeValue(value: AttributeValue): unknown {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(encodeValue) };
  if (value.M !== undefined) return { M: encodeItem(value.M) };
  return value;
}

function decodeValue(value: Record<string, unknown>): AttributeValue {
  if (typeof value.B === 'string') return { B: Buffer.from(value.B, 'base64') };
  if (Array.isArray(value.BS)) return { BS: (value.BS as string[]).map((b) => Buffer.from(b, 'base64')) };
  if (Array.isArray(value.L)) return { L: (value.L as Record<string, unknown>[]).map(decodeValue) };
  if (value.M && typeof value.M === 'object') return { M: decodeItem(value.M as Record<string, Record<string, unknown>>) };
  return value as unknown as AttributeValue;
}

function encodeItem(item: RawItem): Record<string, unknown> {
  // Attribute order fixed, so one item has one line.
  return Object.fromEntries(
    Object.keys(item)
      .sort()
      .map((name) => [name, encodeValue(item[name]!)]),
  );
}

function decodeItem(encoded: Record<string, Record<string, unknown>>): RawItem {
  return Object.fromEntries(Object.entries(encoded).map(([name, value]) => [name, decodeValue(value)]));
}

const keyOf = (item: RawItem) => `${item.pk?.S ?? ''}\u0000${item.sk?.S ?? ''}`;

/** The item lines of a table state (sorted, one per item) and their checksum. */
export function backupLines(items: readonly RawItem[]): { lines: string[]; sha256: string } {
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const lines = sorted.map((item) => JSON.stringify(encodeItem(item)));
  const hash = createHash('sha256');
  for (const line of lines) hash.update(`${line}\n`);
  return { lines, sha256: hash.digest('hex') };
}

/** The whole backup text of a table state. */
export function formatBackup(table: string, items: readonly RawItem[], createdAt: string): { text: string; header: BackupHeader } {
  const { lines, sha256 } = backupLines(items);
  const header: BackupHeader = { format: BACKUP_FORMAT, version: BACKUP_VERSION, table, createdAt, items: lines.length, sha256 };
  return { text: [JSON.stringify(header), ...lines].map((line) => `${line}\n`).join(''), header };
}

export class BackupFileError extends Error {}

/** Parses and checks a backup text: the header's format, count and checksum must match the items. */
export function parseBackup(text: string): { header: BackupHeader; items: RawItem[] } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let header: BackupHeader;
  try {
    header = JSON.parse(lines[0] ?? '');
  } catch {
    throw new BackupFileError('not a backup: the first line is not a JSON header');
  }
  if (header?.format !== BACKUP_FORMAT || header.version !== BACKUP_VERSION) {
    throw new BackupFileError(`not a backup of this format (expected ${BACKUP_FORMAT} version ${BACKUP_VERSION})`);
  }
  const itemLines = lines.slice(1);
  if (itemLines.length !== header.items) {
    throw new BackupFileError(`the header announces ${header.items} items, the file holds ${itemLines.length}`);
  }
  const hash = createHash('sha256');
  for (const line of itemLines) hash.update(`${line}\n`);
  const actual = hash.digest('hex');
  if (actual !== header.sha256) throw new BackupFileError(`checksum mismatch: the header says ${header.sha256}, the items hash to ${actual}`);
  let items: RawItem[];
  try {
    items = itemLines.map((line) => decodeItem(JSON.parse(line)));
  } catch {
    throw new BackupFileError('an item line is not valid JSON');
  }
  return { header, items };
}

/**
 * Every item of a table, read with a parallel Scan (`segments` at once) and
 * strongly consistent reads. An operator's path, never a request's.
 */
export async function scanTable(
  client: DynamoDBClient,
  tableName: string,
  options: { segments?: number; filter?: { expression: string; names?: Record<string, string>; values?: RawItem } } = {},
): Promise<RawItem[]> {
  const segments = options.segments ?? 4;
  const parts = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      const items: RawItem[] = [];
      let start: RawItem | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            Segment: segment,
            TotalSegments: segments,
            ConsistentRead: true,
            ExclusiveStartKey: start,
            FilterExpression: options.filter?.expression,
            ExpressionAttributeNames: options.filter?.names,
            ExpressionAttributeValues: options.filter?.values,
          }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    }),
  );
  return parts.flat();
}

/**
 * A consistent export while the table may be in use: scans until two scans in
 * a row read exactly the same items (so no write landed between them and
 * every transaction is in the export wholly or not at all), for at most
 * `withinMs`.
 */
export async function snapshotTable(client: DynamoDBClient, tableName: string, withinMs = 60_000): Promise<{ items: RawItem[]; sha256: string; scans: number }> {
  const deadline = Date.now() + withinMs;
  let previous: string | undefined;
  for (let scan = 1; ; scan++) {
    const items = await scanTable(client, tableName);
    const { sha256 } = backupLines(items);
    if (previous === sha256) return { items, sha256, scans: scan };
    if (Date.now() > deadline) throw new Error(`the table kept changing while it was read (${scan} scans, no two alike in ${withinMs / 1000} s); back up when it is quieter`);
    previous = sha256;
  }
}

/** Writes items with BatchWriteItem (25 at a time), resending whatever DynamoDB leaves unprocessed. */
export async function writeItems(client: DynamoDBClient, tableName: string, items: readonly RawItem[]): Promise<void> {
  for (let offset = 0; offset < items.length; offset += 25) {
    let requests = items.slice(offset, offset + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length; attempt++) {
      if (attempt > 10) throw new Error('DynamoDB kept leaving items unprocessed');
      if (attempt) await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
      requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  }
}
