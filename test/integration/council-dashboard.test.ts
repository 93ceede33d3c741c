import { BatchWriteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  COUNCIL_FIGURES, INDUSTRY_CLUSTERS, PROGRAMME_FIGURES, TOTAL_BUCKET, councilCounter, contractSchema, contractStatsDeltas, createIdGenerator, dashboardMonths, fenToYuanText, figureSeries, programmeStatsScope, sumCounters,
  type StatsDelta,
} from '@sharedtech/core';
import { keys, statsWrites } from '@sharedtech/data';
import { councilDashboard, councilDashboardCsv, loadPrincipal, recountClusterStatistics } from '@sharedtech/services';
import { startTestApi, testClock, type Caller } from '../support/harness.js';
import { expectError, issuePaths } from '../support/assertions.js';
import { association, openRequest, organisation } from '../support/fixtures.js';
import { placeBid } from '../support/bids.js';
import { activeContract, key, ledgerOf, milestonePath } from '../support/money.js';
import { recordDynamoCalls } from '../support/ddb-calls.js';
import { pageClient } from '../support/pages.js';

/**
 * The council's dashboard (理事会看板): every figure per UTC month from the
 * statistics counters. Its figures equal a recount from the items after
 * requests, bids, awards, funding, release, appointments and bookings in two
 * months; associations, government bodies and colleges see their clusters and
 * nobody else sees any; the same DynamoDB reads at 10 and 1,000 contracts; the
 * CSV reads back with a real parser.
 */
const HOUR = 3_600_000;
// 2026-01-20 10:00 in Asia/Shanghai; February's operations run 15 days later.
const clock = testClock(Date.UTC(2026, 0, 20, 2));
const api = await startTestApi({ clock });
const calls = recordDynamoCalls(api.deps.db);
const page = pageClient(api);
const cluster = 'smart-manufacturing';

const moderator = await association(api);
const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster });
// The college has no cluster of its own: it sees its studio's.
const college = await organisation(api, moderator, { type: 'COLLEGE' });
const studio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, cluster, capabilities: ['机器视觉'] });
const rival = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, cluster: 'biomedicine', capabilities: ['机器视觉'] });
// A studio that names the college but was not accepted does not bring its cluster in.
const refused = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, cluster: 'new-materials' }, true, { affiliate: false });
const lonelyCollege = await organisation(api, moderator, { type: 'COLLEGE' });
const government = await organisation(api, moderator, { type: 'GOVERNMENT', cluster });
const otherGovernment = await organisation(api, moderator, { type: 'GOVERNMENT', cluster: 'new-energy-vehicles' });
const cityGovernment = await organisation(api, moderator, { type: 'GOVERNMENT' });
const pendingCollege = await organisation(api, moderator, { type: 'COLLEGE' }, false);
const outsider = await api.as(`council-outsider-${process.pid}`);
const parties = { moderator, enterprise, college, studio, government };

const dashboard = (caller: Caller, query = `cluster=${cluster}`) => caller.get(`/v1/council/dashboard?${query}`);

// ── The operations counted ──────────────────────────────────────────────────

/** `hours` after now, as an instant with the Shanghai offset. */
const at = (hours: number) => new Date(clock().getTime() + hours * HOUR + 8 * HOUR).toISOString().slice(0, 19) + '+08:00';

async function appointment() {
  const proposed = await enterprise.caller.post('/v1/appointments', {
    kind: 'INDUSTRY_TEACHER', counterpartOrgId: college.orgId, cluster, person: { name: '赵工', title: '高级工程师' }, subject: '工业机器视觉课程',
    startDate: new Date(clock().getTime() + 10 * 86_400_000).toISOString().slice(0, 10), endDate: '2026-07-10', hoursPerMonth: 16,
  });
  expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
  const confirmed = await college.caller.post(`/v1/appointments/${proposed.body.id}/confirm`);
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
}

