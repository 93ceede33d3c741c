import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { MAX_QUERY_TOKENS, parseSearchQuery, type TechnicalRequest } from '@sharedtech/core';
import { SEARCH_READS_PER_TOKEN, commitChange, keys, writesForNewRequest, writesForSearchTokens } from '@sharedtech/data';
import { startTestApi, type Caller, type TestApi } from '../support/harness.js';
import { consortium, cny, openRequest, requestBody } from '../support/fixtures.js';
import { recordDynamoCalls } from '../support/dynamo-calls.js';
import { corpus, corpusEntry, inParallel, textOf, wordsOf, type CorpusEntry } from '../support/search-corpus.js';

const api = await startTestApi();
const { moderator, enterprise, studio } = await consortium(api);

/** Posts, submits and approves every entry through the API: its token items come from the approval's own transaction. */
async function publish(target: TestApi, owner: Caller, association: Caller, entries: CorpusEntry[]) {
  const ids = await inParallel(entries, 6, (entry) => openRequest(target, owner, association, entry.content));
  return new Map(entries.map((entry, index) => [ids[index]!, entry]));
}

const CORPUS = corpus(225);
const published = await publish(api, enterprise.caller, moderator, CORPUS);
const idsWhere = (test: (entry: CorpusEntry) => boolean) => [...published].filter(([, entry]) => test(entry)).map(([id]) => id).sort();

