import { z } from 'zod';
import { membershipSchema, organisationSchema, type Membership, type Organisation, type OrgStatus, type OrgType } from '@sharedtech/core';
import type { Db } from './client.js';
import { deleteItem, putIfVersion, putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onIndex, queryPage, type PageRequest } from './query.js';

export const orgItem = (org: Organisation) => ({
  ...keys.org(org.id),
  ...keys.orgByStatus(org.status, org.id),
  ...keys.orgByType(org.type, org.id),
  ...org,
});

export const membershipItem = (membership: Membership) => ({
  ...keys.membership(membership.sub),
  ...keys.membersOfOrg(membership.orgId, membership.sub),
  ...membership,
});

export const getOrganisation = (db: Db, orgId: string, consistent = false) =>
  getItem(db, keys.org(orgId), organisationSchema, consistent);

export const getMembership = (db: Db, sub: string) => getItem(db, keys.membership(sub), membershipSchema, true);

export const listOrganisationsByStatus = (db: Db, status: OrgStatus, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.orgByStatus(status, '').gsi1pk), schema: organisationSchema, newestFirst: false }, page);

export const listOrganisationsByType = (db: Db, type: OrgType, status: OrgStatus, page?: PageRequest) =>
  queryPage(
    db,
    {
      ...onIndex('gsi2', keys.orgByType(type, '').gsi2pk),
      schema: organisationSchema,
      newestFirst: false,
      filter: { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':status': status } },
    },
    page,
  );

export const listMembersOfOrganisation = (db: Db, orgId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.membersOfOrg(orgId, '').gsi1pk), schema: membershipSchema, newestFirst: false }, page);

export const putNewOrganisation = (db: Db, org: Organisation, onConflict?: Write['onConflict']) =>
  putNew(db, orgItem(org), onConflict);

export const putOrganisationVersion = (db: Db, org: Organisation, onConflict?: Write['onConflict']) =>
  putIfVersion(db, orgItem(org), onConflict);

/**
 * The writes that replace an organisation read at `previous.version`. A studio's
 * capability items exist exactly while it is VERIFIED (a sparse index of the
 * studios that may bid), so they are put or deleted with the status change.
 */
export function writesForOrganisationChange(db: Db, previous: Organisation, next: Organisation, onConflict?: Write['onConflict']): Write[] {
  const writes = [putOrganisationVersion(db, next, onConflict)];
  if (next.type !== 'STUDIO') return writes;
  const wasListed = previous.status === 'VERIFIED';
  const isListed = next.status === 'VERIFIED';
  if (isListed && !wasListed) {
    writes.push(...putStudioCapabilities(db, next));
  } else if (wasListed && !isListed) {
    for (const tag of new Set(previous.capabilities.map((capability) => capability.toLowerCase()))) writes.push(deleteItem(db, keys.studioCapability(previous.id, tag)));
  }
  return writes;
}

/** One capability item per tag of a verified studio (a plain Put: writing them again changes nothing). */
export function putStudioCapabilities(db: Db, studio: Organisation): Write[] {
  const entry = { orgId: studio.id, name: studio.name, cluster: studio.cluster, capabilities: studio.capabilities };
  return [...new Set(studio.capabilities.map((capability) => capability.toLowerCase()))].map((tag) => ({
    op: { Put: { TableName: db.tableName, Item: { ...keys.studioCapability(studio.id, tag), ...keys.studiosWithCapability(tag, studio.id), ...entry } } },
  }));
}

export const studioCapabilitySchema = z.object({ orgId: z.string(), name: z.string(), cluster: z.string().optional(), capabilities: z.array(z.string()) });
export type StudioCapability = z.infer<typeof studioCapabilitySchema>;

/** Verified studios offering a capability tag. */
export const listStudiosWithCapability = (db: Db, tag: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.studiosWithCapability(tag, '').gsi1pk), schema: studioCapabilitySchema, newestFirst: false }, page);

/** Fails with `onConflict` if the user already belongs to an organisation. */
export const putNewMembership = (db: Db, membership: Membership, onConflict?: Write['onConflict']) =>
  putNew(db, membershipItem(membership), onConflict);
