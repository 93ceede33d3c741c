import { addDays, shanghaiDate, type Contract, type MilestoneStatus } from '@sharedtech/core';
import { getContract, listChangeOrders, listContractMessages, listContractsOfOrganisation, listMilestones, listReviewsOfContract, readAll } from '@sharedtech/data';
import { actOnMilestone, awardRequest, postContractMessage, proposeChange, signContract, submitReview, terminateContract, type ProposeChangeInput } from '@sharedtech/services';
import { DEMO_IDENTITIES as who, EV, SMART, cny } from './cast.js';
import type { DemoContext, DemoStage } from './context.js';
import { demoRequest, ensureBid, ensureOpenRequest, type DemoBid } from './requests.js';

type Party = 'enterprise' | 'studio';
type MilestoneAction = 'fund' | 'submit' | 'accept' | 'dispute';
type Ratings = { quality: number; timeliness: number; communication: number };

/** One contract of the demo and how far its story has gone. */
interface DemoContract {
  enterprise: string;
  studio: string;
  request: Parameters<typeof demoRequest>[1];
  bid: DemoBid;
  ipOwnership: 'ENTERPRISE' | 'COLLEGE' | 'JOINT';
  /** The government co-funds this share of every milestone (basis points) and signs too. */
  subsidyBps?: number;
  signedBy: readonly (Party | 'government')[];
  /** Per milestone (1, 2, …), the steps taken so far, in order. */
  milestones?: readonly (readonly MilestoneAction[])[];
  change?: { by: Party; input: ProposeChangeInput };
  messages?: readonly { by: Party; text: string }[];
  terminate?: string;
  reviews?: Record<Party, { ratings: Ratings; comment: string }>;
}

const AFTER: Record<MilestoneAction, MilestoneStatus> = { fund: 'FUNDED', submit: 'SUBMITTED', accept: 'RELEASED', dispute: 'DISPUTED' };

/**
 * Brings one contract to where its story says, step by step through the
 * services, starting from whatever exists: the request (by title), the
 * studio's bid, the contract awarded from it, signatures, milestone steps,
 * a change order, messages, termination and reviews.
 */