/** Every hit of a search, following the cursor. */
async function searchAll(caller: Caller, params: Record<string, string>, limit = 100) {
  const items: { id: string; matched: string[]; score: number; cluster: string; tags: string[] }[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) });
    const response = await caller.get(`/v1/requests?${query}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    items.push(...response.body.items);
    cursor = response.body.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

const has = (phrase: string) => (entry: CorpusEntry) => textOf(entry).includes(phrase);
const word = (...words: string[]) => (entry: CorpusEntry) => words.every((w) => wordsOf(entry).has(w));
const inCluster = (cluster: string) => (entry: CorpusEntry) => entry.content.cluster === cluster;
const tagged = (tag: string) => (entry: CorpusEntry) => entry.content.tags.includes(tag);
const all = (...tests: ((entry: CorpusEntry) => boolean)[]) => (entry: CorpusEntry) => tests.every((test) => test(entry));

const NEV = 'new-energy-vehicles';
const SM = 'smart-manufacturing';

/** Query → the corpus entries it must find, no more and no fewer. */
const EXPECTED: [string, Record<string, string>, (entry: CorpusEntry) => boolean][] = [
  ['Chinese phrase', { q: '焊缝检测' }, has('焊缝检测')],
  ['English word', { q: 'weld' }, word('weld')],
  ['long Chinese phrase (4 of 5 bigrams needed)', { q: '电池管理系统' }, has('电池管理系统')],
  ['acronym in Chinese and English requests', { q: 'BMS' }, word('bms')],
  ['Chinese phrase also in tags', { q: '机器视觉' }, has('机器视觉')],
  ['two English words', { q: 'machine vision' }, word('machine', 'vision')],
  ['latin acronym', { q: 'PLC' }, word('plc')],
  ['full-width latin', { q: 'ＰＬＣ' }, word('plc')],
  ['mixed latin and Chinese', { q: 'PLC 改造' }, all(word('plc'), has('改造'))],
  ['mixed, Chinese part of a longer run', { q: 'VCU 软件' }, all(word('vcu'), has('软件'))],
  ['Chinese technical term', { q: '数字孪生' }, has('数字孪生')],
  ['English technical term', { q: 'digital twin' }, word('digital', 'twin')],
  ['overlapping bigrams', { q: '电机控制' }, has('电机控制')],
  ['three characters', { q: '充电桩' }, has('充电桩')],
  ['five characters', { q: '预测性维护' }, has('预测性维护')],
  ['English, upper case', { q: 'Predictive MAINTENANCE' }, word('predictive', 'maintenance')],
  ['English words out of order', { q: 'protocol charging' }, word('charging', 'protocol')],
  ['with a cluster', { q: '热管理', cluster: NEV }, has('热管理')],
  ['common word, narrowed by cluster', { q: '检测', cluster: NEV }, all(has('检测'), inCluster(NEV))],
  ['common word in the other cluster', { q: '检测', cluster: SM }, all(has('检测'), inCluster(SM))],
  ['common word, narrowed by tag', { q: '检测', tag: '质量检测' }, all(has('检测'), tagged('质量检测'))],
  ['with cluster and tag', { q: '电池', cluster: NEV, tag: '电池' }, all(has('电池'), inCluster(NEV), tagged('电池'))],
  ['English with cluster and tag', { q: 'battery', cluster: NEV, tag: 'battery' }, all(word('battery'), tagged('battery'))],
  ['a word in another cluster finds nothing', { q: 'MES', cluster: NEV }, () => false],
  ['no hits (Chinese)', { q: '区块链' }, () => false],
  ['no hits (English)', { q: 'blockchain' }, () => false],
  ['a single Chinese character', { q: '焊' }, has('焊')],
  ['a single Chinese character with a cluster', { q: '机', cluster: SM }, all(has('机'), inCluster(SM))],
  ['a single Chinese character with a tag', { q: '电', tag: '电池' }, all(has('电'), tagged('电池'))],
];

describe('searching OPEN requests by words (GET /v1/requests?q=)', () => {
  it('finds exactly the expected requests of a 225-request Chinese and English corpus, for each query', async () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(200);
    expect(EXPECTED.length).toBeGreaterThanOrEqual(20);
    // The single-character cases are not trivial: 焊 is in some summaries only, 机 in both clusters.
    expect(CORPUS.some((entry) => entry.content.summary.includes('焊') && !entry.content.title.includes('焊'))).toBe(true);
    expect(CORPUS.filter(has('机')).length).toBeGreaterThan(CORPUS.filter(all(has('机'), inCluster(SM))).length);
    const failures: string[] = [];
    for (const [name, params, expected] of EXPECTED) {
      const found = (await searchAll(studio.caller, params)).map((item) => item.id).sort();
      const want = idsWhere(expected);
      if (JSON.stringify(found) !== JSON.stringify(want)) failures.push(`${name} ${JSON.stringify(params)}: found ${found.length}, expected ${want.length}`);
    }
    expect(failures).toEqual([]);
  });

  it('ranks title over summary over tags, and says which words matched', async () => {
    const hits = await searchAll(studio.caller, { q: '焊缝检测' });
    expect(hits.map((hit) => published.get(hit.id)!.placement)).toEqual(['title', 'title', 'title', 'summary', 'summary', 'summary', 'tags', 'tags', 'tags']);
    expect(hits.map((hit) => hit.score)).toEqual([12, 12, 12, 6, 6, 6, 3, 3, 3]);
    expect(new Set(hits.map((hit) => hit.matched.join('|')))).toEqual(new Set(['焊缝检测']));

    const mixed = await searchAll(studio.caller, { q: 'PLC 改造 区块链' });
    // 'plc' and '改造' match, the 3 bigrams of 区块链 do not: 2 of 5 tokens is below two thirds.
    expect(mixed).toEqual([]);
    const partial = await searchAll(studio.caller, { q: 'PLC程序' });
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.every((hit) => hit.matched.includes('plc'))).toBe(true);
  });

  it('pages through the ranked hits with a signed cursor bound to the query', async () => {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const response = await studio.caller.get(`/v1/requests?q=PLC&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      pages.push(response.body.items.map((item: { id: string }) => item.id));
      cursor = response.body.nextCursor ?? undefined;
      if (pages.length === 1) {
        const borrowed = await studio.caller.get(`/v1/requests?q=BMS&limit=4&cursor=${cursor}`);
        expect(borrowed.status).toBe(400);
        expect(borrowed.body.error.code).toBe('INVALID_CURSOR');
      }
    } while (cursor);
    expect(pages.slice(0, -1).every((page) => page.length === 4)).toBe(true);
    const ids = pages.flat();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(idsWhere(word('plc')));
  });

  it('finds a request only while it is OPEN: its token items come and go in its own transactions', async () => {
    const body = requestBody(api, { title: '氢燃料电堆测试台架', summary: '需要氢燃料电堆的耐久测试台架与数据采集方案。', tags: ['氢能'], cluster: NEV });
    const created = await enterprise.caller.post('/v1/requests', body);
    const id = created.body.id as string;
    const search = async () => (await studio.caller.get('/v1/requests?q=氢燃料电堆')).body.items.map((item: { id: string }) => item.id);
    const tokenItems = async () =>
      (await api.deps.db.doc.send(new QueryCommand({
        TableName: api.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tok)',
        ExpressionAttributeValues: { ':pk': keys.request(id).pk, ':tok': 'TOK#' },
        ConsistentRead: true,
      }))).Items ?? [];

    expect(await search()).toEqual([]);
    await enterprise.caller.post(`/v1/requests/${id}/submit`);
    expect(await search()).toEqual([]);
    expect(await tokenItems()).toEqual([]);

    expect((await moderator.post(`/v1/requests/${id}/review`, { decision: 'APPROVE' })).status).toBe(200);
    expect(await search()).toEqual([id]);
    expect((await tokenItems()).length).toBeGreaterThan(10);
    const owner = await enterprise.caller.get('/v1/requests?mine=true');
    expect(owner.body.items[0]).not.toHaveProperty('matched');

    expect((await enterprise.caller.post(`/v1/requests/${id}/close`, { reason: '已找到合作方' })).status).toBe(200);
    expect(await search()).toEqual([]);
    expect(await tokenItems()).toEqual([]);
  });

  it('refuses searches it cannot answer, and unknown query parameters on every list', async () => {
    const refused = async (path: string, param: string) => {
      const response = await studio.caller.get(path);
      expect(response.status, path).toBe(400);
      expect(response.body.error.code, path).toBe('VALIDATION_FAILED');
      expect(response.body.error.details.issues.map((issue: { path: string }) => issue.path), path).toContain(param);
    };
    await refused('/v1/requests?q=%3F%3F%20%E7%9A%84', 'q'); // "?? 的": no searchable word
    await refused('/v1/requests?q=', 'q');
    await refused(`/v1/requests?q=${'长'.repeat(101)}`, 'q');
    await refused('/v1/requests?query=PLC', 'query');
    await refused('/v1/requests?cluster=smart-manufacturing&sort=new&colour=red', 'sort');
    await refused('/v1/requests?colour=red', 'colour');
    for (const path of [
      '/v1/bids?x=1', '/v1/contracts?x=1', '/v1/disputes?x=1', '/v1/notifications?x=1', '/v1/orgs?x=1', `/v1/orgs/${studio.orgId}/members?x=1`,
      '/v1/stats?cluster=smart-manufacturing&x=1', '/v1/matches?x=1', `/v1/audit?entity=organisation:${studio.orgId}&x=1`,
    ]) {
      const response = await studio.caller.get(path);
      expect(response.status, path).toBe(400);
      expect(response.body.error.details.issues[0].path, path).toBe('x');
    }
    const mine = await enterprise.caller.get('/v1/requests?q=PLC&mine=true');
    expect(mine.status).toBe(400);
    expect(mine.body.error.code).toBe('UNSUPPORTED_FILTER');
    expect((await moderator.get('/v1/requests?q=PLC&status=SUBMITTED')).status).toBe(400);
    expect((await studio.caller.get('/v1/requests?q=PLC&status=OPEN')).status).toBe(200);
  });
});