const lab = await college.caller.post('/v1/resources', {
  type: 'LAB', name: '工业视觉实训室', description: '配备 6 套工业相机与光源的实训室。', cluster, capabilities: ['机器视觉'],
  location: '实训楼 B201', rules: '须经安全培训。', price: { unit: 'PER_HOUR', amount: { amount: 20_000, currency: 'CNY' } },
});
expect(lab.status, JSON.stringify(lab.body)).toBe(201);

async function approvedBooking(fromHour: number, hours: number) {
  const booked = await enterprise.caller.post(`/v1/resources/${lab.body.id}/bookings`, { start: at(fromHour), end: at(fromHour + hours), purpose: '焊缝样件成像试验' });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  const approved = await college.caller.post(`/v1/resources/${lab.body.id}/bookings/${booked.body.id}/approve`, {});
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
}

async function fund(contractId: string, n: number) {
  const funded = await enterprise.caller.post(milestonePath(contractId, n, 'fund'), {}, key());
  expect(funded.status, JSON.stringify(funded.body)).toBe(200);
}
async function deliverAndAccept(contractId: string, n: number) {
  expect((await studio.caller.post(milestonePath(contractId, n, 'submit'), { note: '交付物' })).status).toBe(200);
  const accepted = await enterprise.caller.post(milestonePath(contractId, n, 'accept'), {}, key());
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
}

// January: a contract funded and its first milestone released, an open request with two bids, an appointment, a booking.
const january = await activeContract(api, parties, { milestones: [1_000_000, 2_000_033] });
await fund(january, 1);
await deliverAndAccept(january, 1);
const openOne = await openRequest(api, enterprise.caller, moderator);
await placeBid(studio, openOne);
await placeBid(rival, openOne);
await appointment();
await approvedBooking(48, 3);
// February: a co-funded contract funded, another booking.
clock.advance(15 * 86_400_000);
const february = await activeContract(api, parties, { milestones: [500_000], subsidyBps: 3000 });
await fund(february, 1);
await fund(january, 2);
await approvedBooking(72, 2);

const months = dashboardMonths(clock(), 24);
const JAN = months.indexOf('2026-01');
const FEB = months.indexOf('2026-02');

describe('the figures', () => {
  it('are series per figure over 24 UTC months ending this month, the cluster and the member’s clusters named', async () => {
    const response = await dashboard(moderator);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ cluster, timeZone: 'UTC', months, programmes: [] });
    expect(response.body.clusters).toEqual([...INDUSTRY_CLUSTERS]);
    expect(response.body.figures.map((f: { id: string }) => f.id)).toEqual(COUNCIL_FIGURES.map((f) => f.id));
    for (const series of response.body.figures) expect(series.values).toHaveLength(24);
    expect(months.at(-1)).toBe('2026-02');
  });

  it('equal a count of the operations done, month by month', async () => {
    const body = (await dashboard(moderator)).body;
    const figure = (id: string) => body.figures.find((f: { id: string }) => f.id === id) as { values: number[]; total: number };
    const inMonths = (id: string) => [figure(id).values[JAN], figure(id).values[FEB]];
    expect(inMonths('requestsOpened')).toEqual([2, 1]);
    expect(inMonths('bidsSubmitted')).toEqual([3, 1]);
    expect(inMonths('awards')).toEqual([1, 1]);
    expect(inMonths('contractsSigned')).toEqual([1, 1]);
    expect(inMonths('contractValue')).toEqual([3_000_033, 500_000]);
    expect(inMonths('appointmentsConfirmed')).toEqual([1, 0]);
    expect(inMonths('bookingsApproved')).toEqual([1, 1]);
    expect(inMonths('bookedHours')).toEqual([3, 2]);
    // Money from the ledgers themselves: each month's net escrow and earnings postings.
    const net = { escrow: [0, 0], earnings: [0, 0] };
    let held = 0;
    for (const contractId of [january, february]) {
      const ledger = await ledgerOf(enterprise.caller, contractId);
      held += ledger.balance(`escrow:${contractId}`);
      for (const entry of ledger.items as { postings: { account: string; amount: number }[]; at?: string; createdAt?: string }[]) {
        const month = months.indexOf((entry.at ?? entry.createdAt)!.slice(0, 7)) === JAN ? 0 : 1;
        for (const posting of entry.postings) {
          const kind = posting.account.split(':')[0] as 'escrow' | 'earnings' | 'external';
          if (kind !== 'external') net[kind][month] = (net[kind][month] ?? 0) + posting.amount;
        }
      }
    }
    expect(inMonths('escrowNet')).toEqual(net.escrow);
    expect(inMonths('paid')).toEqual(net.earnings);
    expect(net.earnings[0]).toBeGreaterThan(0);
    expect(figure('escrowHeld').total).toBe(held);
    expect(figure('escrowHeld').values[JAN]).toBe(net.escrow[0]);
    // Nothing before January: this table started then.
    expect(figure('bidsSubmitted').values.slice(0, JAN).every((v) => v === 0)).toBe(true);
  });

  it('equal the series of a recount of the cluster from its items (requests, bids, contracts, journals, appointments, bookings)', async () => {
    const recount = await recountClusterStatistics(api.deps, cluster);
    const byMonth = Object.fromEntries(months.map((month) => [month, recount.buckets[`MONTH#${month}`] ?? {}]));
    const expected = figureSeries(COUNCIL_FIGURES, months, byMonth, recount.buckets[TOTAL_BUCKET] ?? {});
    expect((await dashboard(moderator)).body.figures).toEqual(expected);
  });
});

