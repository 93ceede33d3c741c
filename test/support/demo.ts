import { DEMO_BASE_STAGES, seedDemoConsortium } from '@sharedtech/local';
import { startTestApi, type Caller } from './harness.js';

export const orgIdOf = async (caller: Caller) => (await caller.get('/v1/me')).body.organisation.id as string;

/** People of the roster of `orgId` (as `caller` reads it) with these names, in this order. */
async function peopleNamed(caller: Caller, orgId: string, names: readonly string[]): Promise<string[]> {
  const roster = (await caller.get(`/v1/orgs/${orgId}/people?limit=100`)).body.items as { id: string; name: string }[];
  return names.map((name) => {
    const person = roster.find((candidate) => candidate.name === name);
    if (!person) throw new Error(`${name} is not on the demo roster of ${orgId}`);
    return person.id;
  });
}

/** The demo studio's team of its roster: 王老师 of the studio, 李同学 and 张同学 of its college. */
export async function demoStudioTeam(studio: Caller) {
  const organisation = (await studio.get('/v1/me')).body.organisation as { id: string; collegeId: string };
  return { personIds: [...(await peopleNamed(studio, organisation.id, ['王老师'])), ...(await peopleNamed(studio, organisation.collegeId, ['李同学', '张同学']))] };
}

/**
 * A test API over the seeded demo consortium, signed in as its enterprise,
 * studio, association and government owners (with the team of the studio's
 * roster its bids name): the common start of the page journeys, which show
 * the product as a new user of `npm start` sees it.
 */
export async function startDemoApi() {
  const api = await startTestApi();
  // The organisations and open requests: what the journeys build on (the full demo's contracts are demo-seed.test's).
  await seedDemoConsortium(api.deps, DEMO_BASE_STAGES);
  const enterprise = await api.as('demo-enterprise');
  const studio = await api.as('demo-studio');
  const association = await api.as('demo-association');
  const government = await api.as('demo-government');
  const [enterpriseOrg, studioOrg, governmentOrg] = [await orgIdOf(enterprise), await orgIdOf(studio), await orgIdOf(government)];
  return { api, enterprise, studio, association, government, enterpriseOrg, studioOrg, governmentOrg, studioTeam: await demoStudioTeam(studio) };
}