// A second table for the cost: 30 requests, then 10× as many, 270 of them about welding, so
// the index partitions of the searched words grow well past the per-token read limit.
const small = await startTestApi();
const calls = recordDynamoCalls(small.deps.db);
const team = await consortium(small);
await publish(small, team.enterprise.caller, team.moderator, corpus(30));

describe('the cost of a search', () => {

  /** Puts OPEN requests with exactly the items the app writes for them (request, tag copies, token items). */
  async function grow(entries: CorpusEntry[]) {
    const now = small.clock().toISOString();
    await inParallel(entries, 8, async (entry, index) => {
      const base = requestBody(small, entry.content);
      const request: TechnicalRequest = {
        ...base,
        id: small.deps.ids('request'),
        ownerOrgId: team.enterprise.orgId,
        status: 'OPEN',
        budget: { min: cny(10_000), max: cny(20_000 + index) },
        ipPreference: 'JOINT',
        createdBy: team.enterprise.caller.sub,
        createdAt: now,
        updatedAt: now,
        openedAt: now,
        version: 3,
      };
      await commitChange(small.deps.db, { writes: [...writesForNewRequest(small.deps.db, request), ...writesForSearchTokens(small.deps.db, undefined, request)], audit: [], notifications: [] });
    });
  }

  const SEARCHES = ['/v1/requests?q=焊缝检测', '/v1/requests?q=焊', `/v1/requests?q=检测&cluster=${SM}`, '/v1/requests?q=weld%20seam%20inspection', '/v1/requests?q=BMS&tag=BMS'];

  /** The DynamoDB calls each search makes, by command. */
  async function callsPerSearch() {
    const result: Record<string, Record<string, number>> = {};
    for (const path of SEARCHES) {
      calls.take();
      const response = await team.studio.caller.get(encodeURI(path));
      expect(response.status, path).toBe(200);
      const made = calls.take();
      for (const call of made.filter((c) => c.command === 'QueryCommand')) expect(call.input.Limit, path).toBe(SEARCH_READS_PER_TOKEN);
      result[path] = made.reduce<Record<string, number>>((counts, call) => ({ ...counts, [call.command]: (counts[call.command] ?? 0) + 1 }), {});
    }
    return result;
  }

  it('makes the same DynamoDB calls when the table grows 10×: one Query per token and one BatchGet', async () => {
    const before = await callsPerSearch();
    for (const path of SEARCHES) {
      const tokens = parseSearchQuery(decodeURIComponent(new URL(path, 'http://x').searchParams.get('q')!)).tokens.length;
      expect(tokens).toBeLessThanOrEqual(MAX_QUERY_TOKENS);
      expect(before[path]!.QueryCommand, path).toBe(tokens);
      expect(before[path]!.ScanCommand, path).toBeUndefined();
      expect(before[path]!.BatchGetItemCommand ?? 0, path).toBeLessThanOrEqual(1);
    }
    expect(before['/v1/requests?q=焊缝检测']!.BatchGetItemCommand).toBe(1);
    const weldFirst = await team.studio.caller.get(encodeURI('/v1/requests?q=焊缝检测'));
    expect(weldFirst.body.items.length).toBeLessThan(5);

    await grow(Array.from({ length: 270 }, (_, k) => corpusEntry(15 * (k + 2))));

    const after = await callsPerSearch();
    expect(after).toEqual(before);
    // …while the hits grew with the table: the first page is full and there is more.
    const weld = await team.studio.caller.get(encodeURI('/v1/requests?q=焊缝检测'));
    expect(weld.body.items).toHaveLength(20);
    expect(weld.body.nextCursor).toEqual(expect.any(String));
    expect(weld.body.items.every((item: { matched: string[] }) => item.matched.length > 0)).toBe(true);
  });
});
