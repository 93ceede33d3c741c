import { BatchGetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  firstHanChar, indexTokens, isCharToken, rankSearchHits, technicalRequestSchema, type IndexToken, type TokenPosting, type SearchHit, type TechnicalRequest,
} from '@sharedtech/core';
import type { Db } from './client.js';
import { deleteItem, type Write } from './commit.js';
import { toDomainError } from './errors.js';
import { keys, stripKeys } from './keys.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, queryEntirePartition, onTable, type Page, type PageRequest } from './query.js';

/** Index entries read per query token (one Query with this Limit): the bound on a search's reads. */
export const SEARCH_READS_PER_TOKEN = 100;
/** A search ranks at most this many hits; pages walk this list (bounded top-k). */
export const MAX_SEARCH_RESULTS = 100;
/** BatchGet retries of keys DynamoDB left unprocessed (throttling), before giving up on them. */
const BATCH_GET_ATTEMPTS = 3;

const tokenItemSchema = z.object({
  requestId: z.string(),
  token: z.string(),
  weight: z.number().int(),
  cluster: z.string(),
  tags: z.array(z.string()),
});
type TokenItem = z.infer<typeof tokenItemSchema>;

/**
 * A token item: small (no copy of the request), with what a search filters on
 * (cluster, tags). A one-character token is only ever looked up by its first
 * character, so it has only that index entry.
 */
const tokenItem = (request: TechnicalRequest, { token, weight }: IndexToken) => ({
  ...keys.searchToken(request.id, token),
  ...(isCharToken(token)
    ? {}
    : { ...keys.requestsByToken(token, 'OPEN', weight, request.id), ...keys.requestsByTokenInCluster(token, request.cluster, 'OPEN', weight, request.id) }),
  ...(firstHanChar(token) ? keys.requestsByFirstChar(firstHanChar(token)!, 'OPEN', weight, request.id) : {}),
  requestId: request.id,
  token,
  weight,
  cluster: request.cluster,
  tags: request.tags,
});

/** The tokens a request has in the index: its index tokens while OPEN, none in any other state. */
const indexedTokens = (request: TechnicalRequest | undefined): IndexToken[] => (request?.status === 'OPEN' ? indexTokens(request) : []);

const sameTags = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((tag, index) => tag === b[index]);

/** Puts for the tokens that are new or changed, deletes for the ones that went away. */
function tokenWrites(db: Db, next: TechnicalRequest, stored: Map<string, Omit<TokenItem, 'requestId' | 'token'>>): Write[] {
  const wanted = indexedTokens(next);
  const wantedTokens = new Set(wanted.map(({ token }) => token));
  const unchanged = (entry: IndexToken) => {
    const item = stored.get(entry.token);
    return item !== undefined && item.weight === entry.weight && item.cluster === next.cluster && sameTags(item.tags, next.tags);
  };
  return [
    ...wanted.filter((entry) => !unchanged(entry)).map((entry) => ({ op: { Put: { TableName: db.tableName, Item: tokenItem(next, entry) } } })),
    ...[...stored.keys()].filter((token) => !wantedTokens.has(token)).map((token) => deleteItem(db, keys.searchToken(next.id, token))),
  ];
}

/**
 * The token writes of a request change, for the same transaction: all of them
 * when it becomes OPEN, the difference when its content changes while OPEN,
 * deletes when it leaves OPEN, nothing otherwise. At most MAX_TOKENS_PER_REQUEST
 * items each way.
 */
export function writesForSearchTokens(db: Db, previous: TechnicalRequest | undefined, next: TechnicalRequest): Write[] {
  const stored = new Map(indexedTokens(previous).map(({ token, weight }) => [token, { weight, cluster: previous!.cluster, tags: previous!.tags }]));
  return tokenWrites(db, next, stored);
}

/** The token items a request has in the table (strongly consistent; for the upgrade). */
export const listSearchTokensOfRequest = (db: Db, requestId: string) =>
  queryEntirePartition(
    db,
    {
      ...onTable(keys.request(requestId).pk),
      schema: tokenItemSchema,
      newestFirst: false,
      sortKeyCondition: { expression: 'begins_with(sk, :token)', values: { ':token': 'TOK#' } },
    },
    true,
  );

/** The writes that bring a request's stored token items to what the current code derives (none if they already are). */
export function writesToReindexSearch(db: Db, request: TechnicalRequest, stored: readonly TokenItem[]): Write[] {
  return tokenWrites(db, request, new Map(stored.map(({ token, weight, cluster, tags }) => [token, { weight, cluster, tags }])));
}

export interface SearchFilter {
  /** Query tokens (core parseSearchQuery), at most MAX_QUERY_TOKENS. */
  tokens: string[];
  cluster?: string;
  tag?: string;
}

/**
 * One Query per token with a Limit, newest among the heaviest first: gsi1
 * `REQS#TOK#<token>#OPEN`, or gsi2 `REQS#TOK#<token>#CLUSTER#<c>#OPEN` when a
 * cluster is given; a one-character token reads gsi3 `REQS#CHAR#<c>#OPEN` (every
 * token starting with it) with the cluster as a filter. A tag is always a filter
 * on the token items; DynamoDB applies filters after the Limit.
 */
