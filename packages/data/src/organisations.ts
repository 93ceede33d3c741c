import { membershipSchema, organisationSchema, type Membership, type Organisation, type OrgStatus, type OrgType } from '@sharedtech/core';
import type { Db } from './client.js';
import { putIfVersion, putNew, type Write } from './commit.js';
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

/** Fails with `onConflict` if the user already belongs to an organisation. */
export const putNewMembership = (db: Db, membership: Membership, onConflict?: Write['onConflict']) =>
  putNew(db, membershipItem(membership), onConflict);
