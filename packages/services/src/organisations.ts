import {
  ConflictError, ForbiddenError, NotFoundError, ValidationError, isAssociation, organisationLifecycle,
  requireAssociation, requireMember, requireOwnerOf,
  type Membership, type Organisation, type OrgStatus, type OrgType, type Principal, type VerificationDecision,
} from '@sharedtech/core';
import {
  conditionCheck, getOrganisation as readOrganisationItem, keys, listMembersOfOrganisation, listOrganisationsByStatus,
  listOrganisationsByType, putNewMembership, putNewOrganisation, writesForOrganisationChange, type PageRequest,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toAssociations, toOrg } from './change.js';

const alreadyMember = () =>
  new ConflictError('ALREADY_MEMBER', 'This user already belongs to an organisation; a user belongs to one organisation.');

/** Public profile of an organisation (drops the optimistic-lock version). */
export const publicOrganisation = ({ version: _version, ...org }: Organisation) => org;

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
  if (!org || (org.status !== 'VERIFIED' && !isMemberOrModerator(principal, orgId))) throw new NotFoundError('Organisation', orgId);
  return org;
}

/** Reads an organisation's profile as the caller may see it (404 if it may not). */
export async function readOrganisation(deps: ServiceDeps, principal: Principal, orgId: string) {
  return viewOfOrganisation(principal, await getVisibleOrganisation(deps, principal, orgId));
}

export interface RegisterOrganisationInput {
  type: Exclude<OrgType, 'ASSOCIATION'>;
  name: string;
  cluster?: string;
  collegeId?: string;
  capabilities?: string[];
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
    capabilities: [...new Set(input.capabilities ?? [])],
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
    writes: [putNewOrganisation(deps.db, org), putNewMembership(deps.db, membership, alreadyMember), ...collegeGuard],
    transitions: [{ entity: { type: 'organisation', id: org.id }, action: 'register', after: 'PENDING', details: { type: org.type, name: org.name } }],
    notify: [{ to: toAssociations, type: 'ORG_REGISTERED', params: { name: org.name, orgType: org.type } }],
  });
  return org;
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
    writes: [
      putNewOrganisation(deps.db, org, () => new ConflictError('ORG_EXISTS', `Organisation ${org.id} exists already.`)),
      putNewMembership(deps.db, { sub: input.ownerSub, orgId: org.id, role: 'OWNER', joinedAt: now }, alreadyMember),
    ],
    transitions: [{ entity: { type: 'organisation', id: org.id }, action: 'create-association', after: 'VERIFIED', details: { owner: input.ownerSub } }],
  });
  return org;
}

export async function getOrganisationOrThrow(deps: ServiceDeps, orgId: string, consistent = false) {
  const org = await readOrganisationItem(deps.db, orgId, consistent);
  if (!org) throw new NotFoundError('Organisation', orgId);
  return org;
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
  const org = await getOrganisationOrThrow(deps, orgId, true);
  if (org.type === 'ASSOCIATION') {
    throw new ForbiddenError('ASSOCIATION_MANAGED_BY_OPERATOR', 'Associations are managed by the operator, not by other associations.');
  }
  const status = organisationLifecycle.next(org.status, input.decision);
  const next: Organisation = { ...org, status, statusReason: input.reason, updatedAt: deps.clock().toISOString(), version: org.version + 1 };
  await applyChange(deps, principal, {
    writes: writesForOrganisationChange(deps.db, org, next),
    transitions: [{ entity: { type: 'organisation', id: org.id }, action: input.decision.toLowerCase(), before: org.status, after: status, details: input.reason ? { reason: input.reason } : undefined }],
    notify: [{ to: toOrg(org.id), type: `ORG_${status}`, params: { name: org.name, ...(input.reason ? { reason: input.reason } : {}) } }],
  });
  return next;
}

/** An OWNER adds a user to their organisation; a user already in one is a 409. */
export async function addMember(
  deps: ServiceDeps,
  principal: Principal,
  orgId: string,
  input: { sub: string; role: Membership['role']; displayName?: string },
) {
  requireOwnerOf(principal, orgId);
  const membership: Membership = { sub: input.sub, orgId, role: input.role, displayName: input.displayName, joinedAt: deps.clock().toISOString() };
  await applyChange(deps, principal, {
    writes: [putNewMembership(deps.db, membership, alreadyMember)],
    transitions: [{ entity: { type: 'organisation', id: orgId }, action: 'add-member', details: { sub: input.sub, role: input.role } }],
    notify: [{ to: toOrg(orgId), type: 'MEMBER_ADDED', params: { sub: input.sub, role: input.role } }],
  });
  return membership;
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
