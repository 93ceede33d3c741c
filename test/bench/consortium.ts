/**
 * The consortium the bench measures, at any size.
 *
 * The organisations and a handful of template objects are made through the
 * real app over HTTP (so every item they consist of — tag copies, locks,
 * timers, ledger entries, balances, audit records, notifications — is what
 * the product writes). Each template's items are captured as a table diff,
 * and the bulk of the data is written as clones of them with fresh ids, by
 * parallel BatchWriteItem: the same shapes, at any multiple, in seconds.
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { DEMO_BASE_STAGES, DEMO_IDENTITIES, seedDemoConsortium, type Db } from './app.js';
import { callerFor, type BenchServer, type Caller } from './server.js';
import { bidBody, cny } from '../support/bid-body.js';

export { bidBody };
import { benchCreditCode } from './credit-code.js';

export const CLUSTER = 'smart-manufacturing';
export const OTHER_CLUSTER = 'new-energy-vehicles';
export const TAG = '机器视觉';

/** Per 1× of data: requests, bids (5 per request), contracts and notifications. */
export const UNIT = { requests: 100, bidsPerRequest: 5, contracts: 20, notifications: 1_000 } as const;

/**
 * The first page of every list the bench measures, full at every size. At 1×
 * some callers' lists are shorter than a page, and comparing them with 100×
 * would show a page filling up, not a read growing with the data; so each
 * size is topped up to these, and only where it falls short (100× needs
 * none): contracts of the demo enterprise with the demo studio (contract and
 * account lists: pages of 20), OPEN requests of each kind of request the templates
 * post (matching reads at most 50 per tag and cluster), and notifications in
 * each inbox (the unread badge counts at most 100).
 */
export const PAGE_FILL = { demoEnterpriseContracts: 21, openRequestsPerKind: 51, notificationsPerInbox: 101 } as const;


export interface Org {
  caller: Caller;
  orgId: string;
}

/** A studio and the team of its roster people its bids name (at least one teacher). */
export interface Studio extends Org {
  team: { personIds: string[] };
}

export interface Consortium {
  association: Caller;
  enterprises: Org[];
  studios: Studio[];
  government: Org;
  college: Org;
}

function expectStatus(what: string, result: { status: number; body: unknown }, ...statuses: number[]) {
  if (!statuses.includes(result.status)) throw new Error(`${what}: HTTP ${result.status} ${JSON.stringify(result.body).slice(0, 400)}`);
}

/**
 * The demo consortium (as `npm start` seeds it) plus, by default, four
 * enterprises and five studios of the bench (so each request can have five
 * bids from five studios); `--tiny` makes fewer.
 */
