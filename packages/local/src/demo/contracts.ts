import { addDays, shanghaiDate, type IP_OWNERSHIP, shanghaiPeriod, type Contract, type MilestoneStatus, type StatementKind, type TechContractType } from '@sharedtech/core';
import { getContract, getMilestone, listChangeOrders, listContractMessages, listContractsOfOrganisation, listMilestones, listReviewsOfContract, readAll } from '@sharedtech/data';
import {
  actOnMilestone, awardRequest, joinPool, listParticipation, listStatements, logParticipation, postContractMessage, proposeChange, readPool,
  reportShareStatement, signContract, signOffParticipation, submitReview, terminateContract, type ProposeChangeInput,
} from '@sharedtech/services';
import { DEMO_IDENTITIES as who, EV, SMART, cny, yuanRange } from './cast.js';
import type { DemoContext, DemoStage } from './context.js';
import { personNamed, type DemoTeam } from './people.js';
import { ensureProgrammeApplication } from './programmes.js';
import { demoBid, ensureBid, ensureOpenRequest, type DemoBid, type DemoRequestContent } from './requests.js';

type Party = 'enterprise' | 'studio';
type MilestoneAction = 'fund' | 'submit' | 'accept' | 'dispute';
type Ratings = { quality: number; timeliness: number; communication: number };

/** One contract of the demo and how far its story has gone. */
export interface DemoContract {
  enterprise: string;
  studio: string;
  /** The request, with the IP preference the contract's ownership defaults to. */
  request: DemoRequestContent & Required<Pick<DemoRequestContent, 'ipPreference'>>;
  bid: DemoBid;
  /** The dual-mentor team the bid names: teachers of the studio's roster, students of its college's. */
  team: DemoTeam;
  /** The enterprise mentor (an engineer of the enterprise's roster) named at award. */
  mentor: string;
  /** 技术合同认定登记: the contract type and the technology transaction amount chosen at award. */
  registration: { contractType: TechContractType; technologyYuan: number };
  /** Who owns the results; by default what the request preferred. */
  ipOwnership?: (typeof IP_OWNERSHIP)[number];
  /** Enterprises of the cluster that join the request's pool (pledged share in bps) before the award, and a member that has not funded its part of milestone `n`. */
  pool?: { members: readonly { sub: string; bps: number }[]; withheld?: { n: number; sub: string } };
  /** An application to the demo programme once the contract is signed: approved (before any funding) or awaiting the government. */
  programme?: { bps: number; approve: boolean };
  /** Who signs: the enterprise, the studio, and (`pool`) every pool member. */
  signedBy: readonly (Party | 'pool')[];
  /** Per milestone (1, 2, …), the steps taken so far, in order. */
  milestones?: readonly (readonly MilestoneAction[])[];
  /** Students' participation per milestone, logged by the studio and signed off by the teacher and (if `mentorSigned`) the enterprise mentor, before the milestone is accepted. */
  participation?: readonly { n: number; student: string; hours: number; role: string; tasks: string[]; mentorSigned: boolean }[];
  change?: { by: Party; input: ProposeChangeInput };
  messages?: readonly { by: Party; text: string }[];
  terminate?: string;
  reviews?: Record<Party, { ratings: Ratings; comment: string }>;
  /** Benefit and risk statements reported after completion, for this year (and, if `quarter`, this quarter). */
  statements?: readonly { by: Party; kind: StatementKind; yuan: number; note: string; quarter?: boolean }[];
}

const AFTER: Record<MilestoneAction, MilestoneStatus> = { fund: 'FUNDED', submit: 'SUBMITTED', accept: 'RELEASED', dispute: 'DISPUTED' };

/** The signed-in people who sign participation off: the teacher linked to 王老师 and the engineer linked to 张工 (else the owners). */
const TEACHER_SIGNER: Record<string, string> = { [who.studio]: who.teacher };
const MENTOR_SIGNER: Record<string, string> = { [who.enterprise]: who.engineer };

