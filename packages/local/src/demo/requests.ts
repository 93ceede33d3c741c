import { addDays, type RequestContent, type TechnicalRequest } from '@sharedtech/core';
import { invitationIdFor, listBidsOfStudioOnRequest, listRequestsOfOrganisation, readAll } from '@sharedtech/data';
import { answerQuestion, askQuestion, createRequest, inviteStudio, listQuestions, reviewRequest, submitBid, submitRequest, type BidContent } from '@sharedtech/services';
import { DEMO_IDENTITIES as who, EV, SMART, cny, yuanRange } from './cast.js';
import type { DemoContext, DemoStage } from './context.js';
import { demoTeamIds, type DemoTeam } from './people.js';

/** A demo request's content; its dates come from the seed's clock. */
export type DemoRequestContent = Omit<RequestContent, 'biddingDeadline' | 'wantedBy'>;

/**
 * A request of `ownerSub` found by its title (titles are unique per demo
 * enterprise), created (bidding closes in 30 days, the result is wanted in
 * 120, both from the seed's clock), submitted and approved as far as it is not
 * yet, so a seed that stopped half-way finishes without duplicates.
 */
export async function ensureOpenRequest(ctx: DemoContext, ownerSub: string, content: DemoRequestContent): Promise<TechnicalRequest> {
  const owner = await ctx.as(ownerSub);
  const existing = await readAll((page) => listRequestsOfOrganisation(ctx.deps.db, owner.org!.id, page));
  let request = existing.find((candidate) => candidate.title === content.title);
  if (!request) {
    request = await createRequest(ctx.deps, owner, { ...content, biddingDeadline: addDays(ctx.now, 30).toISOString(), wantedBy: addDays(ctx.now, 120).toISOString() });
    ctx.changed();
  }
  if (request.status === 'DRAFT') {
    request = await submitRequest(ctx.deps, owner, request.id);
    ctx.changed();
  }
  if (request.status === 'SUBMITTED') {
    request = await reviewRequest(ctx.deps, await ctx.as(who.association), request.id, { decision: 'APPROVE' });
    ctx.changed();
  }
  return request;
}

/** A bid's content but its team. */
export type DemoBid = Omit<BidContent, 'team' | 'proposedShares'>;

/** A bid from its approach and its milestones (title, yuan, due in days): the price is their sum, the duration the last one's due day. */
export function demoBid(approach: string, ...milestones: [title: string, yuan: number, dueInDays: number][]): DemoBid {
  return {
    price: cny(milestones.reduce((sum, [, yuan]) => sum + yuan, 0)),
    durationDays: Math.max(...milestones.map(([, , dueInDays]) => dueInDays)),
    approach,
    milestones: milestones.map(([title, yuan, dueInDays]) => ({ title, amount: cny(yuan), dueInDays })),
  };
}

/** The studio's live (or accepted) bid on the request, placed if it has none, naming its dual-mentor team from the rosters. */
export async function ensureBid(ctx: DemoContext, studioSub: string, requestId: string, bid: DemoBid, team: DemoTeam) {
  const studio = await ctx.as(studioSub);
  const bids = await readAll((page) => listBidsOfStudioOnRequest(ctx.deps.db, studio.org!.id, requestId, page));
  const live = bids.find((candidate) => candidate.status === 'SUBMITTED' || candidate.status === 'ACCEPTED');
  if (live) return live;
  ctx.changed();
  return submitBid(ctx.deps, studio, requestId, { ...bid, team: { personIds: await demoTeamIds(ctx, studioSub, team) } });
}

async function ensureQuestion(ctx: DemoContext, ownerSub: string, askerSub: string, request: TechnicalRequest, text: string, answer?: string) {
  const owner = await ctx.as(ownerSub);
  const questions = await readAll((page) => listQuestions(ctx.deps, owner, request.id, page));
  let question = questions.find((candidate) => candidate.text === text);
  if (!question) {
    question = await askQuestion(ctx.deps, await ctx.as(askerSub), request.id, text);
    ctx.changed();
  }
  if (answer && question.status === 'OPEN') {
    await answerQuestion(ctx.deps, owner, question.id, { text: answer, visibility: 'PUBLIC' });
    ctx.changed();
  }
}

async function ensureInvitation(ctx: DemoContext, ownerSub: string, request: TechnicalRequest, studioSub: string, message: string) {
  const studioOrgId = await ctx.orgOf(studioSub);
  if (await invitationIdFor(ctx.deps.db, request.id, studioOrgId, true)) return;
  await inviteStudio(ctx.deps, await ctx.as(ownerSub), request.id, { studioOrgId, message });
  ctx.changed();
}