export async function buildConsortium(server: BenchServer, size: { enterprises: number; studios: number } = { enterprises: 5, studios: 6 }): Promise<Consortium> {
  await seedDemoConsortium(server.deps, DEMO_BASE_STAGES);
  const base = server.base;
  const me = async (caller: Caller): Promise<Org> => {
    const read = await caller.get('/v1/me');
    expectStatus('GET /v1/me', read, 200);
    return { caller, orgId: read.body.organisation.id };
  };
  const association = await callerFor(base, DEMO_IDENTITIES.association);
  const college = await me(await callerFor(base, DEMO_IDENTITIES.college));
  const government = await me(await callerFor(base, DEMO_IDENTITIES.government));
  const register = async (sub: string, input: Record<string, unknown>): Promise<Org> => {
    const caller = await callerFor(base, sub);
    const created = await caller.post('/v1/orgs', input);
    expectStatus(`register ${sub}`, created, 201);
    const verified = await association.post(`/v1/orgs/${created.body.id}/verification`, { decision: 'VERIFY' });
    expectStatus(`verify ${sub}`, verified, 200);
    return { caller, orgId: created.body.id };
  };
  const enterprises = [await me(await callerFor(base, DEMO_IDENTITIES.enterprise))];
  for (let i = 1; i < size.enterprises; i++) {
    enterprises.push(await register(`bench-enterprise-${i}`, { type: 'ENTERPRISE', name: `基准测试制造企业 ${i}`, cluster: i === 4 ? OTHER_CLUSTER : CLUSTER, creditCode: benchCreditCode() }));
  }
  // The demo studio names a teacher of its roster (the base stages made it); a bench studio gets a teacher and two students.
  const demoStudio = await me(await callerFor(base, DEMO_IDENTITIES.studio));
  const teachers = await demoStudio.caller.get(`/v1/orgs/${demoStudio.orgId}/people?kind=TEACHER&limit=1`);
  expectStatus('demo studio roster', teachers, 200);
  const studios: Studio[] = [{ ...demoStudio, team: { personIds: [teachers.body.items[0].id] } }];
  for (let i = 1; i < size.studios; i++) {
    const studio = await register(`bench-studio-${i}`, {
      type: 'STUDIO',
      name: `基准测试教师工作室 ${i}`,
      cluster: i % 2 ? CLUSTER : OTHER_CLUSTER,
      collegeId: college.orgId,
      capabilities: i % 2 ? [TAG, '质量检测'] : ['电池检测', '数据采集', TAG],
    });
    const personIds: string[] = [];
    for (const person of [{ kind: 'TEACHER', name: `基准老师 ${i}` }, { kind: 'STUDENT', name: `基准学生 ${i}A`, programme: '机电一体化技术', year: 2024 }, { kind: 'STUDENT', name: `基准学生 ${i}B`, programme: '工业机器人技术', year: 2025 }]) {
      const added = await studio.caller.post(`/v1/orgs/${studio.orgId}/people`, person);
      expectStatus(`roster of bench-studio-${i}`, added, 201);
      personIds.push(added.body.id);
    }
    studios.push({ ...studio, team: { personIds } });
  }
  return { association, enterprises, studios, government, college };
}

export function requestBody(index: number, cluster = CLUSTER) {
  const now = Date.now();
  return {
    title: `基准测试需求 ${index}：焊缝缺陷视觉检测`,
    summary: '需要对焊缝的气孔与裂纹进行在线视觉检测，替代人工抽检。',
    details: '节拍 3 秒/件；需提供光源、相机选型与检测算法，并现场调试。',
    cluster,
    tags: cluster === CLUSTER ? [TAG, '质量检测'] : ['电池检测', '数据采集'],
    budget: { min: cny(50_000), max: cny(100_000) },
    biddingDeadline: new Date(now + 25 * 86_400_000).toISOString(),
    wantedBy: new Date(now + 120 * 86_400_000).toISOString(),
    ipPreference: 'JOINT',
  };
}


export const awardBody = (bidId: string, enterpriseOrgId: string, studioOrgId: string) => ({
  bidId,
  shares: {
    benefitShares: [
      { orgId: enterpriseOrgId, bps: 6000 },
      { orgId: studioOrgId, bps: 4000 },
    ],
    riskShares: [
      { orgId: enterpriseOrgId, bps: 7000 },
      { orgId: studioOrgId, bps: 3000 },
    ],
    ipOwnership: 'JOINT',
  },
});

export const idempotencyKey = () => ({ 'idempotency-key': randomUUID() });

/** Posts, submits and approves a request: an OPEN request id. */
export async function openRequest(consortium: Consortium, owner: Org, index: number, cluster = CLUSTER): Promise<string> {
  const created = await owner.caller.post('/v1/requests', requestBody(index, cluster));
  expectStatus('create request', created, 201);
  const id = created.body.id as string;
  expectStatus('submit request', await owner.caller.post(`/v1/requests/${id}/submit`), 200);
  expectStatus('approve request', await consortium.association.post(`/v1/requests/${id}/review`, { decision: 'APPROVE' }), 200);
  return id;
}

export async function placeBid(studio: Studio, requestId: string, priceYuan = 90_000): Promise<string> {
  const bid = await studio.caller.post(`/v1/requests/${requestId}/bids`, bidBody(studio.team, priceYuan));
  expectStatus('bid', bid, 201);
  return bid.body.id;
}

// ── Templates: what the app writes for one object, captured as a table diff ──

type Item = Record<string, any>;

