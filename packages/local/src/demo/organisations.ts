import type { Principal } from '@sharedtech/core';
import { acceptMemberInvitation, createAssociation, createMemberInvitation, decideAffiliation, decideVerification, registerOrganisation } from '@sharedtech/services';
import { DEMO_CREDIT_CODES, DEMO_IDENTITIES as who, EV, SMART } from './cast.js';
import type { DemoContext, DemoStage } from './context.js';

type Registration = Parameters<typeof registerOrganisation>[2];

/** An owner's organisation, registered and verified by the demo association (each step only if still missing). */
export async function ensureVerifiedOrg(ctx: DemoContext, association: Principal, sub: string, input: Registration): Promise<Principal> {
  let principal = await ctx.fresh(sub);
  if (!principal.membership) {
    await registerOrganisation(ctx.deps, principal, input);
    principal = await ctx.fresh(sub);
    ctx.changed();
  }
  if (principal.org?.status === 'PENDING') {
    await decideVerification(ctx.deps, association, principal.org.id, { decision: 'VERIFY' });
    principal = await ctx.fresh(sub);
    ctx.changed();
  }
  return principal;
}

/** A studio its college has accepted as its own, so the college is a party to the studio's contracts. */
async function ensureStudio(ctx: DemoContext, association: Principal, college: Principal, sub: string, input: Omit<Registration, 'type' | 'collegeId'>) {
  const studio = await ensureVerifiedOrg(ctx, association, sub, { ...input, type: 'STUDIO', collegeId: college.org!.id });
  if (studio.org?.collegeId === college.org!.id && studio.org.affiliation !== 'ACCEPTED' && studio.org.affiliation !== 'REJECTED') {
    await decideAffiliation(ctx.deps, college, studio.org.id, { decision: 'ACCEPT' });
    ctx.changed();
  }
  return studio;
}

/** A member (not an owner) who joined through the owner's member invitation, as a real user would. */
async function ensureMember(ctx: DemoContext, owner: Principal, sub: string, displayName: string) {
  const member = await ctx.fresh(sub);
  if (member.membership) return;
  const invitation = await createMemberInvitation(ctx.deps, owner, owner.org!.id, { role: 'MEMBER', displayName });
  await acceptMemberInvitation(ctx.deps, member, { code: invitation.code });
  ctx.changed();
}

/**
 * The consortium's bodies: the association (never self-service), a government
 * body, two colleges with three studios, and three enterprises in two clusters.
 */
export const organisationsStage: DemoStage = {
  name: 'organisations',
  async run(ctx) {
    let association = await ctx.fresh(who.association);
    if (!association.membership) {
      await createAssociation(ctx.deps, { name: '市智能制造产业协会', ownerSub: who.association, cluster: SMART });
      association = await ctx.fresh(who.association);
      ctx.changed();
    }

    const bodies: [string, Registration][] = [
      [who.college, {
        type: 'COLLEGE', name: '市职业技术学院', cluster: SMART, creditCode: DEMO_CREDIT_CODES.college,
        description: '国家“双高”建设院校，开设智能制造、工业机器人与机器视觉专业群。', address: '市高新区学府路 1 号',
      }],
      [who.government, { type: 'GOVERNMENT', name: '市科学技术局', creditCode: DEMO_CREDIT_CODES.government }],
      [who.enterprise, { type: 'ENTERPRISE', name: '精工零部件制造有限公司', cluster: SMART, creditCode: DEMO_CREDIT_CODES.enterprise }],
      [who.collegeEv, {
        type: 'COLLEGE', name: '市交通职业技术学院', cluster: EV, creditCode: DEMO_CREDIT_CODES.collegeEv,
        description: '新能源汽车技术、汽车智能技术专业群的省级高水平专业群建设单位。',
      }],
      [who.enterpriseEv, {
        type: 'ENTERPRISE', name: '绿能新能源汽车科技有限公司', cluster: EV, creditCode: DEMO_CREDIT_CODES.enterpriseEv,
        description: '动力电池包与电驱系统的研发与制造。',
      }],
      [who.enterpriseMould, { type: 'ENTERPRISE', name: '恒达精密模具有限公司', cluster: SMART, creditCode: DEMO_CREDIT_CODES.enterpriseMould }],
    ];
    await ctx.parallel(bodies, ([sub, input]) => ensureVerifiedOrg(ctx, association, sub, input));

    const studios: [string, string, Omit<Registration, 'type' | 'collegeId'>][] = [
      [who.studio, who.college, { name: '智能视觉技术教师工作室', cluster: SMART, capabilities: ['机器视觉', '工业机器人', 'PLC', '电池检测'] }],
      [who.studioRobotics, who.college, { name: '工业机器人应用技术工作室', cluster: SMART, capabilities: ['工业机器人', 'PLC', '数字孪生'] }],
      [who.studioBattery, who.collegeEv, { name: '新能源汽车电池技术工作室', cluster: EV, capabilities: ['电池检测', '电池管理', '数据采集'] }],
    ];
    await ctx.parallel(studios, async ([sub, collegeSub, input]) => ensureStudio(ctx, association, await ctx.fresh(collegeSub), sub, input));

  },
};

/** People who sign in as members, not owners: a teacher of the studio and an engineer of the enterprise. */
export const membersStage: DemoStage = {
  name: 'members',
  async run(ctx) {
    const members: [string, string, string][] = [
      [who.studio, who.teacher, '王老师'],
      [who.enterprise, who.engineer, '张工'],
    ];
    await ctx.parallel(members, async ([ownerSub, sub, displayName]) => ensureMember(ctx, await ctx.fresh(ownerSub), sub, displayName));
  },
};
