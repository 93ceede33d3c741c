import { randomInt } from 'node:crypto';
import { expect } from 'vitest';
import { CREDIT_CODE_ALPHABET, needsCreditCode, withCreditCodeCheck } from '@sharedtech/core';
import type { Caller, TestApi } from './harness.js';

let counter = 0;
/** A fresh identity name per call, so tests never collide on memberships. */
export const uniqueSub = (role: string) => `${role}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

import { cny } from './bid-body.js';

export { cny };

/** A valid request body whose deadline is `days` ahead of the app's clock. */
export function requestBody(api: TestApi, overrides: Record<string, unknown> = {}) {
  const now = api.clock().getTime();
  return {
    title: '焊缝缺陷视觉检测',
    summary: '需要对焊缝的气孔与裂纹进行在线视觉检测，替代人工抽检。',
    details: '节拍 3 秒/件；需提供光源、相机选型与检测算法，并现场调试。',
    cluster: 'smart-manufacturing',
    tags: ['机器视觉', '质量检测'],
    budget: { min: cny(50_000), max: cny(100_000) },
    biddingDeadline: new Date(now + 20 * 86_400_000).toISOString(),
    wantedBy: new Date(now + 90 * 86_400_000).toISOString(),
    ipPreference: 'JOINT',
    ...overrides,
  };
}

/** Creates the association (operator path) for this test file's table and returns its caller. */
export async function association(api: TestApi): Promise<Caller> {
  const { createAssociation } = await import('@sharedtech/services');
  const sub = uniqueSub('association');
  await createAssociation(api.deps, { name: '测试产业协会', ownerSub: sub });
  return api.as(sub);
}

/** A fresh valid unified social credit code (GB 32100-2015 check character; random organisation code, so codes do not collide). */
export function creditCode(head = '91440300'): string {
  let body = '';
  for (let i = 0; i < 9; i += 1) body += CREDIT_CODE_ALPHABET[randomInt(CREDIT_CODE_ALPHABET.length)];
  return withCreditCodeCheck(head + body);
}

/** The owner of each college registered here, so a studio naming one can have its affiliation accepted. */
const collegeOwners = new Map<string, Caller>();

/** A bid's team by roster people (`team.personIds` of a bid body). */
export interface Team {
  personIds: string[];
}

export interface OrgFixture {
  caller: Caller;
  orgId: string;
}

/** A studio made here: with its roster (one teacher, two students) and the team of them its bids name. */
export interface StudioFixture extends OrgFixture {
  team: Team;
}

type OrgType = 'ENTERPRISE' | 'STUDIO' | 'COLLEGE' | 'GOVERNMENT';

/** The roster every studio made here keeps: a teacher and two students (the names the tests' teams show). */
export const STUDIO_ROSTER = [
  { kind: 'TEACHER', name: '王老师', title: '副教授' },
  { kind: 'STUDENT', name: '李同学', programme: '机电一体化技术', year: 2024 },
  { kind: 'STUDENT', name: '张同学', programme: '工业机器人技术', year: 2024 },
] as const;

/** Adds the people to the organisation's roster through the API; their ids, in order (a team of them). */
export async function addRoster(caller: Caller, orgId: string, people: readonly Record<string, unknown>[] = STUDIO_ROSTER): Promise<Team> {
  const personIds: string[] = [];
  for (const person of people) {
    const added = await caller.post(`/v1/orgs/${orgId}/people`, person);
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    personIds.push(added.body.id as string);
  }
  return { personIds };
}

/**
 * Registers an organisation as a new identity (an enterprise, college or
 * government body with a fresh credit code) and, unless `verify` is false, has
 * the association verify it. A studio naming a college registered here has its
 * affiliation accepted by that college's owner unless `affiliate` is false. A
 * studio gets its roster (STUDIO_ROSTER) and the `team` of it, for its bids.
 */
export async function organisation<T extends OrgType>(
  api: TestApi,
  moderator: Caller,
  input: { type: T; name?: string; collegeId?: string; cluster?: string; capabilities?: string[]; creditCode?: string },
  verify = true,
  options: { affiliate?: boolean } = {},
): Promise<T extends 'STUDIO' ? StudioFixture : OrgFixture> {
  const caller = await api.as(uniqueSub(input.type.toLowerCase()));
  const created = await caller.post('/v1/orgs', { name: `${input.type} 测试单位`, ...(needsCreditCode(input.type) ? { creditCode: creditCode() } : {}), ...input });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const orgId = created.body.id as string;
  if (input.type === 'COLLEGE') collegeOwners.set(orgId, caller);
  if (verify) {
    const verified = await moderator.post(`/v1/orgs/${orgId}/verification`, { decision: 'VERIFY' });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  }
  const college = input.collegeId ? collegeOwners.get(input.collegeId) : undefined;
  if (college && options.affiliate !== false) {
    const accepted = await college.post(`/v1/orgs/${orgId}/affiliation`, { decision: 'ACCEPT' });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  }
  const fixture = input.type === 'STUDIO' ? { caller, orgId, team: await addRoster(caller, orgId) } : { caller, orgId };
  return fixture as T extends 'STUDIO' ? StudioFixture : OrgFixture;
}

/** A verified enterprise, college and studio (of that college), plus the association. */
export async function consortium(api: TestApi) {
  const moderator = await association(api);
  const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing' });
  const college = await organisation(api, moderator, { type: 'COLLEGE' });
  const studio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, capabilities: ['机器视觉'] });
  return { moderator, enterprise, college, studio };
}

/** Posts a request as `enterprise`, submits it and has it approved: an OPEN request id. */
export async function openRequest(api: TestApi, enterprise: Caller, moderator: Caller, overrides: Record<string, unknown> = {}) {
  const created = await enterprise.post('/v1/requests', requestBody(api, overrides));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  expect((await enterprise.post(`/v1/requests/${id}/submit`)).status).toBe(200);
  const approved = await moderator.post(`/v1/requests/${id}/review`, { decision: 'APPROVE' });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  return id;
}

/**
 * Makes `sub` a member of `orgId` the only way there is: its owner invites (a
 * one-time code), and the person, signed in, accepts. Answers the acceptance
 * (201 with the membership), or the invitation's refusal if the caller may not invite.
 */
export async function joinByInvitation(
  api: TestApi,
  owner: Caller,
  orgId: string,
  sub: string,
  { role = 'MEMBER', displayName = '成员' }: { role?: 'OWNER' | 'MEMBER'; displayName?: string } = {},
) {
  const invited = await owner.post(`/v1/orgs/${orgId}/member-invitations`, { role, displayName });
  if (invited.status !== 201) return invited;
  return (await api.as(sub)).post('/v1/member-invitations/accept', { code: invited.body.code });
}