async function scanAll(db: Db): Promise<Map<string, string>> {
  const items = new Map<string, string>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(new ScanCommand({ TableName: db.tableName, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) items.set(`${item.pk}|${item.sk}`, JSON.stringify(item));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const ID = /\b(req|bid|ctr|dsp|jnl|stm|aud|ntf)_[0-9A-HJKMNP-TV-Z]{26}\b/g;

export interface Template {
  name: string;
  /** The template's items, as JSON text (cloned by replacing the ids it created). */
  items: string[];
  /** Ids created with the template (each clone gets fresh ones). */
  ids: Set<string>;
  /** New items left out of clones because their key names no object of the template (idempotency records, tasks, shared aggregates). */
  skipped: string[];
  /** The request/contract ids of the template, for the caller. */
  root: Record<string, string>;
}

/** Runs `make` and captures every item it created whose key names an object it created. */
export async function captureTemplate(db: Db, name: string, make: () => Promise<Record<string, string>>): Promise<Template> {
  const before = await scanAll(db);
  const root = await make();
  const after = await scanAll(db);
  const fresh = [...after].filter(([key]) => !before.has(key));
  const existingIds = new Set([...before.keys()].flatMap((key) => key.match(ID) ?? []));
  const ids = new Set(fresh.flatMap(([key]) => key.match(ID) ?? []).filter((id) => !existingIds.has(id)));
  const items: string[] = [];
  const skipped: string[] = [];
  for (const [key, json] of fresh) {
    if ((key.match(ID) ?? []).some((id) => ids.has(id))) items.push(json);
    else skipped.push(key);
  }
  return { name, items, ids, skipped, root };
}

const nextUlid = monotonicFactory();
const freshId = (old: string) => `${old.slice(0, 3)}_${nextUlid()}`;

/** The template's items with every id it created replaced by a fresh one (consistently across items). */
export function cloneTemplate(template: Template, include: (item: Item) => boolean = () => true): { items: Item[]; idMap: Map<string, string> } {
  const idMap = new Map<string, string>();
  for (const id of template.ids) idMap.set(id, freshId(id));
  const items: Item[] = [];
  for (const json of template.items) {
    const item = JSON.parse(json.replace(ID, (id) => idMap.get(id) ?? id)) as Item;
    if (include(item)) items.push(item);
  }
  return { items, idMap };
}

/**
 * Writes items with BatchWriteItem, 25 at a time, `concurrency` batches in
 * flight, retrying unprocessed items. Takes a generator so the data never
 * has to be in memory at once.
 */
export async function batchWrite(db: Db, source: Iterable<Item>, concurrency = 16): Promise<number> {
  const iterator = source[Symbol.iterator]();
  let written = 0;
  let done = false;
  const nextBatch = (): Item[] => {
    const batch: Item[] = [];
    while (!done && batch.length < 25) {
      const next = iterator.next();
      if (next.done) done = true;
      else batch.push(next.value);
    }
    return batch;
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let batch = nextBatch(); batch.length > 0; batch = nextBatch()) {
        let request: Record<string, any[]> | undefined = { [db.tableName]: batch.map((Item) => ({ PutRequest: { Item } })) };
        for (let attempt = 0; request; attempt++) {
          const result: { UnprocessedItems?: Record<string, any[]> } = await db.doc.send(new BatchWriteCommand({ RequestItems: request }));
          const unprocessed: any[] | undefined = result.UnprocessedItems?.[db.tableName];
          request = unprocessed && unprocessed.length > 0 ? { [db.tableName]: unprocessed } : undefined;
          if (request) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
        }
        written += batch.length;
      }
    }),
  );
  return written;
}

export interface Templates {
  /** OPEN requests with five bids, one per enterprise; [0] is the demo enterprise's, bid on by every studio but the demo studio. */
  open: Template[];
  /** ACTIVE contracts (milestone 1 released, milestone 2 funded) with their request and bids, one per enterprise. */
  contracts: Template[];
  /** An OPEN request of the demo enterprise with no bids (load run). */
  bare: Template;
}

