import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { getMembership, listAuditTrail, listOrganisationsByStatus, listRequests, listRequestsOfOrganisation } from '@sharedtech/data';
import type { OrgType } from '@sharedtech/core';
import { createAssociation, registerOrganisation } from '@sharedtech/services';
import { DEMO_IDENTITIES, createLocalDeps, ensureTable, seedDemoConsortium } from '@sharedtech/local';

async function freshDeps() {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `seed_${randomUUID().slice(0, 8)}`;
  expect(await ensureTable(endpoint, tableName)).toBe('created');
  expect(await ensureTable(endpoint, tableName)).toBe('exists');
  return createLocalDeps({ endpoint, secret: 'seed-test-secret', tableName });
}

/** The demo seed of `npm start` (PRODUCT.md §6): verified organisations of each type, OPEN requests, idempotent; demo-seed.test.ts covers the rest of the demo. */
describe('seedDemoConsortium', () => {
  // The whole demo through the services, twice: more than the default 30 s on a loaded machine.
  it('seeds once, and a second run against the same table adds nothing', { timeout: 180_000 }, async () => {
    // Prepare: a fresh table in the shared DynamoDB Local.
    const deps = await freshDeps();

    // Act
    const first = await seedDemoConsortium(deps);
    const second = await seedDemoConsortium(deps);

    // Assess
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);

    const verified = await listOrganisationsByStatus(deps.db, 'VERIFIED', { limit: 100 });
    expect(verified.items).toHaveLength(11);
    expect([...new Set(verified.items.map((org) => org.type))].sort()).toEqual(['ASSOCIATION', 'COLLEGE', 'ENTERPRISE', 'GOVERNMENT', 'STUDIO']);
    for (const status of ['PENDING', 'REJECTED', 'SUSPENDED'] as const) {
      expect((await listOrganisationsByStatus(deps.db, status)).items).toEqual([]);
    }

    // The first five demo identities each own the organisation of their type; the two members are members.
    const byId = new Map(verified.items.map((org) => [org.id, org]));
    for (const role of ['association', 'college', 'studio', 'enterprise', 'government'] as const) {
      const membership = await getMembership(deps.db, DEMO_IDENTITIES[role]);
      expect(membership, role).toMatchObject({ role: 'OWNER' });
      expect(byId.get(membership!.orgId)!.type).toBe(role.toUpperCase() as OrgType);
    }
    for (const sub of [DEMO_IDENTITIES.teacher, DEMO_IDENTITIES.engineer]) expect(await getMembership(deps.db, sub), sub).toMatchObject({ role: 'MEMBER' });
    const orgOf = async (sub: string) => byId.get((await getMembership(deps.db, sub))!.orgId)!;
    expect((await orgOf(DEMO_IDENTITIES.studio)).collegeId).toBe((await orgOf(DEMO_IDENTITIES.college)).id);
    const enterprise = await orgOf(DEMO_IDENTITIES.enterprise);

    const open = await listRequests(deps.db, { status: 'OPEN' }, { limit: 100 });
    // Four of the open market and the OPEN pool of the mould company.
    expect(open.items).toHaveLength(5);
    expect(new Set(open.items.map((request) => request.title)).size).toBe(5);
    expect(open.items.filter((request) => request.ownerOrgId === enterprise.id)).toHaveLength(3);
    // …and two more of its requests became contracts.
    expect((await listRequestsOfOrganisation(deps.db, enterprise.id, { limit: 100 })).items).toHaveLength(5);

    // Seeded through the services, so the demo data has the same audit trail as real data.
    const trail = await listAuditTrail(deps.db, { type: 'request', id: open.items.find((request) => request.title === '轴承外圈表面缺陷视觉检测')!.id });
    expect(trail.items.map((record) => record.action)).toEqual(['create', 'submit', 'approve']);
  });

  it('finishes a seed that stopped half-way without duplicating what was there', { timeout: 180_000 }, async () => {
    // Prepare: the association exists and the college registered but was never verified.
    const deps = await freshDeps();
    const association = await createAssociation(deps, { name: '市智能制造产业协会', ownerSub: DEMO_IDENTITIES.association });
    const college = await registerOrganisation(deps, { sub: DEMO_IDENTITIES.college }, { type: 'COLLEGE', name: '市职业技术学院' });

    // Act
    expect((await seedDemoConsortium(deps)).created).toBe(true);

    // Assess
    const verified = await listOrganisationsByStatus(deps.db, 'VERIFIED', { limit: 100 });
    expect(verified.items).toHaveLength(11);
    expect(verified.items.map((org) => org.id)).toEqual(expect.arrayContaining([association.id, college.id]));
    expect((await listOrganisationsByStatus(deps.db, 'PENDING')).items).toEqual([]);
    expect((await listRequests(deps.db, { status: 'OPEN' }, { limit: 100 })).items).toHaveLength(5);
  });
});
