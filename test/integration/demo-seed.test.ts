import { describe, expect, it } from 'vitest';
import { DEMO_CREDIT_CODES, DEMO_IDENTITIES, DEMO_STAGES, seedDemoConsortium } from '@sharedtech/local';
import { recountClusterStatistics, recountEducation, recountGovernmentStatistics, readEducationFigures, storedClusterStatistics, storedGovernmentStatistics } from '@sharedtech/services';
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
const government = await api.as(DEMO_IDENTITIES.government);
const college = await api.as(DEMO_IDENTITIES.college);
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
    expect(orgs).toHaveLength(11);
    expect(orgs.every((org) => org.status === 'VERIFIED')).toBe(true);
    const count = (type: string) => orgs.filter((org) => org.type === type).length;
    expect([count('ASSOCIATION'), count('GOVERNMENT'), count('COLLEGE'), count('STUDIO'), count('ENTERPRISE')]).toEqual([1, 1, 2, 3, 4]);
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
    const bearingBids = (await enterprise.get(`/v1/requests/${bearing.id}/bids`)).body.items as { team: { people?: { kind: string; name: string }[] } }[];
    expect(bearingBids).toHaveLength(1);
    // The open market's bids name roster people too (the rosters are a base stage): teachers of the studio, students of its college.
    expect(bearingBids[0]!.team.people?.map((person) => `${person.kind} ${person.name}`)).toEqual(['TEACHER 王老师', 'TEACHER 李老师', 'STUDENT 李同学', 'STUDENT 张同学', 'STUDENT 赵同学']);
    const questions = (await studio.get(`/v1/requests/${bearing.id}/questions`)).body.items as { status: string; answer?: { visibility: string } }[];
    expect(questions).toEqual([expect.objectContaining({ status: 'ANSWERED', answer: expect.objectContaining({ visibility: 'PUBLIC' }) })]);
    const battery = open.find((request) => request.title === '动力电池模组一致性检测工装')!;
    expect(((await enterprise.get(`/v1/requests/${battery.id}/questions`)).body.items as { status: string }[]).map((q) => q.status)).toEqual(['OPEN']);
    expect((await studio.get('/v1/invitations')).body.items).toEqual([expect.objectContaining({ status: 'PENDING' })]);
    expect((await (await api.as(DEMO_IDENTITIES.studioBattery)).get('/v1/invitations')).body.items).toHaveLength(1);
  });

  it('has contracts at every stage: awaiting signatures, active, with an open dispute, completed and terminated', async () => {
    expect(contracts.map((contract) => contract.status).sort()).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'COMPLETED', 'PENDING_SIGNATURES', 'TERMINATED']);
    expect(new Set(contracts.map((contract) => contract.cluster))).toEqual(new Set(['smart-manufacturing', 'new-energy-vehicles']));

    // Active, co-funded: paid out, delivered, in escrow and pending; the undelivered milestones are due ahead.
    const active = (await enterprise.get(`/v1/contracts/${contractTitled('齿轮箱装配视觉引导与防错').id}`)).body;
    expect(active.status).toBe('ACTIVE');
    expect(active.grant).toMatchObject({ bps: 3000 });
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
    // Escrow: gear-box milestones 2 and 3 (¥160,000), the disputed mould milestone (¥40,000) and the pooled milestone 1 (¥90,000);
    // earned (the studios' and their colleges' overhead): gear-box 1 and the stamping contract.
    expect(escrow).toBe(29_000_000);
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
      // The recount covers every counter, subsidies and education outcomes included (upgrade-data repairs with it).
      expect(await storedClusterStatistics(api.deps, cluster), cluster).toEqual(await recountClusterStatistics(api.deps, cluster));
      expect(await readEducationFigures(api.deps, cluster, true), cluster).toEqual(await recountEducation(api.deps, cluster));
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
    const programme = (await government.get('/v1/programmes')).body.items.find((candidate: { name: string }) => candidate.name === '市共性技术服务资助计划（第一批）');
    const collegeOrgId = (await college.get('/v1/me')).body.organisation.id;
    const record = (await college.get(`/v1/colleges/${collegeOrgId}/student-records`)).body.items[0];
    const openPool = (await enterprise.get('/v1/requests?limit=100')).body.items.find((request: { title: string }) => request.title === '精密零件去毛刺工艺共性攻关');
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
      [DEMO_IDENTITIES.government, '/programmes', '市共性技术服务资助计划（第一批）'],
      [DEMO_IDENTITIES.government, `/programmes/${programme.id}`, '齿轮箱装配视觉引导与防错'],
      [DEMO_IDENTITIES.government, '/council', 'data-council="smart-manufacturing"'],
      [DEMO_IDENTITIES.association, '/registrations', '冲压件关键尺寸在线测量'],
      [DEMO_IDENTITIES.college, '/people', '机电一体化技术'],
      [DEMO_IDENTITIES.college, '/college/student-records', '李同学'],
      [DEMO_IDENTITIES.college, `/records/${record.id}`, '冲压件关键尺寸在线测量'],
      [DEMO_IDENTITIES.enterpriseMould, `/requests/${openPool.id}/pool`, '永固弹簧科技有限公司'],
      [DEMO_IDENTITIES.college, `/orgs/${collegeOrgId}/overhead`, '10.00'],
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

  it('keeps rosters; bids name a dual-mentor team of roster people, awards an enterprise mentor, a registration type and amount, and the college overhead in force', async () => {
    const collegeOrgId = (await college.get('/v1/me')).body.organisation.id;
    const students = (await college.get(`/v1/orgs/${collegeOrgId}/people?kind=STUDENT&limit=100`)).body.items as { name: string; programme?: string; year?: number }[];
    expect(students.length).toBeGreaterThanOrEqual(5);
    expect(students.every((student) => student.programme && student.year)).toBe(true);
    const studioOrgId = (await studio.get('/v1/me')).body.organisation.id;
    const teachers = (await studio.get(`/v1/orgs/${studioOrgId}/people?kind=TEACHER`)).body.items as { name: string; memberSub?: string }[];
    expect(teachers).toEqual(expect.arrayContaining([expect.objectContaining({ name: '王老师', memberSub: DEMO_IDENTITIES.teacher })]));
    const enterpriseOrgId = (await enterprise.get('/v1/me')).body.organisation.id;
    expect((await enterprise.get(`/v1/orgs/${enterpriseOrgId}/people`)).body.items).toEqual([expect.objectContaining({ name: '张工', kind: 'ENGINEER', memberSub: DEMO_IDENTITIES.engineer })]);

    const gear = (await enterprise.get(`/v1/contracts/${contractTitled('齿轮箱装配视觉引导与防错').id}`)).body;
    const team = gear.team.people as { kind: string; name: string; programme?: string }[];
    expect(team.filter((person) => person.kind === 'TEACHER').map((person) => person.name)).toEqual(expect.arrayContaining(['王老师', '李老师']));
    expect(team.filter((person) => person.kind === 'STUDENT')).toHaveLength(3);
    expect(gear.enterpriseMentor).toMatchObject({ name: '张工', kind: 'ENGINEER', memberSub: DEMO_IDENTITIES.engineer });
    expect(gear.registration).toEqual({ contractType: 'DEVELOPMENT', technologyAmount: { amount: 25_000_000, currency: 'CNY' } });
    expect(gear.overhead).toMatchObject({ collegeOrgId, bps: 1000 });
    const registration = (await enterprise.get(`/v1/contracts/${gear.id}/registration`)).body;
    expect(registration).toMatchObject({ contractType: 'DEVELOPMENT', technologyAmount: { amount: 25_000_000 }, subject: '齿轮箱装配视觉引导与防错' });
    expect(registration.parties.map((party: { creditCode?: string }) => party.creditCode)).toContain(DEMO_CREDIT_CODES.enterprise);
    // Every awarded contract chose a registration type; the EV college's rate is recorded on its studio's signed contract.
    for (const contract of contracts) expect((await association.get(`/v1/contracts/${contract.id}`)).body.registration?.contractType, contract.title).toBeDefined();
    expect((await association.get(`/v1/contracts/${contractTitled('充电桩故障诊断算法').id}`)).body.overhead).toMatchObject({ bps: 800 });
  });

  it('has a government programme whose figures equal the ledger, an approved application and one awaiting the decision', async () => {
    const programmes = (await government.get('/v1/programmes')).body.items as { id: string; name: string; open: boolean; clusters: string[] }[];
    const programme = programmes.find((candidate) => candidate.name === '市共性技术服务资助计划（第一批）')!;
    expect(programme).toMatchObject({ open: true, clusters: expect.arrayContaining(['smart-manufacturing', 'new-energy-vehicles']) });
    const applications = (await government.get(`/v1/programmes/${programme.id}/applications`)).body.items as { status: string; contractTitle: string; reserved?: number }[];
    expect(applications.map((application) => [application.contractTitle, application.status]).sort()).toEqual([
      ['注塑模具温度场在线监测', 'PENDING'],
      ['齿轮箱装配视觉引导与防错', 'APPROVED'],
    ]);
    const approved = applications.find((application) => application.status === 'APPROVED')!;
    const figures = (await government.get(`/v1/programmes/${programme.id}`)).body.figures as { budget: number; reserved: number; paid: number; remaining: number };
    // Paid: what left the government's account on the contract (three milestones funded at 30 %); reserved + paid: the approval's reservation.
    const gear = contractTitled('齿轮箱装配视觉引导与防错');
    const ledger = (await association.get(`/v1/contracts/${gear.id}/ledger?limit=100`)).body as { balances: { account: string; amount: number }[] };
    const governmentOrgId = (await government.get('/v1/me')).body.organisation.id;
    const paidFromLedger = -(ledger.balances.find((balance) => balance.account === `external:${governmentOrgId}`)?.amount ?? 0);
    expect(paidFromLedger).toBe(0.3 * (5_000_000 + 8_000_000 + 8_000_000));
    expect(figures).toEqual({ budget: 200_000_000, paid: paidFromLedger, reserved: approved.reserved! - paidFromLedger, remaining: 200_000_000 - approved.reserved! });
  });

  it('has an OPEN pool of three enterprises, and a pooled contract with one milestone funded by every part and one blocked by a member’s part', async () => {
    const mould = await api.as(DEMO_IDENTITIES.enterpriseMould);
    const requests = (await mould.get('/v1/requests?limit=100')).body.items as { id: string; title: string }[];
    const open = requests.find((request) => request.title === '精密零件去毛刺工艺共性攻关')!;
    const pool = (await mould.get(`/v1/requests/${open.id}/pool`)).body;
    expect(pool).toMatchObject({ requestStatus: 'OPEN', memberCount: 2, pledgedBps: 6000, ownerBps: 4000 });

    const pooled = (await mould.get(`/v1/contracts/${contractTitled('小批量多品种零件机器人柔性上下料共性方案').id}`)).body;
    const mouldOrgId = (await mould.get('/v1/me')).body.organisation.id;
    expect(pooled).toMatchObject({ status: 'ACTIVE', shares: { ipOwnership: 'LICENSED_TO_COFUNDERS' } });
    expect(pooled.pool.members).toHaveLength(3);
    const [first, second] = pooled.milestones as { status: string; fundedParts?: { orgId: string }[] }[];
    expect(first!.status).toBe('FUNDED');
    expect(first!.fundedParts).toHaveLength(3);
    // Blocked: two of three parts are in, the mould company's is missing.
    expect(second!.status).toBe('PENDING');
    expect(second!.fundedParts).toHaveLength(2);
    expect(second!.fundedParts!.map((part) => part.orgId)).not.toContain(mouldOrgId);
  });

  it('has participation signed by both mentors and awaiting the enterprise mentor, student records of the completed contract, and statements with periods', async () => {
    const gear = contractTitled('齿轮箱装配视觉引导与防错');
    const entries = (await studio.get(`/v1/contracts/${gear.id}/milestones/2/participation`)).body.items as { name: string; signedOff: boolean; teacherSignOff?: object; mentorSignOff?: object }[];
    expect(entries.map((entry) => [entry.name, entry.signedOff, Boolean(entry.teacherSignOff), Boolean(entry.mentorSignOff)]).sort()).toEqual([
      ['张同学', true, true, true],
      ['赵同学', false, true, false],
    ]);

    const completed = contractTitled('冲压件关键尺寸在线测量');
    const collegeOrgId = (await college.get('/v1/me')).body.organisation.id;
    const records = ((await college.get(`/v1/colleges/${collegeOrgId}/student-records`)).body.items as { id: string; contractId: string; name: string; hours: number }[])
      .filter((record) => record.contractId === completed.id);
    expect(records.map((record) => [record.name, record.hours]).sort()).toEqual([['李同学', 76], ['赵同学', 60]]);
    expect((await studio.get(`/v1/student-records/${records[0]!.id}`)).body).toMatchObject({ contractId: completed.id, title: '冲压件关键尺寸在线测量' });

    const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(api.clock()));
    const summary = (await enterprise.get(`/v1/contracts/${completed.id}/statements/summary`)).body;
    expect(summary.years).toEqual([expect.objectContaining({ year, statements: 2, benefit: 22_500_000 })]);
    const benefits = (await enterprise.get(`/v1/contracts/${completed.id}/benefits`)).body.items as { period?: { year: number; quarter?: number } }[];
    expect(benefits.map((statement) => statement.period?.year)).toEqual([year, year]);
    expect(benefits.filter((statement) => statement.period?.quarter !== undefined)).toHaveLength(1);
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
