import { addDays, shanghaiDate, type Contract, type Programme } from '@sharedtech/core';
import { listApplicationsOfApplicant, listProgrammes, readAll } from '@sharedtech/data';
import { applyToProgramme, decideApplication, publishProgramme } from '@sharedtech/services';
import { DEMO_IDENTITIES as who, EV, SMART, cny } from './cast.js';
import type { DemoContext, DemoStage } from './context.js';

/** The name of the demo's subsidy programme (names identify it to the seed). */
export const DEMO_PROGRAMME = '市共性技术服务资助计划（第一批）';

/** The demo programme, once the programmes stage has published it. */
export async function demoProgramme(ctx: DemoContext): Promise<Programme | undefined> {
  return (await readAll((page) => listProgrammes(ctx.deps.db, page))).find((programme) => programme.name === DEMO_PROGRAMME);
}

/** A government subsidy programme open from a month ago to two months ahead, for both clusters. */
export const programmesStage: DemoStage = {
  name: 'programmes',
  async run(ctx) {
    if (await demoProgramme(ctx)) return;
    await publishProgramme(ctx.deps, await ctx.as(who.government), {
      name: DEMO_PROGRAMME,
      description: '支持产业集群中小企业与职业院校教师工作室合作攻关共性技术，按合同里程碑分期拨付，单个合同资助比例不超过 30%。',
      budget: cny(2_000_000),
      maxBps: 3000,
      clusters: [SMART, EV],
      opensOn: shanghaiDate(addDays(ctx.now, -30)),
      closesOn: shanghaiDate(addDays(ctx.now, 60)),
    });
    ctx.changed();
  },
};

/**
 * The contract's enterprise applies to the demo programme for `bps` (once) and,
 * if `approve`, the government approves (before any milestone of the contract
 * is funded, so every milestone is co-funded). A contract subsidised the older
 * way (a subsidy share at award) is left as it is.
 */
export async function ensureProgrammeApplication(ctx: DemoContext, enterpriseSub: string, contract: Contract, bps: number, approve: boolean) {
  if (contract.shares.subsidy) return;
  const programme = await demoProgramme(ctx);
  if (!programme) throw new Error('Demo seed: the programme is missing; run the programmes stage first.');
  const enterprise = await ctx.as(enterpriseSub);
  const applications = await readAll((page) => listApplicationsOfApplicant(ctx.deps.db, enterprise.org!.id, programme.id, page));
  let application: { id: string; status: string } | undefined = applications.find((candidate) => candidate.contractId === contract.id);
  if (!application) {
    if (contract.grant) return;
    application = await applyToProgramme(ctx.deps, enterprise, programme.id, { contractId: contract.id, bps });
    ctx.changed();
  }
  if (approve && application.status === 'PENDING') {
    await decideApplication(ctx.deps, await ctx.as(who.government), application.id, { decision: 'approve', reason: '符合资助条件，按里程碑分期拨付。' });
    ctx.changed();
  }
}