/** The open market: requests open for bids, with live bids, questions (one answered for every bidder) and invitations to bid. */
export const openRequestsStage: DemoStage = {
  name: 'open-requests',
  async run(ctx) {
    const requests: [string, DemoRequestContent][] = [
      [who.enterprise, {
        title: '轴承外圈表面缺陷视觉检测',
        summary: '产线需要对轴承外圈的划痕、压伤进行在线视觉检测，替代人工目检。',
        details: '节拍 2 秒/件，缺陷最小 0.2 mm；现有工业相机两台，需要光源与算法方案及现场调试。',
        cluster: SMART,
        tags: ['机器视觉', '质量检测'],
        budget: yuanRange(80_000, 150_000),
        ipPreference: 'JOINT',
      }],
      [who.enterprise, {
        title: '数控车床上下料机器人改造',
        summary: '为三台数控车床加装协作机器人上下料，减少夜班人工。',
        details: '工件 0.5–3 kg，需夹具设计、安全围栏与 PLC 联动。',
        cluster: SMART,
        tags: ['工业机器人', 'PLC'],
        budget: yuanRange(120_000, 200_000),
        ipPreference: 'ENTERPRISE',
      }],
      [who.enterprise, {
        title: '动力电池模组一致性检测工装',
        summary: '新能源电池模组出厂前的电压内阻一致性检测工装与数据采集。',
        details: '每个模组 12 串，需要自动记录并上传 MES，检测时间不超过 30 秒。',
        cluster: EV,
        tags: ['电池检测', '数据采集'],
        budget: yuanRange(50_000, 90_000),
        ipPreference: 'COLLEGE',
      }],
      [who.enterpriseEv, {
        title: '电驱总成下线测试数据平台',
        summary: '电驱总成下线测试台的数据汇聚、判定与追溯平台。',
        details: '六台测试台，每台每班约 200 件；需要统一数据格式、判定规则可配置，并与现有 MES 对接。',
        cluster: EV,
        tags: ['数据采集', '电池管理'],
        budget: yuanRange(100_000, 180_000),
        ipPreference: 'JOINT',
      }],
    ];
    const [bearing, lathe, battery, drive] = await ctx.parallel(requests, ([owner, content]) => ensureOpenRequest(ctx, owner, content));

    // Bids, questions and invitations of different requests and studios: side by side.
    const steps: (() => Promise<unknown>)[] = [
      () => ensureBid(ctx, who.studio, bearing!.id, demoBid(
        '环形低角度光源配合两台现有相机，深度学习缺陷分割，离线验证后上线试运行。',
        ['样件采集与方案验证', 40_000, 30],
        ['产线部署与验收', 80_000, 90],
      ), { teachers: ['王老师', '李老师'], students: ['李同学', '张同学', '赵同学'] }),
      () => ensureBid(ctx, who.studioRobotics, lathe!.id, demoBid(
        '协作机器人配双工位料仓，快换夹具，安全光栅与 PLC 联锁，夜班无人值守。',
        ['夹具与工位设计', 50_000, 30],
        ['单机调试', 60_000, 70],
        ['三机联调与培训', 58_000, 100],
      ), { teachers: ['孙老师'], students: ['郑同学', '冯同学'] }),
      () => ensureBid(ctx, who.studioBattery, battery!.id, demoBid(
        '多通道内阻仪与继电器矩阵，12 串逐一测量，结果经接口写入 MES。',
        ['工装设计与样机', 30_000, 30],
        ['联调与 MES 对接', 46_000, 60],
      ), { teachers: ['陈老师'], students: ['周同学', '吴同学'] }),
      () => ensureQuestion(ctx, who.enterprise, who.studioRobotics, bearing!, '现有两台工业相机的型号和接口是什么？是否允许更换镜头？', '两台均为 500 万像素 GigE 相机，镜头可以更换，费用计入方案。'),
      () => ensureQuestion(ctx, who.enterprise, who.studioBattery, battery!, 'MES 是否提供接口文档和测试环境？'),
      () => ensureInvitation(ctx, who.enterprise, lathe!, who.studio, '贵工作室有 PLC 联动经验，欢迎投标。'),
      () => ensureInvitation(ctx, who.enterpriseEv, drive!, who.studioBattery, '贵工作室的电池数据采集经验与本需求高度契合，欢迎投标。'),
    ];
    await ctx.parallel(steps, (step) => step());
  },
};

