import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  ConflictError, MEMBER_ROLES, membershipSchema, organisationSchema,
  type Membership, type MemberRole, type MemberRoster, type Organisation, type OrgStatus, type OrgType,
} from '@sharedtech/core';
import type { Db } from './client.js';
import { deleteItem, putIfVersion, putNew, setIndexKeys, type Write } from './commit.js';
import { toDomainError } from './errors.js';
import { keys, stripKeys } from './keys.js';
import { onIndex, queryPage, type PageRequest } from './query.js';

/**
 * The organisation item carries its roster (`members`: sub → role), so one
 * strongly consistent read tells a change of the organisation whose membership
 * items hold a copy of it. Absent on organisations written before the roster
 * existed, until `upgrade-data` adds it.
 */
export const orgItem = (org: Organisation, members?: MemberRoster) => ({
  ...keys.org(org.id),
  ...keys.orgByStatus(org.status, org.id),
  ...keys.orgByType(org.type, org.id),
  ...(org.type === 'STUDIO' && org.collegeId ? keys.studiosOfCollege(org.collegeId, org.id) : {}),
  ...org,
  ...(members ? { members } : {}),
});

/**
 * A membership item carries `org`, a copy of its organisation as of the last
 * change of that organisation: authentication reads this one item and nothing else.
 */
export const membershipItem = (membership: Membership, org: Organisation) => ({
  ...keys.membership(membership.sub),
  ...keys.membersOfOrg(membership.orgId, membership.sub),
  ...membership,
  org,
});

const rosterSchema = z.record(z.string(), z.enum(MEMBER_ROLES));

/** An organisation as stored, with its roster (undefined for data not yet upgraded). */
export interface OrganisationRecord {
  org: Organisation;
  members?: MemberRoster;
}

/** The organisation and its roster, strongly consistent: what every change of an organisation starts from. */
export async function getOrganisationRecord(db: Db, orgId: string): Promise<OrganisationRecord | undefined> {
  try {
    const { Item } = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.org(orgId), ConsistentRead: true }));
    if (!Item) return undefined;
    const { members, ...rest } = stripKeys(Item);
    return { org: organisationSchema.parse(rest), members: members === undefined ? undefined : rosterSchema.parse(members) };
  } catch (error) {
    throw toDomainError(error);
  }
}

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

/** The studios that name a college (every affiliation state), oldest first. */
export const listStudiosOfCollege = (db: Db, collegeId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi3', keys.studiosOfCollege(collegeId, '').gsi3pk), schema: organisationSchema, newestFirst: false }, page);

/**
 * upgrade-data: gives a studio item written before the college index its index
 * keys, if it is still at the version read (nothing else of the item changes).
 */
export function indexStudioUnderCollege(db: Db, org: Organisation): Write[] {
  if (org.type !== 'STUDIO' || !org.collegeId) return [];
  return [setIndexKeys(db, keys.org(org.id), org.version, keys.studiosOfCollege(org.collegeId, org.id))];
}

export const listMembersOfOrganisation = (db: Db, orgId: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.membersOfOrg(orgId, '').gsi1pk), schema: membershipSchema, newestFirst: false }, page);

const alreadyMember = () =>
  new ConflictError('ALREADY_MEMBER', 'This user already belongs to an organisation; a user belongs to one organisation.');
const membersChanged = () =>
  new ConflictError('CONCURRENT_UPDATE', 'The members of this organisation changed meanwhile; reload and try again.');

/** A new organisation with its first member (its OWNER), whose membership carries the organisation's copy. */
export function writesForNewOrganisation(db: Db, org: Organisation, owner: Membership, onOrgConflict?: Write['onConflict']): Write[] {
  return [
    putNew(db, orgItem(org, { [owner.sub]: owner.role }), onOrgConflict),
    putNew(db, membershipItem(owner, org), alreadyMember),
    ...(org.creditCode ? [putNew(db, { ...keys.creditCode(org.creditCode), orgId: org.id, createdAt: org.createdAt }, creditCodeTaken)] : []),
  ];
}

const creditCodeTaken = () =>
  new ConflictError('CREDIT_CODE_TAKEN', 'An organisation with this unified social credit code is registered already.', { field: 'creditCode' });

/** What a change of an organisation does to its roster, besides rewriting every member's copy. */
export type RosterChange =
  | { add: Membership }
  | { remove: string }
  | { setRole: { sub: string; role: MemberRole } };

/**
 * The writes that replace an organisation read at `previous.org.version` (and
 * optionally change its roster), in one transaction:
 * - the organisation item, guarded by its version, with its roster;
 * - every member's membership item, whose copy of the organisation is set to
 *   the new state (a member added gets a new item, a member removed loses it).
 *   Each is conditional on still belonging to this organisation; the roster
 *   travels with the version guard, so a member added concurrently cannot be
 *   missed: the change that did not see it fails its version check;
 * - a studio's capability items, which exist exactly while it is VERIFIED (a
 *   sparse index of the studios that may bid).
 * An organisation has at most MAX_MEMBERS_PER_ORG members, so this fits in one
 * transaction with the audit record and notification.
 */
