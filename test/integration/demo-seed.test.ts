import { describe, expect, it } from 'vitest';
import { DEMO_IDENTITIES, DEMO_STAGES, seedDemoConsortium } from '@sharedtech/local';
import { recountClusterStatistics, recountGovernmentStatistics, storedClusterStatistics, storedGovernmentStatistics } from '@sharedtech/services';
import { startTestApi } from '../support/harness.js';
import { pageClient } from '../support/pages.js';
import { snapshot } from '../support/world.js';

/**
 * The living demo consortium of `npm start` (issue 14 §6): every stage is
 * visible through the API as its users would see it, its money and counters
 * are real, its deadlines lie ahead of the seed's clock, and a second run
 * changes nothing.
 */
const api = await startTestApi();
const first = await seedDemoConsortium(api.deps);
console.log(`demo seed, fresh table: ${first.ms} ms (${first.stages.map((stage) => `${stage.name} ${stage.ms} ms`).join(', ')})`);

const association = await api.as(DEMO_IDENTITIES.association);
const enterprise = await api.as(DEMO_IDENTITIES.enterprise);
const studio = await api.as(DEMO_IDENTITIES.studio);
const now = api.clock().getTime();
const future = (iso: string | undefined) => iso !== undefined && Date.parse(iso) > now;

interface ContractSummary { id: string; title: string; status: string; cluster: string }
const contracts = (await association.get<{ items: ContractSummary[] }>('/v1/contracts?limit=100')).body.items;
const contractTitled = (title: string) => {
  const found = contracts.find((contract) => contract.title === title);
  expect(found, title).toBeDefined();
  return found!;
};