/** Pool members join the request (each once) while it is OPEN. */
export async function ensurePoolMembers(ctx: DemoContext, ownerSub: string, requestId: string, members: readonly { sub: string; bps: number }[]) {
  const pool = await readPool(ctx.deps, await ctx.as(ownerSub), requestId);
  if (pool.requestStatus !== 'OPEN') return;
  for (const member of members) {
    const principal = await ctx.as(member.sub);
    if (pool.members.some((joined) => joined.orgId === principal.org!.id)) continue;
    await joinPool(ctx.deps, principal, requestId, { pledgeBps: member.bps });
    ctx.changed();
  }
}

/** Every funder (the enterprise, and each pool member but a withheld one) funds its part of milestone `n`, once. */
async function fundMilestone(ctx: DemoContext, story: DemoContract, contractId: string, n: number) {
  const withheld = story.pool?.withheld?.n === n ? story.pool.withheld.sub : undefined;
  const funders = [story.enterprise, ...(story.pool?.members.map((member) => member.sub) ?? [])].filter((sub) => sub !== withheld);
  for (const sub of funders) {
    const milestone = (await getMilestone(ctx.deps.db, contractId, n, true))!;
    if (milestone.status !== 'PENDING') return;
    const funder = await ctx.as(sub);
    if (milestone.fundedParts?.some((part) => part.orgId === funder.org!.id)) continue;
    await actOnMilestone(ctx.deps, funder, contractId, n, { action: 'fund' });
    ctx.changed();
  }
}

/** The story's participation in milestone `n`: logged, signed by the teacher and, where the story says, the enterprise mentor (each once). */
async function ensureParticipation(ctx: DemoContext, story: DemoContract, contract: Contract, n: number) {
  const entries = story.participation?.filter((entry) => entry.n === n) ?? [];
  if (entries.length === 0 || contract.status !== 'ACTIVE') return;
  const studio = await ctx.as(story.studio);
  const logged = (await listParticipation(ctx.deps, studio, contract.id, n)).items;
  const teacherToSign: string[] = [];
  const mentorToSign: string[] = [];
  for (const entry of entries) {
    // A contract awarded before the rosters existed names its team by free text: it has no roster students to log.
    const student = contract.team?.people?.find((person) => person.kind === 'STUDENT' && person.name === entry.student);
    if (!student) continue;
    let current = logged.find((candidate) => candidate.personId === student.personId);
    if (!current) {
      current = await logParticipation(ctx.deps, studio, contract.id, n, { personId: student.personId, hours: entry.hours, role: entry.role, tasks: entry.tasks });
      ctx.changed();
    }
    if (!current.teacherSignOff) teacherToSign.push(student.personId);
    if (entry.mentorSigned && !current.mentorSignOff) mentorToSign.push(student.personId);
  }
  // One sign-off per side for the entries it still has to sign.
  const signers: [string, string[]][] = [[TEACHER_SIGNER[story.studio] ?? story.studio, teacherToSign], [MENTOR_SIGNER[story.enterprise] ?? story.enterprise, mentorToSign]];
  for (const [sub, personIds] of signers) {
    if (personIds.length === 0) continue;
    await signOffParticipation(ctx.deps, await ctx.as(sub), contract.id, n, { personIds });
    ctx.changed();
  }
}

/** Shares of the benefit and risk: the enterprise, each pool member and the studio. */
function sharesOf(story: DemoContract, enterpriseOrgId: string, studioOrgId: string, memberOrgIds: string[]) {
  const k = memberOrgIds.length;
  return {
    benefitShares: [{ orgId: enterpriseOrgId, bps: 6000 - 1500 * k }, ...memberOrgIds.map((orgId) => ({ orgId, bps: 1500 })), { orgId: studioOrgId, bps: 4000 }],
    riskShares: [{ orgId: enterpriseOrgId, bps: 7000 - 2000 * k }, ...memberOrgIds.map((orgId) => ({ orgId, bps: 2000 })), { orgId: studioOrgId, bps: 3000 }],
    ipOwnership: story.ipOwnership ?? story.request.ipPreference,
  };
}