export function writesForOrganisationChange(
  db: Db,
  previous: OrganisationRecord,
  next: Organisation,
  options: { roster?: RosterChange; onConflict?: Write['onConflict'] } = {},
): Write[] {
  const change = options.roster;
  // Data not yet upgraded has no roster: its members carry no copy and are read the old way, so only a
  // member added now (who gets a copy) starts one; upgrade-data merges in the rest.
  const roster: MemberRoster | undefined = previous.members || (change && 'add' in change) ? { ...previous.members } : undefined;
  if (roster && change && 'add' in change) roster[change.add.sub] = change.add.role;
  if (roster && change && 'remove' in change) delete roster[change.remove];
  if (roster && change && 'setRole' in change) roster[change.setRole.sub] = change.setRole.role;
  const writes = [putIfVersion(db, orgItem(next, roster), options.onConflict)];
  for (const sub of Object.keys(roster ?? {})) {
    if (change && 'add' in change && change.add.sub === sub) {
      writes.push(putNew(db, membershipItem(change.add, next), alreadyMember));
    } else {
      const role = change && 'setRole' in change && change.setRole.sub === sub ? change.setRole.role : undefined;
      writes.push(updateMemberCopy(db, sub, next, role));
    }
  }
  if (change && 'remove' in change) {
    writes.push({
      op: {
        Delete: {
          TableName: db.tableName,
          Key: keys.membership(change.remove),
          ConditionExpression: '#orgId = :orgId',
          ExpressionAttributeNames: { '#orgId': 'orgId' },
          ExpressionAttributeValues: { ':orgId': next.id },
        },
      },
      onConflict: membersChanged,
    });
    // What the member had read of the organisation's inbox goes with the membership.
    writes.push(deleteItem(db, keys.inboxReadMarker(change.remove, next.type === 'ASSOCIATION' ? { associations: true } : { orgId: next.id })));
  }
  if (next.type !== 'STUDIO') return writes;
  const wasListed = previous.org.status === 'VERIFIED';
  const isListed = next.status === 'VERIFIED';
  const tagsOf = (org: Organisation) => new Set(org.capabilities.map((capability) => capability.toLowerCase()));
  if (isListed && !wasListed) {
    writes.push(...putStudioCapabilities(db, next));
  } else if (wasListed && !isListed) {
    for (const tag of tagsOf(previous.org)) writes.push(deleteItem(db, keys.studioCapability(previous.org.id, tag)));
  } else if (isListed && capabilityEntryChanged(previous.org, next)) {
    // A verified studio's new capabilities match from the moment this transaction commits: tags it dropped leave the index, the rest carry the new copy.
    const kept = tagsOf(next);
    for (const tag of tagsOf(previous.org)) if (!kept.has(tag)) writes.push(deleteItem(db, keys.studioCapability(previous.org.id, tag)));
    writes.push(...putStudioCapabilities(db, next));
  }
  return writes;
}

/**
 * upgrade-data: gives an organisation stored before rosters existed its roster
 * and every member a copy of it, without changing its version (guarded by it,
 * so a concurrent change of the organisation makes this fail instead of being overwritten).
 */
export function writesForRosterBackfill(db: Db, org: Organisation, roster: MemberRoster): Write[] {
  return [
    {
      op: {
        Put: {
          TableName: db.tableName,
          Item: orgItem(org, roster),
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': org.version },
        },
      },
      onConflict: membersChanged,
    },
    ...Object.keys(roster).map((sub) => updateMemberCopy(db, sub, org)),
  ];
}

/** Sets one member's copy of the organisation (and optionally their role), if they still belong to it. */
function updateMemberCopy(db: Db, sub: string, org: Organisation, role?: MemberRole): Write {
  return {
    op: {
      Update: {
        TableName: db.tableName,
        Key: keys.membership(sub),
        UpdateExpression: role ? 'SET #org = :org, #role = :role' : 'SET #org = :org',
        ConditionExpression: 'attribute_exists(pk) AND #orgId = :orgId',
        ExpressionAttributeNames: { '#org': 'org', '#orgId': 'orgId', ...(role ? { '#role': 'role' } : {}) },
        ExpressionAttributeValues: { ':org': org, ':orgId': org.id, ...(role ? { ':role': role } : {}) },
      },
    },
    onConflict: membersChanged,
  };
}

/** One capability item per tag of a verified studio (a plain Put: writing them again changes nothing). */
export function putStudioCapabilities(db: Db, studio: Organisation): Write[] {
  const entry = { orgId: studio.id, name: studio.name, cluster: studio.cluster, capabilities: studio.capabilities };
  return [...new Set(studio.capabilities.map((capability) => capability.toLowerCase()))].map((tag) => ({
    op: { Put: { TableName: db.tableName, Item: { ...keys.studioCapability(studio.id, tag), ...keys.studiosWithCapability(tag, studio.id), ...entry } } },
  }));
}

/** Whether the copy a capability item carries (name, cluster, tags) differs between two states of a studio. */
const capabilityEntryChanged = (before: Organisation, after: Organisation) =>
  before.name !== after.name || before.cluster !== after.cluster || before.capabilities.join('\u0000') !== after.capabilities.join('\u0000');

export const studioCapabilitySchema = z.object({ orgId: z.string(), name: z.string(), cluster: z.string().optional(), capabilities: z.array(z.string()) });
export type StudioCapability = z.infer<typeof studioCapabilitySchema>;

/** Verified studios offering a capability tag. */
export const listStudiosWithCapability = (db: Db, tag: string, page?: PageRequest) =>
  queryPage(db, { ...onIndex('gsi1', keys.studiosWithCapability(tag, '').gsi1pk), schema: studioCapabilitySchema, newestFirst: false }, page);