describe('who sees which cluster', () => {
  it('an enterprise, a studio, an unverified college and someone without an organisation see none', async () => {
    expectError(await dashboard(enterprise.caller), 403, 'NOT_COUNCIL_MEMBER');
    expectError(await dashboard(studio.caller), 403, 'NOT_COUNCIL_MEMBER');
    expectError(await dashboard(studio.caller, ''), 403, 'NOT_COUNCIL_MEMBER');
    expectError(await pendingCollege.caller.get('/v1/council/dashboard'), 403, 'NOT_COUNCIL_MEMBER');
    expectError(await outsider.get('/v1/council/dashboard'), 403, 'NOT_COUNCIL_MEMBER');
    expectError(await enterprise.caller.get(`/v1/council/dashboard.csv?cluster=${cluster}`), 403, 'NOT_COUNCIL_MEMBER');
  });

  it('a college sees the clusters of its accepted studios only', async () => {
    const own = await college.caller.get('/v1/council/dashboard');
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body.clusters).toEqual(['biomedicine', cluster]);
    expect((await dashboard(college.caller)).body.figures).toEqual((await dashboard(moderator)).body.figures);
    expectError(await dashboard(college.caller, 'cluster=new-materials'), 403, 'NOT_IN_CLUSTER');
    expectError(await dashboard(college.caller, 'cluster=new-energy-vehicles'), 403, 'NOT_IN_CLUSTER');
    expectError(await lonelyCollege.caller.get('/v1/council/dashboard'), 403, 'NO_COUNCIL_CLUSTER');
    expectError(await lonelyCollege.caller.get('/v1/council/dashboard.csv'), 403, 'NO_COUNCIL_CLUSTER');
    void refused;
  });

  it('a government body with a cluster sees that one; a city-wide one and associations any', async () => {
    expect((await dashboard(government.caller)).status).toBe(200);
    expect((await government.caller.get('/v1/council/dashboard')).body.cluster).toBe(cluster);
    expectError(await dashboard(otherGovernment.caller), 403, 'NOT_IN_CLUSTER');
    expect((await dashboard(cityGovernment.caller)).status).toBe(200);
    expect((await dashboard(moderator, 'cluster=some-new-cluster')).status).toBe(200);
  });

  it('refuses bad input with the field named', async () => {
    for (const query of ['months=0', 'months=37', 'months=two', 'cluster=Not%20A%20Slug', 'colour=blue']) {
      const response = await dashboard(moderator, query);
      expect(response.status, query).toBe(400);
      expect(issuePaths(response).length, query).toBeGreaterThan(0);
    }
    expect(issuePaths(await dashboard(moderator, 'months=0'))).toEqual(['months']);
  });

  it('the page: council members get charts, others a refusal; the menu links it for council members only', async () => {
    const asCollege = await page(college.caller.token, '/council');
    expect(asCollege.status).toBe(200);
    expect(asCollege.body).toContain('href="/council"');
    expect(asCollege.body.match(/<svg [^>]*role="img"/g)?.length).toBe(COUNCIL_FIGURES.length);
    expect((await page(enterprise.caller.token, '/council')).status).toBe(403);
    expect((await page(enterprise.caller.token, '/feed')).body).not.toContain('href="/council"');
    expect((await page(college.caller.token, '/council?cluster=new-materials')).status).toBe(403);
    expect((await page(lonelyCollege.caller.token, '/council')).status).toBe(200);
  });
});

