import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bidBody, evenShares } from '../support/bids.js';
import { checkTable, dbFor, scanAll } from '../support/invariants.js';
import { isAlive, startMarketplaceProcess } from '../support/npm-start.js';

/**
 * Issue 16, "crash safety, shown": `npm start` as a process on one data
 * folder, killed (SIGKILL of its whole process group) in the middle of a burst
 * of concurrent milestone steps and awards, then started again on the same
 * folder. What must hold afterwards:
 * - every request that was answered 2xx is there (its Idempotency-Key replays it);
 * - nothing is half-written: every ledger sums to zero, every balance is its
 *   postings, every milestone's money matches its status, every audit chain verifies;
 * - retrying the requests that got no answer, with their keys, settles each
 *   exactly once (a second retry is a replay);
 * - the follow-ups of interrupted awards are done by the start-up (no task left,
 *   losing bids rejected).
 * Killing the process group does not kill DynamoDB Local (its own process
 * group): the watchdog stops it gracefully, so nothing acknowledged is lost.
 * The last round kills Java itself outright (a power cut): acknowledged writes
 * may then be lost locally, but never half a transaction, and ledgers stay
 * zero-sum.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'sharedtech-crash-'));
const running: Marketplace[] = [];

interface Marketplace {
  child: ChildProcess;
  baseUrl: string;
  dynamoEndpoint: string;
  javaPid: number;
  exited: Promise<unknown>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `npm start`, once it has also finished seeding the rest of the demo in the background: until then the seed
 * may complete a demo contract whose follow-up task is still open, which the checks after a restart would
 * take for one the start-up left undone.
 */
async function start(): Promise<Marketplace> {
  const { child, baseUrl, output: printed, exited } = await startMarketplaceProcess(dataDir);
  for (const deadline = Date.now() + 90_000; !/Demo consortium (complete|already complete)|Seeding the rest of the demo failed/.test(printed()); ) {
    if (Date.now() > deadline) throw new Error(`npm start did not finish seeding the demo in time:\n${printed()}`);
    await sleep(100);
  }
  const output = printed();
  const dynamoEndpoint = /DynamoDB Local: (http:\/\/\S+)/.exec(output)![1]!;
  const javaPid = Number(readFileSync(join(dataDir, 'dynamodb', 'dynamodb-local.pid'), 'utf8'));
  const marketplace = { child, baseUrl, dynamoEndpoint, javaPid, exited };
  running.push(marketplace);
  return marketplace;
}

