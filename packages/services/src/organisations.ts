import {
  ConflictError, ForbiddenError, MAX_MEMBERS_PER_ORG, NotFoundError, ValidationError, affiliationLifecycle, affiliationOf, isAssociation,
  organisationLifecycle, publicOrganisation, requireAssociation, requireMember, requireOwnerOf,
  type AffiliationDecision, type Membership, type MemberRole, type Organisation, type OrgContact, type OrgStatus, type OrgType, type Principal,
  type VerificationDecision,
} from '@sharedtech/core';
import {
  conditionCheck, getOrganisation as readOrganisationItem, getOrganisationRecord, keys, listMembersOfOrganisation, listOrganisationsByStatus,
  listOrganisationsByType, listStudiosOfCollege, writesForNewOrganisation, writesForOrganisationChange, type OrganisationRecord, type PageRequest,
  type RosterChange,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toAssociations, toOrg } from './change.js';

const alreadyMember = () =>
  new ConflictError('ALREADY_MEMBER', 'This user already belongs to an organisation; a user belongs to one organisation.');
export const orgChangedMeanwhile = () =>
  new ConflictError('CONCURRENT_UPDATE', 'The organisation was changed by someone else meanwhile; reload and try again.');

/** The caller belongs to this organisation, or moderates (a verified association). */
export const isMemberOrModerator = (principal: Principal, orgId: string) => principal.membership?.orgId === orgId || isAssociation(principal);

/**
 * An organisation as this caller may see it: moderation reasons (`statusReason`)
 * are for the organisation's own members and associations only.
 */
export function viewOfOrganisation(principal: Principal, org: Organisation) {
  const { statusReason, ...view } = publicOrganisation(org);
  return isMemberOrModerator(principal, org.id) && statusReason !== undefined ? { ...view, statusReason } : view;
}

/**
 * Verified organisations are public; any other (PENDING, REJECTED, SUSPENDED)
 * exists only for its own members and associations — a 404 to everyone else,
 * as for draft requests.
 */
export async function getVisibleOrganisation(deps: ServiceDeps, principal: Principal, orgId: string, consistent = false) {
  const org = await readOrganisationItem(deps.db, orgId, consistent);
  if (!org || (org.status !== 'VERIFIED' && !isMemberOrModerator(principal, orgId) && !isNamedCollege(principal, org))) throw new NotFoundError('Organisation', orgId);
  return org;
}

/** The college a studio names sees the studio whatever its status: it decides whether the studio is its own. */
const isNamedCollege = (principal: Principal, org: Organisation) =>
  org.type === 'STUDIO' && org.collegeId !== undefined && principal.membership?.orgId === org.collegeId;

/** Reads an organisation's profile as the caller may see it (404 if it may not). */
export async function readOrganisation(deps: ServiceDeps, principal: Principal, orgId: string) {
  return viewOfOrganisation(principal, await getVisibleOrganisation(deps, principal, orgId));
}

export interface ProfileInput {
  description?: string;
  contact?: OrgContact;
  address?: string;
}

export interface RegisterOrganisationInput extends ProfileInput {
  type: Exclude<OrgType, 'ASSOCIATION'>;
  name: string;
  cluster?: string;
  collegeId?: string;
  capabilities?: string[];
  creditCode?: string;
}

/** Profile text as stored: empty strings are "not given", an all-empty contact is none. */
function profileOf(input: ProfileInput): Pick<Organisation, 'description' | 'contact' | 'address'> {
  const text = (value?: string) => (value ? value : undefined);
  const contact = input.contact && { person: text(input.contact.person), phone: text(input.contact.phone), email: text(input.contact.email) };
  return {
    description: text(input.description),
    contact: contact && Object.values(contact).some(Boolean) ? (JSON.parse(JSON.stringify(contact)) as OrgContact) : undefined,
    address: text(input.address),
  };
}

