import type { Person } from '@sharedtech/core';
import { listPeopleOfOrg, readAll } from '@sharedtech/data';
import { addPerson, readOverheadRate, setOverheadRate, updatePerson, type PersonInput } from '@sharedtech/services';
import { DEMO_IDENTITIES as who } from './cast.js';
import type { DemoContext, DemoStage } from './context.js';

/** Who keeps whom: each roster is its owner's (names are unique within a roster, so the seed finds people by name). */
const ROSTERS: [string, Omit<PersonInput, 'memberSub'>[]][] = [
  [who.studio, [
    { kind: 'TEACHER', name: '王老师', title: '副教授' },
    { kind: 'TEACHER', name: '李老师', title: '讲师' },
  ]],
  [who.college, [
    { kind: 'STUDENT', name: '李同学', programme: '机电一体化技术', year: 2024 },
    { kind: 'STUDENT', name: '张同学', programme: '工业机器人技术', year: 2024 },
    { kind: 'STUDENT', name: '赵同学', programme: '电气自动化技术', year: 2023 },
    { kind: 'STUDENT', name: '郑同学', programme: '工业机器人技术', year: 2023 },
    { kind: 'STUDENT', name: '冯同学', programme: '机电一体化技术', year: 2024 },
  ]],
  [who.studioRobotics, [{ kind: 'TEACHER', name: '孙老师', title: '高级讲师' }]],
  [who.collegeEv, [
    { kind: 'STUDENT', name: '周同学', programme: '新能源汽车技术', year: 2024 },
    { kind: 'STUDENT', name: '吴同学', programme: '汽车智能技术', year: 2023 },
  ]],
  [who.studioBattery, [{ kind: 'TEACHER', name: '陈老师', title: '副教授' }]],
  [who.enterprise, [{ kind: 'ENGINEER', name: '张工', title: '高级工程师' }]],
  [who.enterpriseMould, [{ kind: 'ENGINEER', name: '钱工', title: '模具车间主任' }]],
  [who.enterpriseEv, [{ kind: 'ENGINEER', name: '刘工', title: '测试工程师' }]],
];

/** Whose roster a studio's team draws its students from: the studio's college. */
const COLLEGE_OF: Record<string, string> = { [who.studio]: who.college, [who.studioRobotics]: who.college, [who.studioBattery]: who.collegeEv };

/** A demo bid's dual-mentor team by name: teachers of the studio's roster, students of its college's. */
export interface DemoTeam {
  teachers: readonly string[];
  students: readonly string[];
}

/** Roster people who are also members signing in as themselves (they sign participation off). */
const LINKED: Record<string, string> = { 王老师: who.teacher, 张工: who.engineer };

/** The roster of `ownerSub`'s organisation. */
export async function rosterOf(ctx: DemoContext, ownerSub: string): Promise<Person[]> {
  const orgId = await ctx.orgOf(ownerSub);
  return readAll((page) => listPeopleOfOrg(ctx.deps.db, orgId, undefined, page));
}

/** The person of that name on `ownerSub`'s roster (the people stage has made them). */
export async function personNamed(ctx: DemoContext, ownerSub: string, name: string): Promise<Person> {
  return named(await rosterOf(ctx, ownerSub), ownerSub, name);
}

function named(roster: readonly Person[], ownerSub: string, name: string): Person {
  const person = roster.find((candidate) => candidate.name === name);
  if (!person) throw new Error(`Demo seed: ${name} is not on the roster of ${ownerSub}; run the people stage first.`);
  return person;
}

/** The team's roster person ids (the rosters stage has made them): each roster read once. */
export async function demoTeamIds(ctx: DemoContext, studioSub: string, team: DemoTeam): Promise<string[]> {
  const collegeSub = COLLEGE_OF[studioSub]!;
  const [studioRoster, collegeRoster] = await Promise.all([rosterOf(ctx, studioSub), rosterOf(ctx, collegeSub)]);
  const teachers = team.teachers.map((name) => named(studioRoster, studioSub, name));
  const students = team.students.map((name) => named(collegeRoster, collegeSub, name));
  return [...teachers, ...students].map((person) => person.id);
}

/**
 * Rosters (people): teachers of the studios, students of the colleges with
 * their programme (专业) and year, the enterprises' engineers. A base stage:
 * every bid names its team from them, the open market's too.
 */
export const rostersStage: DemoStage = {
  name: 'rosters',
  async run(ctx) {
    await ctx.parallel(ROSTERS, async ([ownerSub, people]) => {
      const owner = await ctx.as(ownerSub);
      const roster = await rosterOf(ctx, ownerSub);
      for (const input of people) {
        if (roster.some((candidate) => candidate.name === input.name)) continue;
        await addPerson(ctx.deps, owner, owner.org!.id, input);
        ctx.changed();
      }
    });
  },
};

/** The teacher and the engineer who sign in are linked to their person (after the members stage has made them members). */
export const peopleStage: DemoStage = {
  name: 'people',
  async run(ctx) {
    await ctx.parallel(Object.entries(LINKED), async ([name, memberSub]) => {
      const ownerSub = ROSTERS.find(([, people]) => people.some((person) => person.name === name))![0];
      const person = await personNamed(ctx, ownerSub, name);
      if (person.memberSub === memberSub) return;
      const owner = await ctx.as(ownerSub);
      await updatePerson(ctx.deps, owner, owner.org!.id, person.id, { memberSub });
      ctx.changed();
    });
  },
};

/** The colleges' overhead on their studios' earnings, set before any demo contract is signed so it is recorded on them. */
export const overheadStage: DemoStage = {
  name: 'overhead',
  async run(ctx) {
    const rates: [string, number][] = [[who.college, 1000], [who.collegeEv, 800]];
    await ctx.parallel(rates, async ([collegeSub, bps]) => {
      const college = await ctx.as(collegeSub);
      if ((await readOverheadRate(ctx.deps, college, college.org!.id, { limit: 1 })).current) return;
      await setOverheadRate(ctx.deps, college, college.org!.id, bps);
      ctx.changed();
    });
  },
};