async function readPostings(db: Db, filter: SearchFilter): Promise<TokenPosting[]> {
  const read = async (token: string): Promise<TokenPosting[]> => {
    const byChar = isCharToken(token);
    const partition = byChar
      ? { index: 'gsi3', name: 'gsi3pk', value: keys.requestsByFirstChar(token, 'OPEN', 0, '').gsi3pk }
      : filter.cluster
        ? { index: 'gsi2', name: 'gsi2pk', value: keys.requestsByTokenInCluster(token, filter.cluster, 'OPEN', 0, '').gsi2pk }
        : { index: 'gsi1', name: 'gsi1pk', value: keys.requestsByToken(token, 'OPEN', 0, '').gsi1pk };
    const clusterFilter = byChar && filter.cluster !== undefined;
    const filters = [clusterFilter ? '#cluster = :cluster' : '', filter.tag ? 'contains(#tags, :tag)' : ''].filter(Boolean);
    const input: QueryCommandInput = {
      TableName: db.tableName,
      IndexName: partition.index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': partition.name, ...(clusterFilter ? { '#cluster': 'cluster' } : {}), ...(filter.tag ? { '#tags': 'tags' } : {}) },
      ExpressionAttributeValues: { ':pk': partition.value, ...(clusterFilter ? { ':cluster': filter.cluster } : {}), ...(filter.tag ? { ':tag': filter.tag } : {}) },
      FilterExpression: filters.length ? filters.join(' AND ') : undefined,
      ScanIndexForward: false,
      Limit: SEARCH_READS_PER_TOKEN,
    };
    const result = await db.doc.send(new QueryCommand(input));
    // By first character, the items are other tokens (焊缝, 焊接…): each counts as the query's character.
    return (result.Items ?? []).map((item) => ({ ...tokenItemSchema.parse(stripKeys(item)), token }));
  };
  try {
    return (await Promise.all(filter.tokens.map(read))).flat();
  } catch (error) {
    throw toDomainError(error);
  }
}

/** Requests by id in one BatchGet (at most 100 keys), in the order asked; missing ones are left out. */
async function batchGetRequests(db: Db, ids: readonly string[]): Promise<Map<string, TechnicalRequest>> {
  const found = new Map<string, TechnicalRequest>();
  let pending: Record<string, unknown>[] = ids.map((id) => keys.request(id));
  try {
    for (let attempt = 0; pending.length > 0 && attempt < BATCH_GET_ATTEMPTS; attempt += 1) {
      const result = await db.doc.send(new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: pending } } }));
      for (const item of result.Responses?.[db.tableName] ?? []) {
        const request = technicalRequestSchema.parse(stripKeys(item));
        found.set(request.id, request);
      }
      pending = (result.UnprocessedKeys?.[db.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  } catch (error) {
    throw toDomainError(error);
  }
  return found;
}

export interface SearchResult {
  request: TechnicalRequest;
  hit: SearchHit;
}

const offsetSchema = z.object({ offset: z.number().int().min(0).max(MAX_SEARCH_RESULTS) });

/**
 * OPEN requests matching the query tokens, ranked (core rankSearchHits), a page
 * at a time. Never a Scan, and the cost does not grow with the table: one Query
 * per token (at most MAX_QUERY_TOKENS, each with Limit SEARCH_READS_PER_TOKEN)
 * and one BatchGet of the page's requests. The ranking is a bounded top-k: the
 * best MAX_SEARCH_RESULTS hits among the entries read; the signed cursor is an
 * offset into it, bound to the query and filters.
 */
export async function searchOpenRequests(db: Db, filter: SearchFilter, page: PageRequest = {}): Promise<Page<SearchResult>> {
  const limit = Math.min(page.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const fingerprint = JSON.stringify(['search', filter.tokens, filter.cluster ?? null, filter.tag ?? null]);
  let offset = 0;
  if (page.cursor) {
    const parsed = offsetSchema.safeParse(await db.cursors.decode(fingerprint, page.cursor));
    // A signed cursor always parses; this only guards against an older cursor format.
    offset = parsed.success ? parsed.data.offset : MAX_SEARCH_RESULTS;
  }
  if (filter.tokens.length === 0) return { items: [], nextCursor: null };
  const hits = rankSearchHits(filter, await readPostings(db, filter)).slice(0, MAX_SEARCH_RESULTS);
  const pageHits = hits.slice(offset, offset + limit);
  const requests = pageHits.length ? await batchGetRequests(db, pageHits.map((hit) => hit.requestId)) : new Map<string, TechnicalRequest>();
  // The index is eventually consistent: a request that left OPEN a moment ago may still be listed there.
  const items = pageHits.flatMap((hit) => {
    const request = requests.get(hit.requestId);
    return request?.status === 'OPEN' ? [{ request, hit }] : [];
  });
  const next = offset + limit;
  return { items, nextCursor: next < hits.length ? await db.cursors.encode(fingerprint, { offset: next }) : null };
}