const contractTemplate = async (consortium: Consortium, db: Db, e: number, index: number) => {
  const { enterprises, studios } = consortium;
  const enterprise = enterprises[e]!;
  const winner = studios[e % studios.length]!;
  return captureTemplate(db, `contract-${e}`, async () => {
    const requestId = await openRequest(consortium, enterprise, index, e === 4 ? OTHER_CLUSTER : CLUSTER);
    let winningBid = '';
    for (let s = 0; s < studios.length; s++) {
      if (s === (e + 3) % studios.length && studios[s] !== winner) continue;
      const bidId = await placeBid(studios[s]!, requestId, 90_000 + s);
      if (studios[s] === winner) winningBid = bidId;
    }
    const award = await enterprise.caller.post(`/v1/requests/${requestId}/award`, awardBody(winningBid, enterprise.orgId, winner.orgId));
    expectStatus('award', award, 201);
    const contractId = award.body.id as string;
    for (const signer of [enterprise, winner]) expectStatus('sign', await signer.caller.post(`/v1/contracts/${contractId}/sign`), 200);
    const step = async (who: Org, n: number, action: string, body: unknown = {}) =>
      expectStatus(action, await who.caller.post(`/v1/contracts/${contractId}/milestones/${n}/${action}`, body, idempotencyKey()), 200);
    await step(enterprise, 1, 'fund');
    await step(winner, 1, 'submit', { note: '样机完成，附测试报告。' });
    await step(enterprise, 1, 'accept');
    await step(enterprise, 2, 'fund');
    return { requestId, contractId, bidId: winningBid };
  });
};

export async function buildTemplates(consortium: Consortium, db: Db): Promise<Templates> {
  const { enterprises, studios } = consortium;
  const open: Template[] = [];
  let index = 0;
  for (let e = 0; e < enterprises.length; e++) {
    open.push(
      await captureTemplate(db, `open-${e}`, async () => {
        const requestId = await openRequest(consortium, enterprises[e]!, ++index, e === 4 ? OTHER_CLUSTER : CLUSTER);
        for (let s = 0; s < studios.length; s++) if (s !== e % studios.length) await placeBid(studios[s]!, requestId, 80_000 + s);
        return { requestId };
      }),
    );
  }
  const contracts: Template[] = [];
  for (let e = 0; e < enterprises.length; e++) contracts.push(await contractTemplate(consortium, db, e, ++index));
  const bare = await captureTemplate(db, 'bare', async () => ({ requestId: await openRequest(consortium, enterprises[0]!, ++index) }));
  return { open, contracts, bare };
}

export interface Loaded {
  scale: number;
  items: number;
  /** Of `counts`, what PAGE_FILL added on top of scale × UNIT. */
  filled: { requests: number; contracts: number; notifications: number };
  seconds: number;
  counts: { requests: number; bids: number; contracts: number; journalEntries: number; notifications: number };
  /** Clones of the demo enterprise's open request (bid on by the other studios): for reads. */
  demoRequests: string[];
  /** Clones of the demo enterprise's contract with the demo studio: for reads. */
  demoContracts: string[];
  /** Fresh OPEN requests of the demo enterprise (4 bids, none from the demo studio): one per timed bid. */
  targets: string[];
  skipped: string[];
}

const isNotification = (item: Item) => typeof item.pk === 'string' && item.pk.startsWith('INBOX#');

/** Bundles of the template at `at` when `bundles` are cloned round-robin over `templateCount` templates. */
const bundlesOf = (bundles: number, templateCount: number, at: number) => Math.floor(bundles / templateCount) + (at < bundles % templateCount ? 1 : 0);

/** The open templates grouped by the kind of request they post (cluster and tags), as indexes. */
function requestKinds(open: readonly Template[]): number[][] {
  const kinds = new Map<string, number[]>();
  open.forEach((template, at) => {
    const request = template.items.map((json) => JSON.parse(json) as Item).find((item) => item.sk === '#REQ')!;
    const kind = `${request.cluster}|${[...request.tags].sort().join(',')}`;
    kinds.set(kind, [...(kinds.get(kind) ?? []), at]);
  });
  return [...kinds.values()];
}

/**
 * Loads `scale` × UNIT of data as clones: contract bundles and open-request
 * bundles round-robin over the enterprises, `targets` fresh requests for the
 * timed writes, then notifications (clones of the templates' own, into the
 * same inboxes) up to UNIT.notifications × scale in all.
 */
