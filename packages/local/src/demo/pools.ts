import { addPerson } from '@sharedtech/services';
import { DEMO_CREDIT_CODES, DEMO_IDENTITIES as who, SMART, yuanRange } from './cast.js';
import type { DemoContext, DemoStage } from './context.js';
import { ensureContract, ensurePoolMembers, type DemoContract } from './contracts.js';
import { ensureVerifiedOrg } from './organisations.js';
import { rosterOf } from './people.js';
import { demoBid, ensureOpenRequest } from './requests.js';

/** The third enterprise of the smart-manufacturing cluster (a pool needs company) and its mentor on the roster. */
async function ensureSpringEnterprise(ctx: DemoContext) {
  const association = await ctx.as(who.association);
  await ensureVerifiedOrg(ctx, association, who.enterpriseSpring, {
    type: 'ENTERPRISE', name: '永固弹簧科技有限公司', cluster: SMART, creditCode: DEMO_CREDIT_CODES.enterpriseSpring,
    description: '汽车与家电用精密弹簧的设计与制造。',
  });
  if (!(await rosterOf(ctx, who.enterpriseSpring)).some((person) => person.name === '黄工')) {
    const owner = await ctx.fresh(who.enterpriseSpring);
    await addPerson(ctx.deps, owner, owner.org!.id, { kind: 'ENGINEER', name: '黄工', title: '工艺部经理' });
    ctx.changed();
  }
}

/** Awarded and ACTIVE: milestone 1 funded by all three parts; milestone 2 funded by two, the mould company's part blocking it. */
const pooledContract: DemoContract = {
  enterprise: who.enterpriseSpring,
  studio: who.studioRobotics,
  request: {
    title: '小批量多品种零件机器人柔性上下料共性方案',
    summary: '三家中小企业共同面对的问题：多品种小批量零件的机器人上下料，换型慢、夹具多。',
    details: '弹簧、模具镶件与轴承座三类零件，每班换型 4–6 次；需要快换夹具与视觉定位的通用方案，三家产线各落地一套。',
    cluster: SMART,
    tags: ['工业机器人', '机器视觉', '共性技术'],
    budget: yuanRange(150_000, 240_000),
    ipPreference: 'JOINT',
  },
  bid: demoBid(
    '视觉定位加快换夹具库，统一的上下料工艺模板，三家产线各部署一套并培训操作人员。',
    ['共性方案与夹具库设计', 90_000, 45],
    ['三条产线部署与验收', 120_000, 120],
  ),
  team: { teachers: ['孙老师'], students: ['郑同学', '冯同学'] },
  mentor: '黄工',
  registration: { contractType: 'DEVELOPMENT', technologyYuan: 180_000 },
  ipOwnership: 'LICENSED_TO_COFUNDERS',
  pool: {
    members: [{ sub: who.enterprise, bps: 3000 }, { sub: who.enterpriseMould, bps: 2500 }],
    withheld: { n: 2, sub: who.enterpriseMould },
  },
  signedBy: ['enterprise', 'studio', 'pool'],
  milestones: [['fund'], ['fund']],
};

/**
 * Pooled requests (共性技术需求): an OPEN pool of the mould company joined by
 * two enterprises of its cluster, and a pooled contract of three enterprises,
 * awarded and ACTIVE, whose second milestone waits on one member's part.
 */
export const poolsStage: DemoStage = {
  name: 'pools',
  async run(ctx) {
    await ensureSpringEnterprise(ctx);
    const open = await ensureOpenRequest(ctx, who.enterpriseMould, {
      title: '精密零件去毛刺工艺共性攻关',
      summary: '模具镶件、弹簧端面与轴承零件的微小毛刺去除，三家企业共同出资寻找通用工艺。',
      details: '毛刺高度 0.05–0.2 mm，材料为模具钢、弹簧钢与轴承钢；希望得到可复制的机器人去毛刺工艺包。',
      cluster: SMART,
      tags: ['工业机器人', '共性技术'],
      budget: yuanRange(100_000, 160_000),
      ipPreference: 'JOINT',
    });
    await ensurePoolMembers(ctx, who.enterpriseMould, open.id, [{ sub: who.enterprise, bps: 3000 }, { sub: who.enterpriseSpring, bps: 3000 }]);
    await ensureContract(ctx, pooledContract);
  },
};
