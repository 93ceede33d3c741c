import { addDays, shanghaiDate } from '@sharedtech/core';
import { listAppointmentsOfOrg, readAll } from '@sharedtech/data';
import { actOnAppointment, proposeAppointment, type ProposeAppointmentInput } from '@sharedtech/services';
import { DEMO_IDENTITIES as who, EV, SMART } from './cast.js';
import type { DemoContext, DemoStage } from './context.js';

interface DemoAppointment {
  proposer: string;
  counterpart: string;
  /** The enterprise of the appointment (its list is where the seed looks for it). */
  enterprise: string;
  confirmed: boolean;
  input: Omit<ProposeAppointmentInput, 'counterpartOrgId' | 'startDate' | 'endDate'> & { startInDays: number; months: number };
}

/** The appointment with this subject, proposed if missing, and confirmed by the other side if its story says so. */
async function ensureAppointment(ctx: DemoContext, story: DemoAppointment) {
  const enterpriseOrgId = await ctx.orgOf(story.enterprise);
  const existing = await readAll((page) => listAppointmentsOfOrg(ctx.deps.db, enterpriseOrgId, 'ENTERPRISE', {}, page));
  let appointment: { id: string; status: string } | undefined = existing.find((candidate) => candidate.subject === story.input.subject);
  if (!appointment) {
    const { startInDays, months, ...input } = story.input;
    const start = addDays(ctx.now, startInDays);
    appointment = await proposeAppointment(ctx.deps, await ctx.as(story.proposer), {
      ...input,
      counterpartOrgId: await ctx.orgOf(story.counterpart),
      startDate: shanghaiDate(start),
      endDate: shanghaiDate(addDays(start, months * 30)),
    });
    ctx.changed();
  }
  if (story.confirmed && appointment.status === 'PROPOSED') {
    await actOnAppointment(ctx.deps, await ctx.as(story.counterpart), appointment.id, 'confirm');
    ctx.changed();
  }
}

/** Talent mutual employment (人才互聘): engineers teaching and mentoring at the colleges, a teacher seconded to an enterprise. */
export const appointmentsStage: DemoStage = {
  name: 'appointments',
  async run(ctx) {
    const stories: DemoAppointment[] = [
      {
        proposer: who.enterprise,
        counterpart: who.college,
        enterprise: who.enterprise,
        confirmed: true,
        input: {
          kind: 'INDUSTRY_TEACHER', cluster: SMART, person: { name: '张工', title: '高级工程师', memberSub: who.engineer },
          subject: '工业机器视觉应用（产业教师）', startInDays: 0, months: 6, hoursPerMonth: 16,
          note: '每周四下午授课，含一次企业现场教学。',
        },
      },
      {
        proposer: who.enterpriseMould,
        counterpart: who.studioRobotics,
        enterprise: who.enterpriseMould,
        confirmed: true,
        input: {
          kind: 'MENTOR', cluster: SMART, person: { name: '钱工', title: '模具车间主任' },
          subject: '注塑模具项目企业导师', startInDays: 0, months: 4, hoursPerMonth: 8,
        },
      },
      {
        proposer: who.collegeEv,
        counterpart: who.enterpriseEv,
        enterprise: who.enterpriseEv,
        confirmed: false,
        input: {
          kind: 'TEACHER_SECONDMENT', cluster: EV, person: { name: '陈老师', title: '副教授' },
          subject: '电驱总成测试工艺企业实践', startInDays: 14, months: 3, hoursPerMonth: 40,
          note: '暑期企业实践，参与下线测试台改造。',
        },
      },
    ];
    await ctx.parallel(stories, (story) => ensureAppointment(ctx, story));
  },
};