/**
 * Brings one contract to where its story says, step by step through the
 * services, starting from whatever exists: the request (by title), its pool,
 * the studio's bid naming its roster team, the contract awarded from it (with
 * the enterprise mentor and the registration choice), signatures, a programme
 * application, milestone steps with the students' participation signed off
 * before acceptance, a change order, messages, termination, reviews and
 * benefit statements.
 */
export async function ensureContract(ctx: DemoContext, story: DemoContract): Promise<Contract> {
  const request = await ensureOpenRequest(ctx, story.enterprise, story.request);
  if (story.pool) await ensurePoolMembers(ctx, story.enterprise, request.id, story.pool.members);
  const enterprise = await ctx.as(story.enterprise);
  const studioOrgId = await ctx.orgOf(story.studio);
  const subs: Record<Party, string> = { enterprise: story.enterprise, studio: story.studio };

  const find = async () => (await readAll((page) => listContractsOfOrganisation(ctx.deps.db, enterprise.org!.id, page))).find((c) => c.requestId === request.id);
  let contract = await find();
  if (!contract) {
    const bid = await ensureBid(ctx, story.studio, request.id, story.bid, story.team);
    const memberOrgIds = await Promise.all((story.pool?.members ?? []).map((member) => ctx.orgOf(member.sub)));
    await awardRequest(ctx.deps, enterprise, request.id, {
      bidId: bid.id,
      shares: sharesOf(story, enterprise.org!.id, studioOrgId, memberOrgIds),
      registration: { contractType: story.registration.contractType, technologyAmount: cny(story.registration.technologyYuan) },
      mentorPersonId: (await personNamed(ctx, story.enterprise, story.mentor)).id,
    });
    ctx.changed();
    contract = (await find())!;
  }
  const reload = async () => (contract = (await getContract(ctx.deps.db, contract!.id, true))!);

  const signers = story.signedBy.flatMap((party) => (party === 'pool' ? (story.pool?.members ?? []).map((member) => member.sub) : [subs[party]]));
  for (const sub of signers) {
    const signer = await ctx.as(sub);
    if (contract.status === 'PENDING_SIGNATURES' && !contract.signatures.some((signature) => signature.orgId === signer.org!.id)) {
      await signContract(ctx.deps, signer, contract.id);
      ctx.changed();
      await reload();
    }
  }

  if (story.programme && contract.status === 'ACTIVE') {
    await ensureProgrammeApplication(ctx, story.enterprise, contract, story.programme.bps, story.programme.approve);
    await reload();
  }

  if (contract.status === 'ACTIVE' && story.milestones?.length) {
    // Each milestone's steps depend only on its own status; the contract's (it may complete) is read once after.
    const milestones = await listMilestones(ctx.deps.db, contract.id, true);
    for (const [index, steps] of story.milestones.entries()) {
      const n = index + 1;
      const status = milestones.find((candidate) => candidate.n === n)!.status;
      const done = ['PENDING', ...steps.map((step) => AFTER[step])].indexOf(status);
      for (const step of done < 0 ? [] : steps.slice(done)) {
        if (step === 'fund') {
          await fundMilestone(ctx, story, contract.id, n);
          continue;
        }
        // The students' work is signed off before the milestone (and perhaps the contract) is accepted.
        if (step === 'accept') await ensureParticipation(ctx, story, contract, n);
        const actor = await ctx.as(step === 'submit' ? story.studio : story.enterprise);
        const command =
          step === 'submit'
            ? { action: 'submit' as const, note: `第 ${n} 阶段交付物：报告、源代码与现场记录已上传。` }
            : step === 'dispute'
              ? { action: 'dispute' as const, reason: '交付的监测数据与现场实测偏差超过 3 ℃，未达到合同约定的精度。' }
              : { action: step };
        await actOnMilestone(ctx.deps, actor, contract.id, n, command);
        ctx.changed();
      }
    }
    await reload();
  }

  // Participation on milestones not (yet) accepted: the contract is still ACTIVE.
  for (const n of new Set(story.participation?.map((entry) => entry.n))) await ensureParticipation(ctx, story, contract, n);

  if (story.change && contract.status === 'ACTIVE' && (await listChangeOrders(ctx.deps.db, contract.id, { limit: 1 })).items.length === 0) {
    await proposeChange(ctx.deps, await ctx.as(subs[story.change.by]), contract.id, story.change.input);
    ctx.changed();
  }

  if (story.messages?.length) {
    const posted = new Set((await readAll((page) => listContractMessages(ctx.deps.db, contract!.id, page))).map((message) => message.text));
    for (const message of story.messages) {
      if (posted.has(message.text)) continue;
      await postContractMessage(ctx.deps, await ctx.as(subs[message.by]), contract.id, message.text);
      ctx.changed();
    }
  }

  if (story.terminate && contract.status === 'ACTIVE') {
    await terminateContract(ctx.deps, await ctx.as(who.association), contract.id, { reason: story.terminate });
    ctx.changed();
    await reload();
  }

  if (story.reviews && (contract.status === 'COMPLETED' || contract.status === 'TERMINATED')) {
    const reviewed = new Set((await listReviewsOfContract(ctx.deps.db, contract.id, true)).map((review) => review.authorOrgId));
    for (const party of ['enterprise', 'studio'] as const) {
      const author = await ctx.as(subs[party]);
      if (reviewed.has(author.org!.id)) continue;
      await submitReview(ctx.deps, author, contract.id, story.reviews[party]);
      ctx.changed();
    }
  }

  if (story.statements && contract.status === 'COMPLETED') {
    const period = shanghaiPeriod(ctx.now);
    for (const statement of story.statements) {
      const reporter = await ctx.as(subs[statement.by]);
      const reported = await readAll((page) => listStatements(ctx.deps, reporter, contract!.id, statement.kind, page));
      if (reported.some((candidate) => candidate.note === statement.note)) continue;
      await reportShareStatement(ctx.deps, reporter, contract.id, statement.kind, {
        amount: cny(statement.yuan),
        note: statement.note,
        period: { year: period.year, ...(statement.quarter ? { quarter: period.quarter } : {}) },
      });
      ctx.changed();
    }
  }
  return contract;
}

