import { DEMO_BASE_STAGES, seedDemoConsortium } from '@sharedtech/local';
import { startTestApi, type Caller } from './harness.js';

export const orgIdOf = async (caller: Caller) => (await caller.get('/v1/me')).body.organisation.id as string;

/**
 * A test API over the seeded demo consortium, signed in as its enterprise,
 * studio, association and government owners: the common start of the page
 * journeys, which show the product as a new user of `npm start` sees it.
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
  return { api, enterprise, studio, association, government, enterpriseOrg, studioOrg, governmentOrg };
}
