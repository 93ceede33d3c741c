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

/** The demo seed of `npm start` (PRODUCT.md §6): one verified organisation of each type, a few OPEN requests, idempotent. */
describe('seedDemoConsortium', () => {
  it('seeds once, and a second run against the same table adds nothing', async () => {
    // Prepare: a fresh table in the shared DynamoDB Local.
    const deps = await freshDeps();

    // Act
    const first = await seedDemoConsortium(deps);
    const second = await seedDemoConsortium(deps);

    // Assess
    expect(first).toEqual({ created: true });
    expect(second).toEqual({ created: false });

    const verified = await listOrganisationsByStatus(deps.db, 'VERIFIED', { limit: 100 });
    expect(verified.items).toHaveLength(5);
    expect(verified.items.map((org) => org.type).sort()).toEqual(['ASSOCIATION', 'COLLEGE', 'ENTERPRISE', 'GOVERNMENT', 'STUDIO']);
    for (const status of ['PENDING', 'REJECTED', 'SUSPENDED'] as const) {
      expect((await listOrganisationsByStatus(deps.db, status)).items).toEqual([]);
    }

    // Each demo identity owns exactly the organisation of its type.
    const byType = new Map(verified.items.map((org) => [org.type, org]));
    for (const [role, sub] of Object.entries(DEMO_IDENTITIES)) {
      const membership = await getMembership(deps.db, sub);
      expect(membership, sub).toMatchObject({ role: 'OWNER', orgId: byType.get(role.toUpperCase() as OrgType)!.id });
    }
    expect(byType.get('STUDIO')!.collegeId).toBe(byType.get('COLLEGE')!.id);

    const open = await listRequests(deps.db, { status: 'OPEN' }, { limit: 100 });
    expect(open.items).toHaveLength(3);
    expect(new Set(open.items.map((request) => request.title)).size).toBe(3);
    expect(open.items.every((request) => request.ownerOrgId === byType.get('ENTERPRISE')!.id)).toBe(true);
    expect((await listRequestsOfOrganisation(deps.db, byType.get('ENTERPRISE')!.id, { limit: 100 })).items).toHaveLength(3);

    // Seeded through the services, so the demo data has the same audit trail as real data.
    const trail = await listAuditTrail(deps.db, { type: 'request', id: open.items[0]!.id });
    expect(trail.items.map((record) => record.action)).toEqual(['create', 'submit', 'approve']);
  });

  it('finishes a seed that stopped half-way without duplicating what was there', async () => {
    // Prepare: the association exists and the college registered but was never verified.
    const deps = await freshDeps();
    const association = await createAssociation(deps, { name: '市智能制造产业协会', ownerSub: DEMO_IDENTITIES.association });
    const college = await registerOrganisation(deps, { sub: DEMO_IDENTITIES.college }, { type: 'COLLEGE', name: '市职业技术学院' });

    // Act
    expect(await seedDemoConsortium(deps)).toEqual({ created: true });

    // Assess
    const verified = await listOrganisationsByStatus(deps.db, 'VERIFIED', { limit: 100 });
    expect(verified.items).toHaveLength(5);
    expect(verified.items.map((org) => org.id)).toEqual(expect.arrayContaining([association.id, college.id]));
    expect((await listOrganisationsByStatus(deps.db, 'PENDING')).items).toEqual([]);
    expect((await listRequests(deps.db, { status: 'OPEN' }, { limit: 100 })).items).toHaveLength(3);
  });
});