/** The contracts of the demo, one at each stage of a contract's life. */
function demoContracts(ctx: DemoContext): DemoContract[] {
  return [
    {
      // Completed: both milestones accepted, both sides reviewed, so both reviews are published.
      enterprise: who.enterprise,
      studio: who.studio,
      request: {
        title: '冲压件关键尺寸在线测量',
        summary: '冲压车间的支架件需要在线测量孔位与轮廓尺寸，替代三坐标抽检。',
        details: '节拍 4 秒/件，测量精度 ±0.05 mm；需与现有分拣机构联动剔除不良品。',
        cluster: SMART,
        tags: ['机器视觉', '在线测量'],
        budget: yuanRange(60_000, 100_000),
        ipPreference: 'JOINT',
      },
      bid: demoBid(
        '远心镜头与背光成像测量孔位与轮廓，亚像素边缘提取，结果实时推送分拣 PLC。',
        ['测量方案与精度验证', 36_000, 25],
        ['产线集成与验收', 50_000, 60],
      ),
      team: { teachers: ['王老师'], students: ['李同学', '赵同学'] },
      mentor: '张工',
      registration: { contractType: 'DEVELOPMENT', technologyYuan: 70_000 },
      signedBy: ['enterprise', 'studio'],
      milestones: [['fund', 'submit', 'accept'], ['fund', 'submit', 'accept']],
      participation: [
        { n: 1, student: '李同学', hours: 36, role: '图像采集与标定', tasks: ['远心镜头选型试验', '标定板采集与精度分析'], mentorSigned: true },
        { n: 1, student: '赵同学', hours: 28, role: '测量算法', tasks: ['亚像素边缘提取', '重复性测试'], mentorSigned: true },
        { n: 2, student: '李同学', hours: 40, role: '现场集成', tasks: ['分拣 PLC 通信', '产线联调'], mentorSigned: true },
        { n: 2, student: '赵同学', hours: 32, role: '验收测试', tasks: ['验收测试记录', '操作手册编写'], mentorSigned: true },
      ],
      statements: [
        { by: 'enterprise', kind: 'BENEFIT', yuan: 180_000, note: '本年度在线测量替代三坐标抽检，减少质检工时与废品损失。' },
        { by: 'enterprise', kind: 'BENEFIT', yuan: 45_000, note: '本季度不良品漏检下降带来的质量成本节约。', quarter: true },
      ],
      messages: [
        { by: 'studio', text: '精度验证报告已上传，重复性 0.012 mm，请查收。' },
        { by: 'enterprise', text: '报告收到，下周二安排产线停机 4 小时用于集成调试。' },
      ],
      reviews: {
        enterprise: { ratings: { quality: 5, timeliness: 5, communication: 4 }, comment: '测量稳定，提前一周完成，学生团队在现场非常认真。' },
        studio: { ratings: { quality: 5, timeliness: 4, communication: 5 }, comment: '企业配合积极，现场条件准备充分，是很好的教学项目。' },
      },
    },
    {
      // Active and co-funded through the government's programme (approved before any funding): one milestone paid out, one delivered awaiting acceptance,
      // one funded in escrow, one pending with a change order awaiting approval; the parties talk.
      enterprise: who.enterprise,
      studio: who.studio,
      request: {
        title: '齿轮箱装配视觉引导与防错',
        summary: '齿轮箱装配线需要视觉引导拧紧与漏装、错装防错。',
        details: '四个工位，12 种型号混线；要求漏装检出率 100%，误报率低于 0.5%，并记录追溯数据。',
        cluster: SMART,
        tags: ['机器视觉', '工业机器人', '防错'],
        budget: yuanRange(200_000, 320_000),
        ipPreference: 'JOINT',
      },
      bid: demoBid(
        '每工位一台 3D 相机识别型号与零件位置，引导电批拧紧，装配结果与条码绑定追溯。',
        ['需求调研与方案设计', 50_000, 20],
        ['工位一、二样机', 80_000, 60],
        ['工位三、四样机', 80_000, 100],
        ['整线联调与验收', 70_000, 150],
      ),
      team: { teachers: ['王老师', '李老师'], students: ['李同学', '张同学', '赵同学'] },
      mentor: '张工',
      registration: { contractType: 'DEVELOPMENT', technologyYuan: 250_000 },
      programme: { bps: 3000, approve: true },
      signedBy: ['enterprise', 'studio'],
      milestones: [['fund', 'submit', 'accept'], ['fund', 'submit'], ['fund']],
      participation: [
        { n: 2, student: '张同学', hours: 42, role: '样机装调', tasks: ['工位一、二 3D 相机安装', '电批引导调试'], mentorSigned: true },
        { n: 2, student: '赵同学', hours: 30, role: '防错逻辑', tasks: ['漏装检测规则', '条码追溯接口'], mentorSigned: false },
      ],
      change: {
        by: 'studio',
        input: {
          operations: [
            { op: 'reprice', n: 4, amount: cny(78_000) },
            { op: 'moveDue', n: 4, dueDate: shanghaiDate(addDays(ctx.now, 165)) },
          ],
          reason: '企业新增两种型号，整线联调需增加 8,000 元并顺延 15 天。',
        },
      },
      messages: [
        { by: 'enterprise', text: '工位二的样机我们周四验收，请安排学生到现场。' },
        { by: 'studio', text: '好的，王老师带三名学生周四上午到，另请准备两种新型号的样件。' },
        { by: 'enterprise', text: '样件已备好，新增型号的变更已按流程提交，请查看。' },
      ],
    },
    {
      // Active with an open dispute: the first delivery was rejected and awaits the association's decision.
      enterprise: who.enterpriseMould,
      studio: who.studioRobotics,
      request: {
        title: '注塑模具温度场在线监测',
        summary: '大型注塑模具需要在线监测温度场，提前发现冷却不均。',
        details: '模具 24 个测点，采样 1 秒，超温报警并生成每模次温度曲线。',
        cluster: SMART,
        tags: ['数据采集', '数字孪生'],
        budget: yuanRange(70_000, 110_000),
        ipPreference: 'ENTERPRISE',
      },
      bid: demoBid(
        '嵌入式热电偶与边缘采集网关，温度场插值显示，模次曲线入库并超温报警。',
        ['测点布置与采集网关', 40_000, 40],
        ['温度场可视化与报警', 56_000, 80],
      ),
      team: { teachers: ['孙老师'], students: ['郑同学', '冯同学'] },
      mentor: '钱工',
      registration: { contractType: 'SERVICE', technologyYuan: 90_000 },
      programme: { bps: 2000, approve: false },
      signedBy: ['enterprise', 'studio'],
      milestones: [['fund', 'submit', 'dispute']],
      messages: [
        { by: 'studio', text: '偏差来自两个测点的热电偶安装深度，我们建议现场复测后再定。' },
      ],
    },
    {
      // Awaiting signatures: awarded and signed by the enterprise, the studio has yet to sign.
      enterprise: who.enterpriseEv,
      studio: who.studioBattery,
      request: {
        title: '电池包气密性检测数据追溯',
        summary: '电池包气密性检测设备的数据自动采集、判定与追溯。',
        details: '三台气密检测仪，需要按电池包条码记录压降曲线并上传 MES。',
        cluster: EV,
        tags: ['电池检测', '数据采集'],
        budget: yuanRange(40_000, 70_000),
        ipPreference: 'JOINT',
      },
      bid: demoBid(
        '串口采集压降曲线，按条码入库，判定规则可配置，并提供 MES 接口。',
        ['采集与判定', 28_000, 25],
        ['MES 对接与验收', 30_000, 45],
      ),
      team: { teachers: ['陈老师'], students: ['周同学', '吴同学'] },
      mentor: '刘工',
      registration: { contractType: 'SERVICE', technologyYuan: 50_000 },
      signedBy: ['enterprise'],
    },
    {
      // Terminated by the association after the first milestone was funded: the escrow went back to the enterprise.
      enterprise: who.enterpriseEv,
      studio: who.studioBattery,
      request: {
        title: '充电桩故障诊断算法',
        summary: '基于充电桩运行日志的故障预警与诊断算法。',
        details: '两万台充电桩一年的运行日志；需要识别六类常见故障并给出维修建议。',
        cluster: EV,
        tags: ['数据采集', '故障诊断'],
        budget: yuanRange(90_000, 150_000),
        ipPreference: 'COLLEGE',
      },
      bid: demoBid(
        '日志清洗与特征工程，梯度提升树分类六类故障，输出维修建议规则库。',
        ['数据治理与特征', 50_000, 30],
        ['诊断模型与部署', 70_000, 90],
      ),
      team: { teachers: ['陈老师'], students: ['周同学'] },
      mentor: '刘工',
      registration: { contractType: 'DEVELOPMENT', technologyYuan: 110_000 },
      signedBy: ['enterprise', 'studio'],
      milestones: [['fund']],
      terminate: '企业业务调整，双方协商一致终止合同，已托管款项原路退回。',
    },
  ];
}

/** Contracts at every stage of their life, with money in the ledger, a change order, an open dispute, messages and published reviews. */
export const contractsStage: DemoStage = {
  name: 'contracts',
  async run(ctx) {
    await ctx.parallel(demoContracts(ctx), (story) => ensureContract(ctx, story));
  },
};