describe('the demo consortium (packages/local/src/demo)', () => {
  it('runs every stage, each writing something on a fresh table', () => {
    expect(first.created).toBe(true);
    expect(first.stages.map((stage) => stage.name)).toEqual(DEMO_STAGES.map((stage) => stage.name));
    expect(first.stages.filter((stage) => !stage.created)).toEqual([]);
  });

  it('has two clusters of verified organisations of every type, and members who are not owners', async () => {
    const orgs = (await association.get('/v1/orgs?limit=100')).body.items as { type: string; status: string; cluster?: string }[];
    expect(orgs).toHaveLength(10);
    expect(orgs.every((org) => org.status === 'VERIFIED')).toBe(true);
    const count = (type: string) => orgs.filter((org) => org.type === type).length;
    expect([count('ASSOCIATION'), count('GOVERNMENT'), count('COLLEGE'), count('STUDIO'), count('ENTERPRISE')]).toEqual([1, 1, 2, 3, 3]);
    expect(new Set(orgs.flatMap((org) => org.cluster ?? []))).toEqual(new Set(['smart-manufacturing', 'new-energy-vehicles']));
    for (const sub of [DEMO_IDENTITIES.teacher, DEMO_IDENTITIES.engineer]) {
      expect((await (await api.as(sub)).get('/v1/me')).body.membership).toMatchObject({ sub, role: 'MEMBER' });
    }
  });

  it('has open requests with future deadlines, live bids, a public answer, an unanswered question and invitations to bid', async () => {
    const open = (await studio.get('/v1/requests?limit=100')).body.items as { id: string; title: string; status: string; biddingDeadline: string; bidCount?: number }[];
    expect(open.length).toBeGreaterThanOrEqual(4);
    expect(open.every((request) => request.status === 'OPEN' && future(request.biddingDeadline))).toBe(true);
    const bearing = open.find((request) => request.title === '轴承外圈表面缺陷视觉检测')!;
    expect((await enterprise.get(`/v1/requests/${bearing.id}/bids`)).body.items).toHaveLength(1);
    const questions = (await studio.get(`/v1/requests/${bearing.id}/questions`)).body.items as { status: string; answer?: { visibility: string } }[];
    expect(questions).toEqual([expect.objectContaining({ status: 'ANSWERED', answer: expect.objectContaining({ visibility: 'PUBLIC' }) })]);
    const battery = open.find((request) => request.title === '动力电池模组一致性检测工装')!;
    expect(((await enterprise.get(`/v1/requests/${battery.id}/questions`)).body.items as { status: string }[]).map((q) => q.status)).toEqual(['OPEN']);
    expect((await studio.get('/v1/invitations')).body.items).toEqual([expect.objectContaining({ status: 'PENDING' })]);
    expect((await (await api.as(DEMO_IDENTITIES.studioBattery)).get('/v1/invitations')).body.items).toHaveLength(1);
  });

  it('has contracts at every stage: awaiting signatures, active, with an open dispute, completed and terminated', async () => {
    expect(contracts.map((contract) => contract.status).sort()).toEqual(['ACTIVE', 'ACTIVE', 'COMPLETED', 'PENDING_SIGNATURES', 'TERMINATED']);
    expect(new Set(contracts.map((contract) => contract.cluster))).toEqual(new Set(['smart-manufacturing', 'new-energy-vehicles']));

    // Active, co-funded: paid out, delivered, in escrow and pending; the undelivered milestones are due ahead.
    const active = (await enterprise.get(`/v1/contracts/${contractTitled('齿轮箱装配视觉引导与防错').id}`)).body;
    expect(active.status).toBe('ACTIVE');
    expect(active.shares.subsidy).toMatchObject({ bps: 3000 });
    expect(active.milestones.map((milestone: { status: string }) => milestone.status)).toEqual(['RELEASED', 'SUBMITTED', 'FUNDED', 'PENDING']);
    for (const milestone of active.milestones.slice(1)) expect(future(milestone.dueAt), `milestone ${milestone.n} due ${milestone.dueAt}`).toBe(true);
    const changes = (await studio.get(`/v1/contracts/${active.id}/changes`)).body.items as { status: string }[];
    expect(changes.map((change) => change.status)).toEqual(['PENDING']);
    expect((await studio.get(`/v1/contracts/${active.id}/messages`)).body.items).toHaveLength(3);

    // An open dispute on the mould contract, waiting for the association.
    const disputes = (await association.get('/v1/disputes?status=OPEN')).body.items as { contractId: string; status: string }[];
    expect(disputes).toEqual([expect.objectContaining({ contractId: contractTitled('注塑模具温度场在线监测').id, status: 'OPEN' })]);

    // Completed with both reviews published, so the studio's profile shows them.
    const completed = contractTitled('冲压件关键尺寸在线测量');
    expect(completed.status).toBe('COMPLETED');
    const reviews = (await association.get(`/v1/contracts/${completed.id}/reviews`)).body;
    const published = (reviews.items ?? reviews) as { status: string }[];
    expect(published.map((review) => review.status)).toEqual(['PUBLISHED', 'PUBLISHED']);
    const studioOrgId = (await studio.get('/v1/me')).body.organisation.id;
    expect((await enterprise.get(`/v1/orgs/${studioOrgId}/reviews`)).body.items).toHaveLength(1);

    // Terminated after funding: the escrow went back.
    const terminated = (await association.get(`/v1/contracts/${contractTitled('充电桩故障诊断算法').id}`)).body;
    expect(terminated.milestones.map((milestone: { status: string }) => milestone.status)).toEqual(['REFUNDED', 'PENDING']);
  });

  it('keeps a ledger in which every entry and every contract sums to zero, with money in escrow and earned', async () => {
    let escrow = 0;
    let earned = 0;
    for (const contract of contracts) {
      const ledger = (await association.get(`/v1/contracts/${contract.id}/ledger?limit=100`)).body as {
        items: { postings: { account: string; amount: number }[] }[];
        balances: { account: string; amount: number }[];
      };
      for (const entry of ledger.items) expect(entry.postings.reduce((sum, posting) => sum + posting.amount, 0)).toBe(0);
      expect(ledger.balances.reduce((sum, balance) => sum + balance.amount, 0)).toBe(0);
      escrow += ledger.balances.filter((balance) => balance.account.startsWith('escrow:')).reduce((sum, balance) => sum + balance.amount, 0);
      earned += ledger.balances.filter((balance) => balance.account.startsWith('earnings:')).reduce((sum, balance) => sum + balance.amount, 0);
    }
    // Escrow: gear-box milestones 2 and 3 (¥160,000) and the disputed mould milestone (¥40,000); earned: gear-box 1 and the stamping contract.
    expect(escrow).toBe(20_000_000);
    expect(earned).toBe(13_600_000);
  });

  it('has appointments both confirmed and awaiting confirmation, and shared resources with approved and pending bookings', async () => {
    const appointments = [
      ...(await association.get('/v1/appointments?cluster=smart-manufacturing')).body.items,
      ...(await association.get('/v1/appointments?cluster=new-energy-vehicles')).body.items,
    ] as { status: string; startDate: string; endDate: string }[];
    expect(appointments.map((appointment) => appointment.status).sort()).toEqual(['ACTIVE', 'ACTIVE', 'PROPOSED']);
    const resources = (await enterprise.get('/v1/resources?limit=100')).body.items as { id: string; ownerOrgId: string }[];
    expect(resources).toHaveLength(4);
    const statuses: string[] = [];
    for (const resource of resources) {
      for (const booking of (await association.get(`/v1/resources/${resource.id}/bookings`)).body.items as { status: string; start: string; contractId?: string }[]) {
        statuses.push(booking.status);
        expect(future(booking.start)).toBe(true);
      }
    }
    expect(statuses.sort()).toEqual(['APPROVED', 'APPROVED', 'PENDING']);
  });

  it('wrote every counter in the transactions of the changes it counts (the stored statistics equal a recount)', async () => {
    for (const cluster of ['smart-manufacturing', 'new-energy-vehicles']) {
      expect(await storedClusterStatistics(api.deps, cluster), cluster).toEqual(await recountClusterStatistics(api.deps, cluster));
    }
    const governmentOrgId = (await (await api.as(DEMO_IDENTITIES.government)).get('/v1/me')).body.organisation.id;
    expect(await storedGovernmentStatistics(api.deps, governmentOrgId)).toEqual(await recountGovernmentStatistics(api.deps, governmentOrgId));
    // …and the audit trail and the notifications of real use.
    const trail = (await association.get(`/v1/audit?entity=contract:${contractTitled('冲压件关键尺寸在线测量').id}&limit=100`)).body.items as { action: string }[];
    expect(trail.map((record) => record.action)).toEqual(expect.arrayContaining(['sign', 'complete']));
    expect((await enterprise.get('/v1/notifications')).body.items.length).toBeGreaterThan(0);
  });

  it('shows each role what the README says to look at first, in both languages', async () => {
    const page = pageClient(api);
    const gear = contractTitled('齿轮箱装配视觉引导与防错').id;
    const looks: [string, string, string][] = [
      [DEMO_IDENTITIES.enterprise, '/contracts', '齿轮箱装配视觉引导与防错'],
      [DEMO_IDENTITIES.enterprise, `/contracts/${gear}`, '工位一、二样机'],
      [DEMO_IDENTITIES.enterprise, `/contracts/${gear}/changes`, '企业新增两种型号'],
      [DEMO_IDENTITIES.enterprise, '/requests', '轴承外圈表面缺陷视觉检测'],
      [DEMO_IDENTITIES.enterprise, '/resources', '三坐标测量机'],
      [DEMO_IDENTITIES.engineer, '/appointments', '工业机器视觉应用（产业教师）'],
      [DEMO_IDENTITIES.studio, '/invitations', '数控车床上下料机器人改造'],
      [DEMO_IDENTITIES.teacher, '/contracts', '冲压件关键尺寸在线测量'],
      [DEMO_IDENTITIES.studioBattery, '/contracts', '电池包气密性检测数据追溯'],
      [DEMO_IDENTITIES.college, '/org/studios', '工业机器人应用技术工作室'],
      [DEMO_IDENTITIES.college, '/contracts', '冲压件关键尺寸在线测量'],
      [DEMO_IDENTITIES.association, '/moderation/disputes', '注塑模具温度场在线监测'],
      [DEMO_IDENTITIES.government, '/funding', '齿轮箱装配视觉引导与防错'],
      [DEMO_IDENTITIES.enterpriseEv, '/appointments', '电驱总成测试工艺企业实践'],
    ];
    for (const [sub, path, shows] of looks) {
      const token = (await api.as(sub)).token;
      for (const lang of ['zh-CN', 'en']) {
        const response = await page(token, `${path}?lang=${lang}`);
        expect(response.status, `${sub} ${path} ${lang}`).toBe(200);
        expect(response.body, `${sub} ${path} ${lang}`).toContain(shows);
      }
    }
  });

  it('changes nothing when run again (a restart of npm start on the same data)', async () => {
    // Prepare
    const before = await snapshot(api);

    // Act
    const second = await seedDemoConsortium(api.deps);

    // Assess
    expect(second.created).toBe(false);
    expect(second.stages.filter((stage) => stage.created)).toEqual([]);
    expect(await snapshot(api)).toEqual(before);
  });
});