describe('the CSV', () => {
  const fetchCsv = async (caller: Caller, query: string, path = '/v1/council/dashboard.csv') => {
    const response = await fetch(`${api.baseUrl}${path}?${query}`, { headers: { authorization: `Bearer ${caller.token}` } });
    return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
  };

  it('is UTF-8 with a BOM, Chinese headers, a row per month with every figure, money in yuan with two decimals', async () => {
    const { response, bytes } = await fetchCsv(moderator, `cluster=${cluster}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="council-smart-manufacturing-2026-02-04\.csv"$/);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(Buffer.from(bytes), { bom: true });
    const [header, ...data] = rows;
    expect(header!.slice(0, 3)).toEqual(['范围', '名称', '月份（UTC）']);
    expect(header).toContain('合同金额（元）');
    expect(header).toContain('资源使用时长（小时）');
    expect(header).toHaveLength(3 + COUNCIL_FIGURES.length);
    expect(data).toHaveLength(24);
    expect(data.map((row) => row[2])).toEqual(months);
    const json = (await dashboard(moderator)).body.figures as { id: string; unit: string; values: number[] }[];
    data.forEach((row, month) => {
      expect(row.slice(0, 2)).toEqual(['产业集群', cluster]);
      json.forEach((series, index) => expect(row[3 + index]).toBe(series.unit === 'fen' ? fenToYuanText(series.values[month]!) : String(series.values[month])));
    });
    expect(data[JAN]![3 + COUNCIL_FIGURES.findIndex((f) => f.id === 'contractValue')]).toBe('30000.33');
  });

  it('without a cluster holds every cluster of the member’s; the page’s download is the same file', async () => {
    const { bytes } = await fetchCsv(college.caller, '');
    const rows: string[][] = parse(Buffer.from(bytes), { bom: true, from_line: 2 });
    expect(rows).toHaveLength(48);
    expect([...new Set(rows.map((row) => row[1]))]).toEqual(['biomedicine', cluster]);
    const download = await fetch(`${api.baseUrl}/council/dashboard.csv?cluster=${cluster}`, { headers: { cookie: `st_session=${moderator.token}` } });
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual((await fetchCsv(moderator, `cluster=${cluster}`)).bytes);
  });
});

/** The DynamoDB commands of a request, BatchGets with their number of keys. */
const shape = (recorded: { command: string; input: Record<string, any> }[]) =>
  recorded.map((call) => `${call.command}:${isBatchGet(call) ? keysOf(call).length : ''}`);
const isBatchGet = (call: { command: string }) => call.command.startsWith('BatchGet');
const keysOf = (call: { input: Record<string, any> }) =>
  Object.values(call.input.RequestItems as Record<string, { Keys: { pk: string | { S: string } }[] }>)[0]!.Keys.map((k) => (typeof k.pk === 'string' ? k.pk : k.pk.S));

describe('the figures other features write, by the shared counter names', () => {
  it('subsidies, education outcomes and pools of the cluster, and each programme’s own scope (two BatchGets more per programme)', async () => {
    const programme = { id: 'prg_01JD0000000000000000000001', name: '市产教融合专项' };
    const write = async (scope: string, add: Record<string, number>) => {
      const deltas = [`MONTH#${months[FEB]}`, TOTAL_BUCKET].map((bucket) => ({ cluster: scope, bucket, subjectId: 'shared-names', add }));
      for (const { op } of statsWrites(api.deps.db, deltas)) await api.deps.db.doc.send(new UpdateCommand(op.Update!));
    };
    await write(cluster, {
      [councilCounter.subsidyApproved]: 300_000, [councilCounter.subsidyPaid]: 150_000, [councilCounter.participationSignedOff]: 3,
      [councilCounter.studentHoursSignedOff]: 42, [councilCounter.studentRecordsIssued]: 2, [councilCounter.poolsAwarded]: 1, [councilCounter.poolMembersAwarded]: 3,
    });
    await write(programmeStatsScope(programme.id), { [councilCounter.subsidyPaid]: 150_000, [councilCounter.subsidyReturned]: 20_005 });
    const principal = await loadPrincipal(api.deps.db, moderator.sub);
    calls.take();
    const result = await councilDashboard(api.deps, principal, { cluster }, async () => [programme]);
    // The cluster's 25 buckets and the programme's 24 months, 8 shards each (in parallel, so in any order).
    expect(shape(calls.take()).sort()).toEqual(['BatchGetItemCommand:100', 'BatchGetItemCommand:100', 'BatchGetItemCommand:100', 'BatchGetItemCommand:92']);
    const inFeb = (figures: { id: string; values: number[] }[]) => Object.fromEntries(figures.map((f) => [f.id, f.values[FEB]]));
    expect(inFeb(result.figures)).toMatchObject({
      subsidyApproved: 300_000, subsidyPaid: 150_000, subsidyReturned: 0, participationSignedOff: 3, studentHours: 42, studentRecords: 2, poolsAwarded: 1, poolMembersAwarded: 3,
    });
    expect(result.programmes).toHaveLength(1);
    expect(result.programmes[0]).toMatchObject({ id: programme.id, name: programme.name });
    expect(inFeb(result.programmes[0]!.figures)).toEqual({ subsidyApproved: 0, subsidyPaid: 150_000, subsidyReturned: 20_005 });

    const rows: string[][] = parse(await councilDashboardCsv(api.deps, principal, { cluster }, async () => [programme]), { bom: true });
    const header = rows[0]!;
    const programmeRows = rows.filter((row) => row[0] === '补贴项目');
    expect(programmeRows).toHaveLength(24);
    const feb = programmeRows.find((row) => row[2] === months[FEB])!;
    expect(feb[1]).toBe('市产教融合专项');
    expect(feb[header.indexOf('补贴拨付（元）')]).toBe('1500.00');
    expect(feb[header.indexOf('补贴退回（元）')]).toBe('200.05');
    expect(feb[header.indexOf('发布需求')]).toBe('');
  });
});