afterAll(async () => {
  for (const { child, javaPid } of running) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
    if (isAlive(javaPid)) process.kill(javaPid, 'SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: any;
  replayed: boolean;
}

/** A caller of one running marketplace; `undefined` when the connection died before an answer. */
function client(marketplace: Marketplace, token: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer | undefined> => {
    try {
      const response = await fetch(`${marketplace.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, replayed: response.headers.get('idempotent-replayed') === 'true' };
    } catch {
      return undefined;
    }
  };
}

async function tokenOf(marketplace: Marketplace, sub: string): Promise<string> {
  const response = await fetch(`${marketplace.baseUrl}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub }) });
  return ((await response.json()) as { token: string }).token;
}

type Call = ReturnType<typeof client>;
interface Actors {
  enterprise: Call;
  studio: Call;
  rival: Call;
  association: Call;
  enterpriseOrg: string;
  studioOrg: string;
  rivalOrg: string;
  /** The team each studio's bids name: a teacher of its roster (added to the rival's if it has none yet). */
  studioTeam: { personIds: string[] };
  rivalTeam: { personIds: string[] };
}

async function teamOf(call: Call, orgId: string) {
  const teachers = ok(await call('GET', `/v1/orgs/${orgId}/people?kind=TEACHER&limit=1`), 'roster').items as { id: string }[];
  const teacherId = teachers[0]?.id ?? ok(await call('POST', `/v1/orgs/${orgId}/people`, { kind: 'TEACHER', name: '竞争工作室老师' }), 'add teacher').id;
  return { personIds: [teacherId as string] };
}

async function actors(marketplace: Marketplace): Promise<Actors> {
  const [enterprise, studio, rival, association] = await Promise.all(
    ['demo-enterprise', 'demo-studio', 'crash-rival-studio', 'demo-association'].map(async (sub) => client(marketplace, await tokenOf(marketplace, sub))),
  );
  const me = async (call: Call) => (await call('GET', '/v1/me'))!.body.membership?.orgId as string | undefined;
  if (!(await me(rival!))) {
    // A second studio (of the demo college), so an award has a losing bid to reject.
    const college = await me(client(marketplace, await tokenOf(marketplace, 'demo-college')));
    const created = await rival!('POST', '/v1/orgs', { type: 'STUDIO', name: '竞争工作室', collegeId: college, capabilities: ['机器视觉'] });
    expect(created?.status, JSON.stringify(created?.body)).toBe(201);
    expect((await association!('POST', `/v1/orgs/${created!.body.id}/verification`, { decision: 'VERIFY' }))?.status).toBe(200);
  }
  const [enterpriseOrg, studioOrg, rivalOrg] = [(await me(enterprise!))!, (await me(studio!))!, (await me(rival!))!];
  return {
    enterprise: enterprise!, studio: studio!, rival: rival!, association: association!, enterpriseOrg, studioOrg, rivalOrg,
    studioTeam: await teamOf(studio!, studioOrg), rivalTeam: await teamOf(rival!, rivalOrg),
  };
}

const ok = (answer: Answer | undefined, what: string) => {
  expect(answer?.status, `${what}: ${JSON.stringify(answer?.body)}`).toBeGreaterThanOrEqual(200);
  expect(answer!.status, `${what}: ${JSON.stringify(answer?.body)}`).toBeLessThan(300);
  return answer!.body;
};

/** An OPEN request with a bid from each studio. */
async function openRequestWithBids(a: Actors) {
  const now = Date.now();
  const request = ok(
    await a.enterprise('POST', '/v1/requests', {
      title: '焊缝缺陷视觉检测',
      summary: '需要对焊缝的气孔与裂纹进行在线视觉检测，替代人工抽检。',
      details: '节拍 3 秒/件；需提供光源、相机选型与检测算法，并现场调试。',
      cluster: 'smart-manufacturing',
      tags: ['机器视觉'],
      budget: { min: { amount: 1_000_000, currency: 'CNY' }, max: { amount: 20_000_000, currency: 'CNY' } },
      biddingDeadline: new Date(now + 20 * 86_400_000).toISOString(),
      wantedBy: new Date(now + 90 * 86_400_000).toISOString(),
      ipPreference: 'JOINT',
    }),
    'create request',
  );
  ok(await a.enterprise('POST', `/v1/requests/${request.id}/submit`), 'submit request');
  ok(await a.association('POST', `/v1/requests/${request.id}/review`, { decision: 'APPROVE' }), 'approve request');
  const milestones = [1, 2, 3, 4].map((n) => ({ title: `里程碑 ${n}`, amount: { amount: 1_000_000 + n, currency: 'CNY' }, dueInDays: 10 * n }));
  const price = { amount: milestones.reduce((sum, m) => sum + m.amount.amount, 0), currency: 'CNY' };
  const bid = ok(await a.studio('POST', `/v1/requests/${request.id}/bids`, { ...bidBody(a.studioTeam), price, milestones }), 'bid');
  const rivalBid = ok(await a.rival('POST', `/v1/requests/${request.id}/bids`, { ...bidBody(a.rivalTeam), price, milestones }), 'rival bid');
  return { requestId: request.id as string, bidId: bid.id as string, rivalBidId: rivalBid.id as string };
}

async function activeContract(a: Actors) {
  const { requestId, bidId } = await openRequestWithBids(a);
  const contract = ok(await a.enterprise('POST', `/v1/requests/${requestId}/award`, { bidId, shares: evenShares(a.enterpriseOrg, a.studioOrg) }), 'award');
  ok(await a.enterprise('POST', `/v1/contracts/${contract.id}/sign`), 'sign');
  ok(await a.studio('POST', `/v1/contracts/${contract.id}/sign`), 'sign');
  return contract.id as string;
}

interface Step {
  who: 'enterprise' | 'studio';
  path: string;
  body: unknown;
  key: string;
  answer?: Answer;
  /** Sent and not answered before the kill. */
  inFlight: boolean;
}

const NEXT: Record<string, { step: string; who: Step['who']; body: unknown } | undefined> = {
  PENDING: { step: 'fund', who: 'enterprise', body: {} },
  FUNDED: { step: 'submit', who: 'studio', body: { note: '交付说明' } },
  SUBMITTED: { step: 'accept', who: 'enterprise', body: {} },
};

/**
 * Fires every milestone of `contracts` through fund → submit → accept (each
 * milestone's steps in order, all milestones at once) and races two awards on
 * each of `requests`; kills the process group after 1–3 s or once a third of
 * the steps were answered, whichever is first, so requests are in flight.
 */
async function burstAndKill(marketplace: Marketplace, a: Actors, contracts: string[], requests: Awaited<ReturnType<typeof openRequestWithBids>>[], killJava: boolean) {
  const steps: Step[] = [];
  const awards: { requestId: string; bidId: string; answer?: Answer; inFlight: boolean }[] = [];
  let killed = false;
  let answered = 0;
  const total = contracts.length * 4 * 3;
  const chains = contracts.flatMap((contractId) =>
    [1, 2, 3, 4].map(async (n) => {
      let status = 'PENDING';
      for (let next = NEXT[status]; next && !killed; next = NEXT[status]) {
        const step: Step = { who: next.who, path: `/v1/contracts/${contractId}/milestones/${n}/${next.step}`, body: next.body, key: randomUUID(), inFlight: true };
        steps.push(step);
        // A client retries a conflict (another step of the contract landed first) with the same key.
        for (let attempt = 0; attempt < 10; attempt++) {
          step.answer = await a[next.who]('POST', step.path, step.body, { 'idempotency-key': step.key });
          if (!step.answer || (step.answer.status !== 409 && step.answer.status !== 503)) break;
        }
        if (!step.answer) return; // the connection died: in flight
        step.inFlight = false;
        answered++;
        if (step.answer.status !== 200) throw new Error(`${step.path}: ${step.answer.status} ${JSON.stringify(step.answer.body)}`);
        status = step.answer.body.status;
      }
    }),
  );
  const races = requests.flatMap(({ requestId, bidId, rivalBidId }) =>
    [bidId, rivalBidId].map(async (bid) => {
      const award = { requestId, bidId: bid, inFlight: true } as (typeof awards)[number];
      awards.push(award);
      award.answer = await a.enterprise('POST', `/v1/requests/${requestId}/award`, { bidId: bid, shares: evenShares(a.enterpriseOrg, bid === bidId ? a.studioOrg : a.rivalOrg) });
      award.inFlight = !award.answer;
    }),
  );
  const deadline = Date.now() + 1_000 + Math.random() * 2_000;
  while (Date.now() < deadline && answered < total / 3) await sleep(20);
  killed = true;
  if (killJava) process.kill(marketplace.javaPid, 'SIGKILL');
  process.kill(-marketplace.child.pid!, 'SIGKILL');
  await Promise.all([...chains, ...races]);
  await marketplace.exited;
  // The watchdog stops Java gracefully (bounded); a restart also waits for it.
  for (let check = 0; check < 150 && isAlive(marketplace.javaPid); check++) await sleep(100);
  expect(isAlive(marketplace.javaPid)).toBe(false);
  return { steps, awards };
}

describe('npm start killed in the middle of a burst of money steps and awards', () => {
  it('loses no acknowledged write, half-writes nothing, and settles retried requests exactly once, round after round', { timeout: 240_000 }, async () => {
    let marketplace = await start();
    const rounds = [false, false, false, true]; // three graceful rounds (Node killed), then Java itself killed outright
    for (const [round, killJava] of rounds.entries()) {
      // Prepare: four fresh ACTIVE contracts and two requests with two bids each.
      let a = await actors(marketplace);
      const contracts = await Promise.all([1, 2, 3, 4].map(() => activeContract(a)));
      const requests = await Promise.all([1, 2].map(() => openRequestWithBids(a)));

      // Act
      const { steps, awards } = await burstAndKill(marketplace, a, contracts, requests, killJava);
      marketplace = await start();
      a = await actors(marketplace);
      const db = dbFor(marketplace.dynamoEndpoint, 'Marketplace');
      const label = `round ${round + 1}${killJava ? ' (Java SIGKILLed)' : ''}`;

      // Assess: nothing half-written, ledgers zero-sum, audit chains intact, follow-ups of the awards done at start-up.
      const after = await checkTable(db);
      expect(after.problems, label).toEqual([]);
      expect(after.tasks, label).toEqual([]);
      const items = await scanAll(db);
      for (const { requestId } of requests) {
        const request = items.find((item) => item.sk === '#REQ' && item.id === requestId)!;
        const bids = items.filter((item) => item.sk === '#BID' && item.requestId === requestId);
        if (request.status === 'AWARDED') expect(bids.map((bid) => bid.status).sort(), label).toEqual(['ACCEPTED', 'REJECTED']);
      }

      const acknowledged = steps.filter((step) => step.answer?.status === 200);
      const inFlight = steps.filter((step) => step.inFlight);
      expect(acknowledged.length, label).toBeGreaterThan(0);
      if (!killJava) {
        // Every acknowledged step is there: its key replays the very answer it got.
        for (const step of acknowledged) {
          const replay = await a[step.who]('POST', step.path, step.body, { 'idempotency-key': step.key });
          expect(replay?.status, `${label} ${step.path}`).toBe(200);
          expect(replay!.replayed, `${label} ${step.path} was acknowledged but is not in the data`).toBe(true);
          expect(replay!.body).toEqual(step.answer!.body);
        }
        for (const award of awards.filter((award) => award.answer?.status === 201)) {
          expect(items.find((item) => item.sk === '#CTR' && item.id === award.answer!.body.id), label).toBeDefined();
        }
      }

      // Retrying what got no answer, with the same keys, settles each step once: a second retry only replays it.
      // (After Java itself was killed an acknowledged step may be gone, so a retry may find its milestone behind.)
      for (const step of killJava ? [] : inFlight) {
        const retried = await a[step.who]('POST', step.path, step.body, { 'idempotency-key': step.key });
        expect(retried?.status, `${label} retry ${step.path}: ${JSON.stringify(retried?.body)}`).toBe(200);
        const again = await a[step.who]('POST', step.path, step.body, { 'idempotency-key': step.key });
        expect(again?.replayed, `${label} second retry ${step.path}`).toBe(true);
        expect(again!.body).toEqual(retried!.body);
      }
      for (const award of awards.filter((award) => award.inFlight)) {
        const studioOrg = requests.some((request) => request.bidId === award.bidId) ? a.studioOrg : a.rivalOrg;
        const retried = await a.enterprise('POST', `/v1/requests/${award.requestId}/award`, { bidId: award.bidId, shares: evenShares(a.enterpriseOrg, studioOrg) });
        expect([201, 409, 400], `${label} retry award: ${JSON.stringify(retried?.body)}`).toContain(retried?.status);
      }
      const settled = await checkTable(db);
      expect(settled.problems, label).toEqual([]);
      console.log(`${label}: ${acknowledged.length} steps acknowledged, ${inFlight.length} in flight${killJava ? "" : " and retried"}, ${awards.filter((x) => x.inFlight).length} awards in flight; ${settled.entries} journal entries, ${settled.auditChains.length} audit chains verified`);
    }
    expect(existsSync(join(dataDir, 'dynamodb'))).toBe(true);
  });
});