export async function loadScale(db: Db, templates: Templates, scale: number, targets: number, options: { audit?: boolean; fillPages?: boolean } = {}): Promise<Loaded> {
  const started = performance.now();
  const contracts = Math.round(UNIT.contracts * scale);
  const openBundles = Math.max(0, Math.round(UNIT.requests * scale) - contracts);
  const counts = { requests: 0, bids: 0, contracts: 0, journalEntries: 0, notifications: 0 };
  const demoRequests: string[] = [];
  const demoContracts: string[] = [];
  const targetIds: string[] = [];
  const keepAudit = options.audit ?? false;
  const perInbox = new Map<string, number>();
  const include = (item: Item) => keepAudit || !String(item.pk).startsWith('AUDIT#');
  const count = (item: Item) => {
    if (item.sk === '#REQ') counts.requests++;
    else if (item.sk === '#BID') counts.bids++;
    else if (item.sk === '#CTR') counts.contracts++;
    else if (String(item.sk).startsWith('JNL#')) counts.journalEntries++;
    else if (isNotification(item)) {
      counts.notifications++;
      perInbox.set(item.pk, (perInbox.get(item.pk) ?? 0) + 1);
    }
  };
  const notificationSources = [...templates.open, ...templates.contracts].flatMap((template) => template.items.filter((json) => json.includes('"pk":"INBOX#')));
  const filled = { requests: 0, contracts: 0, notifications: 0 };
  const notification = (json: string): Item => {
    const item = JSON.parse(json.replace(/\bntf_[0-9A-HJKMNP-TV-Z]{26}\b/g, (id) => freshId(id))) as Item;
    count(item);
    return item;
  };
  function* items(): Generator<Item> {
    const bundle = function* (template: Template, sink?: string[], root?: string) {
      const { items: cloned, idMap } = cloneTemplate(template, include);
      if (sink && root) sink.push(idMap.get(template.root[root]!)!);
      for (const item of cloned) {
        count(item);
        yield item;
      }
    };
    for (let i = 0; i < contracts; i++) yield* bundle(templates.contracts[i % templates.contracts.length]!, i % templates.contracts.length === 0 ? demoContracts : undefined, 'contractId');
    for (let i = 0; i < openBundles; i++) yield* bundle(templates.open[i % templates.open.length]!, i % templates.open.length === 0 ? demoRequests : undefined, 'requestId');
    for (let i = 0; i < targets; i++) yield* bundle(templates.open[0]!, targetIds, 'requestId');
    const wanted = Math.round(UNIT.notifications * scale);
    for (let i = 0; counts.notifications < wanted && notificationSources.length > 0; i++) yield notification(notificationSources[i % notificationSources.length]!);
    // Full first pages (PAGE_FILL), counted apart.
    const before = { ...counts };
    if (options.fillPages) {
      for (let i = PAGE_FILL.demoEnterpriseContracts - bundlesOf(contracts, templates.contracts.length, 0); i > 0; i--) yield* bundle(templates.contracts[0]!);
      for (const kind of requestKinds(templates.open)) {
        const posted = kind.reduce((sum, at) => sum + bundlesOf(openBundles, templates.open.length, at), 0);
        for (let i = 0; i < PAGE_FILL.openRequestsPerKind - posted; i++) yield* bundle(templates.open[kind[i % kind.length]!]!);
      }
      for (const [pk, json] of new Map(notificationSources.map((source) => [JSON.parse(source).pk as string, source]))) {
        while ((perInbox.get(pk) ?? 0) < PAGE_FILL.notificationsPerInbox) yield notification(json);
      }
    }
    filled.requests = counts.requests - before.requests;
    filled.contracts = counts.contracts - before.contracts;
    filled.notifications = counts.notifications - before.notifications;
  }
  const written = await batchWrite(db, items());
  return {
    scale,
    items: written,
    filled,
    seconds: (performance.now() - started) / 1000,
    counts,
    demoRequests,
    demoContracts,
    targets: targetIds,
    skipped: [...new Set([...templates.open, ...templates.contracts].flatMap((template) => template.skipped.map((key) => key.replace(ID, '<id>').replace(/IDEM#[^|]*/, 'IDEM#<key>'))))],
  };
}