async function ensureContract(ctx: DemoContext, story: DemoContract): Promise<Contract> {
  const request = await ensureOpenRequest(ctx, story.enterprise, demoRequest(ctx, story.request));
  const bid = await ensureBid(ctx, story.studio, request.id, story.bid);
  const enterprise = await ctx.as(story.enterprise);
  const studioOrgId = await ctx.orgOf(story.studio);
  const government = await ctx.as(who.government);
  const subs: Record<Party | 'government', string> = { enterprise: story.enterprise, studio: story.studio, government: who.government };

  const find = async () => (await readAll((page) => listContractsOfOrganisation(ctx.deps.db, enterprise.org!.id, page))).find((c) => c.requestId === request.id);
  let contract = await find();
  if (!contract) {
    const shares = {
      benefitShares: [{ orgId: enterprise.org!.id, bps: 6000 }, { orgId: studioOrgId, bps: 4000 }],
      riskShares: [{ orgId: enterprise.org!.id, bps: 7000 }, { orgId: studioOrgId, bps: 3000 }],
      ipOwnership: story.ipOwnership,
      ...(story.subsidyBps ? { subsidy: { orgId: government.org!.id, bps: story.subsidyBps } } : {}),
    };
    await awardRequest(ctx.deps, enterprise, request.id, { bidId: bid.id, shares });
    ctx.changed();
    contract = (await find())!;
  }
  const reload = async () => (contract = (await getContract(ctx.deps.db, contract!.id, true))!);

  for (const party of story.signedBy) {
    const signer = await ctx.as(subs[party]);
    if (contract.status === 'PENDING_SIGNATURES' && !contract.signatures.some((signature) => signature.orgId === signer.org!.id)) {
      await signContract(ctx.deps, signer, contract.id);
      ctx.changed();
      await reload();
    }
  }

  if (contract.status === 'ACTIVE' && story.milestones?.length) {
    // Each milestone's steps depend only on its own status; the contract's (it may complete) is read once after.
    const milestones = await listMilestones(ctx.deps.db, contract.id, true);
    for (const [index, steps] of story.milestones.entries()) {
      const n = index + 1;
      const status = milestones.find((candidate) => candidate.n === n)!.status;
      const done = ['PENDING', ...steps.map((step) => AFTER[step])].indexOf(status);
      for (const step of done < 0 ? [] : steps.slice(done)) {
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
        budget: { min: cny(60_000), max: cny(100_000) },
        ipPreference: 'JOINT',
      },
      bid: {
        priceYuan: 86_000,
        durationDays: 60,
        approach: '远心镜头与背光成像测量孔位与轮廓，亚像素边缘提取，结果实时推送分拣 PLC。',
        milestones: [
          { title: '测量方案与精度验证', yuan: 36_000, dueInDays: 25 },
          { title: '产线集成与验收', yuan: 50_000, dueInDays: 60 },
        ],
      },
      ipOwnership: 'JOINT',
      signedBy: ['enterprise', 'studio'],
      milestones: [['fund', 'submit', 'accept'], ['fund', 'submit', 'accept']],
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
      // Active and co-funded by the government: one milestone paid out, one delivered awaiting acceptance,
      // one funded in escrow, one pending with a change order awaiting approval; the parties talk.
      enterprise: who.enterprise,
      studio: who.studio,
      request: {
        title: '齿轮箱装配视觉引导与防错',
        summary: '齿轮箱装配线需要视觉引导拧紧与漏装、错装防错。',
        details: '四个工位，12 种型号混线；要求漏装检出率 100%，误报率低于 0.5%，并记录追溯数据。',
        cluster: SMART,
        tags: ['机器视觉', '工业机器人', '防错'],
        budget: { min: cny(200_000), max: cny(320_000) },
        ipPreference: 'JOINT',
      },
      bid: {
        priceYuan: 280_000,
        durationDays: 150,
        approach: '每工位一台 3D 相机识别型号与零件位置，引导电批拧紧，装配结果与条码绑定追溯。',
        milestones: [
          { title: '需求调研与方案设计', yuan: 50_000, dueInDays: 20 },
          { title: '工位一、二样机', yuan: 80_000, dueInDays: 60 },
          { title: '工位三、四样机', yuan: 80_000, dueInDays: 100 },
          { title: '整线联调与验收', yuan: 70_000, dueInDays: 150 },
        ],
      },
      ipOwnership: 'JOINT',
      subsidyBps: 3000,
      signedBy: ['enterprise', 'studio', 'government'],
      milestones: [['fund', 'submit', 'accept'], ['fund', 'submit'], ['fund']],
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
        budget: { min: cny(70_000), max: cny(110_000) },
        ipPreference: 'ENTERPRISE',
      },
      bid: {
        priceYuan: 96_000,
        durationDays: 80,
        approach: '嵌入式热电偶与边缘采集网关，温度场插值显示，模次曲线入库并超温报警。',
        milestones: [
          { title: '测点布置与采集网关', yuan: 40_000, dueInDays: 40 },
          { title: '温度场可视化与报警', yuan: 56_000, dueInDays: 80 },
        ],
      },
      ipOwnership: 'ENTERPRISE',
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
        budget: { min: cny(40_000), max: cny(70_000) },
        ipPreference: 'JOINT',
      },
      bid: {
        priceYuan: 58_000,
        durationDays: 45,
        approach: '串口采集压降曲线，按条码入库，判定规则可配置，并提供 MES 接口。',
        milestones: [
          { title: '采集与判定', yuan: 28_000, dueInDays: 25 },
          { title: 'MES 对接与验收', yuan: 30_000, dueInDays: 45 },
        ],
      },
      ipOwnership: 'JOINT',
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
        budget: { min: cny(90_000), max: cny(150_000) },
        ipPreference: 'COLLEGE',
      },
      bid: {
        priceYuan: 120_000,
        durationDays: 90,
        approach: '日志清洗与特征工程，梯度提升树分类六类故障，输出维修建议规则库。',
        milestones: [
          { title: '数据治理与特征', yuan: 50_000, dueInDays: 30 },
          { title: '诊断模型与部署', yuan: 70_000, dueInDays: 90 },
        ],
      },
      ipOwnership: 'COLLEGE',
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