/** Registers a PENDING organisation with the caller as its OWNER, in one transaction. */
export async function registerOrganisation(deps: ServiceDeps, principal: Principal, input: RegisterOrganisationInput) {
  if (principal.membership) throw alreadyMember();
  const now = deps.clock().toISOString();
  const org: Organisation = {
    id: deps.ids('org'),
    type: input.type,
    name: input.name,
    status: 'PENDING',
    cluster: input.cluster,
    collegeId: input.collegeId,
    ...(input.collegeId ? { affiliation: 'PENDING' as const } : {}),
    capabilities: [...new Set(input.capabilities ?? [])],
    ...(input.creditCode ? { creditCode: input.creditCode } : {}),
    ...withoutUndefined(profileOf(input)),
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const membership: Membership = { sub: principal.sub, orgId: org.id, role: 'OWNER', joinedAt: now };
  const collegeGuard = input.collegeId
    ? [
        conditionCheck(
          deps.db,
          keys.org(input.collegeId),
          { expression: 'attribute_exists(pk) AND #type = :college', names: { '#type': 'type' }, values: { ':college': 'COLLEGE' } },
          () => ValidationError.field('collegeId', 'No college with this id is registered.', 'UNKNOWN_COLLEGE'),
        ),
      ]
    : [];
  await applyChange(deps, principal, {
    writes: [...writesForNewOrganisation(deps.db, org, membership), ...collegeGuard],
    transitions: [
      { entity: { type: 'organisation', id: org.id }, action: 'register', after: 'PENDING', details: { type: org.type, name: org.name, ...(org.creditCode ? { creditCode: org.creditCode } : {}) }, creates: true },
    ],
    notify: [
      { to: toAssociations, type: 'ORG_REGISTERED', params: { name: org.name, orgType: org.type } },
      // The college named decides whether the studio is its own (and so whether it becomes a party to the studio's contracts).
      ...(org.collegeId ? [{ to: toOrg(org.collegeId), type: 'AFFILIATION_REQUESTED', params: { name: org.name, studioOrgId: org.id } }] : []),
    ],
  });
  return org;
}

const withoutUndefined = <T extends Record<string, unknown>>(value: T) =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;

export interface UpdateOrganisationInput extends ProfileInput {
  cluster?: string;
  capabilities?: string[];
  expectedUpdatedAt?: string;
}

/**
 * An OWNER edits their organisation's profile: description, contact, address,
 * cluster and capabilities (name, type and credit code are what was verified).
 * One transaction writes the organisation (guarded by the version read), every
 * member's copy and, for a verified studio, its capability items — so a
 * change of capabilities is what matching sees from the moment it commits.
 */
export async function updateOrganisationProfile(deps: ServiceDeps, principal: Principal, orgId: string, input: UpdateOrganisationInput) {
  requireOwnerOf(principal, orgId);
  const record = await getOrganisationRecordOrThrow(deps, orgId);
  const { org } = record;
  if (input.expectedUpdatedAt !== undefined && input.expectedUpdatedAt !== org.updatedAt) throw orgChangedMeanwhile();
  if (input.capabilities && org.type !== 'STUDIO' && input.capabilities.length > 0) {
    throw ValidationError.field('capabilities', 'Only a teacher studio offers capabilities.', 'CAPABILITIES_FOR_STUDIOS');
  }
  const merged: Organisation = { ...org };
  const given = profileOf({ ...org, ...input, contact: input.contact ?? org.contact });
  for (const field of ['description', 'contact', 'address'] as const) {
    if (input[field] !== undefined) (merged as Record<string, unknown>)[field] = given[field];
  }
  if (input.cluster !== undefined) merged.cluster = input.cluster || undefined;
  if (input.capabilities !== undefined) merged.capabilities = [...new Set(input.capabilities)];
  const changed = (['description', 'contact', 'address', 'cluster', 'capabilities'] as const).filter(
    (field) => JSON.stringify(merged[field] ?? null) !== JSON.stringify(org[field] ?? null),
  );
  if (changed.length === 0) return org;
  const next = touched(deps, JSON.parse(JSON.stringify(merged)) as Organisation);
  await applyChange(deps, principal, {
    writes: writesForOrganisationChange(deps.db, record, next, { onConflict: orgChangedMeanwhile }),
    transitions: [
      {
        entity: { type: 'organisation', id: org.id },
        action: 'update-profile',
        details: { fields: changed, ...(changed.includes('capabilities') ? { capabilities: { before: org.capabilities, after: next.capabilities } } : {}) },
      },
    ],
    notify: [{ to: toOrg(org.id), type: 'ORG_PROFILE_UPDATED', params: { name: org.name, fields: changed.join(',') } }],
  });
  return next;
}

/**
 * The OWNER of the college a studio names accepts or rejects it as its own.
 * Until it accepts, the college is no party to the studio's contracts. The
 * studio's organisation changes (version-guarded, its members' copies with it).
 */
export async function decideAffiliation(
  deps: ServiceDeps,
  principal: Principal,
  studioOrgId: string,
  input: { decision: AffiliationDecision; reason?: string },
) {
  const acting = requireMember(principal);
  const record = await getOrganisationRecord(deps.db, studioOrgId);
  // An organisation the caller may not see is a 404, like one that does not exist.
  if (!record || (record.org.status !== 'VERIFIED' && !isMemberOrModerator(principal, studioOrgId) && !isNamedCollege(principal, record.org))) {
    throw new NotFoundError('Organisation', studioOrgId);
  }
  const collegeId = record.org.type === 'STUDIO' ? record.org.collegeId : undefined;
  if (!collegeId || collegeId !== acting.org.id) throw new ForbiddenError('NOT_THE_COLLEGE', 'Only the college this studio names decides its affiliation.');
  requireOwnerOf(principal, collegeId);
  if (input.decision === 'REJECT' && !input.reason) throw ValidationError.field('reason', 'Say why the studio is not the college’s.', 'REASON_REQUIRED');
  const { org: studio } = record;
  const before = affiliationOf(studio)!;
  const affiliation = affiliationLifecycle.next(before, input.decision);
  const next = touched(deps, { ...studio, affiliation, ...(input.reason ? { affiliationReason: input.reason } : {}) });
  await applyChange(deps, principal, {
    writes: writesForOrganisationChange(deps.db, record, next, { onConflict: orgChangedMeanwhile }),
    transitions: [
      {
        entity: { type: 'organisation', id: studio.id },
        action: `affiliation-${input.decision.toLowerCase()}`,
        before,
        after: affiliation,
        details: { collegeId, ...(input.reason ? { reason: input.reason } : {}) },
      },
    ],
    notify: [
      { to: toOrg(studio.id), type: `AFFILIATION_${affiliation}`, params: { college: acting.org.name, ...(input.reason ? { reason: input.reason } : {}) } },
      { to: toOrg(collegeId), type: `AFFILIATION_${affiliation}`, params: { college: acting.org.name, studio: studio.name } },
    ],
  });
  return next;
}

/** A college's studios, every affiliation state: for the college's members and associations. */
export async function listStudiosOfOwnCollege(deps: ServiceDeps, principal: Principal, collegeId: string, page: PageRequest) {
  const college = await getVisibleOrganisation(deps, principal, collegeId);
  if (college.type !== 'COLLEGE') throw new NotFoundError('College', collegeId);
  if (!isMemberOrModerator(principal, collegeId)) {
    throw new ForbiddenError('NOT_ORG_MEMBER', 'Only members of this college and associations can see its studios.');
  }
  return listStudiosOfCollege(deps.db, collegeId, page);
}

/** Operator path (CLI and seed): an association is created VERIFIED with its first owner. */
export async function createAssociation(deps: ServiceDeps, input: { name: string; ownerSub: string; cluster?: string; id?: string }) {
  const now = deps.clock().toISOString();
  const org: Organisation = {
    id: input.id ?? deps.ids('org'),
    type: 'ASSOCIATION',
    name: input.name,
    status: 'VERIFIED',
    cluster: input.cluster,
    capabilities: [],
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await applyChange(deps, { sub: 'operator' }, {
    writes: writesForNewOrganisation(deps.db, org, { sub: input.ownerSub, orgId: org.id, role: 'OWNER', joinedAt: now }, () =>
      new ConflictError('ORG_EXISTS', `Organisation ${org.id} exists already.`)),
    transitions: [{ entity: { type: 'organisation', id: org.id }, action: 'create-association', after: 'VERIFIED', details: { owner: input.ownerSub } }],
  });
  return org;
}

export async function getOrganisationOrThrow(deps: ServiceDeps, orgId: string, consistent = false) {
  const org = await readOrganisationItem(deps.db, orgId, consistent);
  if (!org) throw new NotFoundError('Organisation', orgId);
  return org;
}

/** The organisation with its roster, strongly consistent (404 if absent): where every change of it starts. */
export async function getOrganisationRecordOrThrow(deps: ServiceDeps, orgId: string): Promise<OrganisationRecord> {
  const record = await getOrganisationRecord(deps.db, orgId);
  if (!record) throw new NotFoundError('Organisation', orgId);
  return record;
}

/** The organisation one version on: every change of it, roster changes included, bumps the version its members' copies carry. */
export const touched = (deps: ServiceDeps, org: Organisation, changes: Partial<Organisation> = {}): Organisation => ({
  ...org,
  ...changes,
  updatedAt: laterThan(org.updatedAt, deps.clock()),
  version: org.version + 1,
});

/**
 * Now, or a millisecond after `previous` if the clock has not moved past it:
 * every version of an organisation has its own `updatedAt`, so a client's
 * `expectedUpdatedAt` names exactly one version.
 */
function laterThan(previous: string, now: Date): string {
  const before = Date.parse(previous);
  return now.getTime() > before ? now.toISOString() : new Date(before + 1).toISOString();
}

/** Association decision on an organisation: VERIFY, REJECT or SUSPEND (409 from a state that does not allow it). */
export async function decideVerification(
  deps: ServiceDeps,
  principal: Principal,
  orgId: string,
  input: { decision: VerificationDecision; reason?: string },
) {
  requireAssociation(principal);
  if (input.decision !== 'VERIFY' && !input.reason) {
    throw ValidationError.field('reason', `Say why the organisation is ${input.decision === 'REJECT' ? 'rejected' : 'suspended'}.`, 'REASON_REQUIRED');
  }
  const record = await getOrganisationRecordOrThrow(deps, orgId);
  const { org } = record;
  if (org.type === 'ASSOCIATION') {
    throw new ForbiddenError('ASSOCIATION_MANAGED_BY_OPERATOR', 'Associations are managed by the operator, not by other associations.');
  }
  const status = organisationLifecycle.next(org.status, input.decision);
  const next = touched(deps, org, { status, statusReason: input.reason });
  await applyChange(deps, principal, {
    // Every member's copy of the organisation changes in the same transaction: a suspension applies to their next request.
    writes: writesForOrganisationChange(deps.db, record, next, { onConflict: orgChangedMeanwhile }),
    transitions: [{ entity: { type: 'organisation', id: org.id }, action: input.decision.toLowerCase(), before: org.status, after: status, details: input.reason ? { reason: input.reason } : undefined }],
    notify: [{ to: toOrg(org.id), type: `ORG_${status}`, params: { name: org.name, ...(input.reason ? { reason: input.reason } : {}) } }],
  });
  return next;
}

/** An OWNER changes a member's role; the organisation must keep at least one OWNER. */
export async function changeMemberRole(deps: ServiceDeps, principal: Principal, orgId: string, sub: string, input: { role: MemberRole }) {
  requireOwnerOf(principal, orgId);
  const record = await getOrganisationRecordOrThrow(deps, orgId);
  const members = rosterOf(record);
  const current = members[sub];
  if (!current) throw new NotFoundError('Member', sub);
  if (current === 'OWNER' && input.role !== 'OWNER') assertAnotherOwner(members, sub);
  if (current !== input.role) {
    await changeRoster(deps, principal, record, { setRole: { sub, role: input.role } }, {
      transition: { action: 'change-member-role', details: { sub, before: current, after: input.role } },
      notify: { type: 'MEMBER_ROLE_CHANGED', params: { sub, role: input.role } },
    });
  }
  return { sub, orgId, role: input.role };
}

/** An OWNER removes a member (themselves included); the organisation must keep at least one OWNER. */
export async function removeMember(deps: ServiceDeps, principal: Principal, orgId: string, sub: string) {
  requireOwnerOf(principal, orgId);
  const record = await getOrganisationRecordOrThrow(deps, orgId);
  const members = rosterOf(record);
  const current = members[sub];
  if (!current) throw new NotFoundError('Member', sub);
  if (current === 'OWNER') assertAnotherOwner(members, sub);
  await changeRoster(deps, principal, record, { remove: sub }, {
    transition: { action: 'remove-member', details: { sub, role: current } },
    notify: { type: 'MEMBER_REMOVED', params: { sub } },
  });
}

/**
 * The caller leaves their organisation (personal data, PIPL): a roster change
 * like any removal, so every remaining member's copy moves with it. The last
 * OWNER cannot leave (409), even when two owners leave at the same moment: the
 * organisation's version lets only one of them through.
 */
export async function leaveOrganisation(deps: ServiceDeps, principal: Principal, orgId: string) {
  await getVisibleOrganisation(deps, principal, orgId);
  const acting = requireMember(principal);
  if (acting.membership.orgId !== orgId) throw new ForbiddenError('NOT_ORG_MEMBER', 'You are not a member of this organisation.');
  const record = await getOrganisationRecordOrThrow(deps, orgId);
  const members = rosterOf(record);
  const role = members[acting.sub];
  if (!role) throw new NotFoundError('Member', acting.sub);
  if (role === 'OWNER') assertAnotherOwner(members, acting.sub);
  await changeRoster(deps, principal, record, { remove: acting.sub }, {
    transition: { action: 'leave', details: { sub: acting.sub, role } },
    notify: { type: 'MEMBER_LEFT', params: { sub: acting.sub } },
  });
  return { sub: acting.sub, orgId, left: true as const };
}

/** 409 when the organisation has MAX_MEMBERS_PER_ORG members already. */
export function assertRoomForMember(record: OrganisationRecord) {
  if (Object.keys(record.members ?? {}).length >= MAX_MEMBERS_PER_ORG) {
    throw new ConflictError('TOO_MANY_MEMBERS', `An organisation can have at most ${MAX_MEMBERS_PER_ORG} members.`, { limit: MAX_MEMBERS_PER_ORG });
  }
}

function rosterOf(record: OrganisationRecord) {
  if (!record.members) {
    throw new ConflictError('MEMBERS_NOT_UPGRADED', 'This organisation\'s members were stored by an earlier version; run upgrade-data first.');
  }
  return record.members;
}

function assertAnotherOwner(members: Record<string, MemberRole>, sub: string) {
  if (!Object.entries(members).some(([other, role]) => other !== sub && role === 'OWNER')) {
    throw new ConflictError('LAST_OWNER', 'An organisation must keep at least one owner; make someone else an owner first.');
  }
}

/** A roster change is a change of the organisation: its version moves and every member's copy is rewritten with it. */
async function changeRoster(
  deps: ServiceDeps,
  principal: Principal,
  record: OrganisationRecord,
  roster: RosterChange,
  what: { transition: { action: string; details: Record<string, unknown> }; notify: { type: string; params: Record<string, string> } },
) {
  const next = touched(deps, record.org);
  await applyChange(deps, principal, {
    writes: writesForOrganisationChange(deps.db, record, next, { roster, onConflict: orgChangedMeanwhile }),
    transitions: [{ entity: { type: 'organisation', id: record.org.id }, ...what.transition }],
    notify: [{ to: toOrg(record.org.id), ...what.notify }],
  });
}

export async function listMembers(deps: ServiceDeps, principal: Principal, orgId: string, page: PageRequest) {
  await getVisibleOrganisation(deps, principal, orgId);
  if (!isMemberOrModerator(principal, orgId)) {
    throw new ForbiddenError('NOT_ORG_MEMBER', 'Only members of this organisation and associations can see its members.');
  }
  return listMembersOfOrganisation(deps.db, orgId, page);
}

/**
 * Verified organisations are a public directory (a studio must find its college);
 * every other status is the associations' verification queue.
 */
export async function listOrganisations(
  deps: ServiceDeps,
  principal: Principal,
  query: { status?: OrgStatus; type?: OrgType },
  page: PageRequest,
) {
  const status = query.status ?? 'VERIFIED';
  if (status !== 'VERIFIED') requireAssociation(principal);
  if (query.type) return listOrganisationsByType(deps.db, query.type, status, page);
  return listOrganisationsByStatus(deps.db, status, page);
}