// ── Cost: counter items only, whatever the size of the cluster ─────────────

const ids = createIdGenerator(() => clock().getTime());

/** Copies of the January contract with new ids, and their counters moved as the award would have moved them. */
async function cloneContracts(count: number) {
  const { Item } = await api.deps.db.doc.send(new GetCommand({ TableName: api.tableName, Key: keys.contract(january) }));
  const template = JSON.stringify(Item);
  const deltas: StatsDelta[] = [];
  const items: Record<string, unknown>[] = [];
  for (let index = 0; index < count; index += 1) {
    const id = ids('contract');
    const item = JSON.parse(template.split(january).join(id)) as Record<string, unknown>;
    items.push(item);
    deltas.push(...contractStatsDeltas(undefined, contractSchema.parse(item)));
  }
  for (let start = 0; start < items.length; start += 25) {
    await api.deps.db.doc.send(new BatchWriteCommand({ RequestItems: { [api.tableName]: items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
  const folded = new Map<string, StatsDelta>();
  for (const delta of deltas) {
    const into = folded.get(delta.bucket);
    folded.set(delta.bucket, into ? { ...into, add: sumCounters(into.add, delta.add) } : delta);
  }
  for (const { op } of statsWrites(api.deps.db, [...folded.values()])) await api.deps.db.doc.send(new UpdateCommand(op.Update!));
}

describe('the cost', () => {
  const readsOf = async (caller: Caller, path: string) => {
    calls.take();
    const response = await caller.get(path);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return { calls: calls.take(), body: response.body };
  };

  it('the same DynamoDB reads at 10 and at 1,000 contracts: one membership read, one Query of the programmes and two BatchGets of counter items', async () => {
    await cloneContracts(8); // the two made above and eight copies: 10
    const small = await readsOf(moderator, `/v1/council/dashboard?cluster=${cluster}`);
    const smallCsv = await readsOf(moderator, `/v1/council/dashboard.csv?cluster=${cluster}`);
    const smallCollege = await readsOf(college.caller, `/v1/council/dashboard?cluster=${cluster}`);
    await cloneContracts(990);
    const large = await readsOf(moderator, `/v1/council/dashboard?cluster=${cluster}`);
    const largeCsv = await readsOf(moderator, `/v1/council/dashboard.csv?cluster=${cluster}`);
    const largeCollege = await readsOf(college.caller, `/v1/council/dashboard?cluster=${cluster}`);

    // The programmes' Query and the counters' BatchGets run side by side, so compare the calls as sets.
    const sorted = (recorded: Parameters<typeof shape>[0]) => shape(recorded).sort();
    expect(sorted(small.calls)).toEqual(['BatchGetItemCommand:100', 'BatchGetItemCommand:100', 'GetItemCommand:', 'QueryCommand:']);
    expect(sorted(large.calls)).toEqual(sorted(small.calls));
    expect(sorted(largeCsv.calls)).toEqual(sorted(smallCsv.calls));
    // A college also reads its studios (one more Query), still nothing of the contracts.
    expect(sorted(smallCollege.calls)).toEqual(['BatchGetItemCommand:100', 'BatchGetItemCommand:100', 'GetItemCommand:', 'QueryCommand:', 'QueryCommand:']);
    expect(sorted(largeCollege.calls)).toEqual(sorted(smallCollege.calls));
    for (const call of [...large.calls, ...largeCsv.calls].filter(isBatchGet)) for (const pk of keysOf(call)) expect(pk).toMatch(/^STATS#smart-manufacturing#[0-7]$/);
    // And the figures did take in the thousand contracts (the copies count in January, the month the template was created).
    const signed = (body: { figures: { id: string; values: number[] }[] }) => body.figures.find((f) => f.id === 'contractsSigned')!.values[JAN]!;
    expect(signed(large.body) - signed(small.body)).toBe(990);
  });
});

describe('the programmes', () => {
  it('lists the published programmes that cover the cluster, with their own series, and not the others', async () => {
    const day = clock().toISOString().slice(0, 10);
    const publish = async (name: string, clusters: string[]) => {
      const response = await government.caller.post('/v1/programmes', { name, budget: { amount: 10_000_000, currency: 'CNY' }, maxBps: 3_000, clusters, opensOn: day, closesOn: '2099-12-31' });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body.id as string;
    };
    const covering = await publish('智能制造共性技术专项', [cluster]);
    await publish('新能源汽车专项', ['new-energy-vehicles']);
    const response = await dashboard(moderator);
    expect(response.status).toBe(200);
    expect(response.body.programmes.map((programme: { id: string; name: string }) => [programme.id, programme.name])).toEqual([[covering, '智能制造共性技术专项']]);
    expect(response.body.programmes[0].figures.map((f: { id: string }) => f.id)).toEqual(PROGRAMME_FIGURES.map((f) => f.id));
  });
});
