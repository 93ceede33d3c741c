import { describe, expect, it } from 'vitest';
import { ForbiddenError } from './errors.js';
import type { MemberRole, Organisation, OrgStatus, OrgType } from './organisation.js';
import { isAssociation, requireAssociation, requireMember, requireOwnerOf, requireVerified, type Principal } from './principal.js';

const AT = '2026-01-01T00:00:00.000Z';

function principal(type: OrgType, status: OrgStatus = 'VERIFIED', role: MemberRole = 'OWNER', orgId = 'org_A'): Principal {
  const org: Organisation = { id: orgId, type, name: `${type} org`, status, capabilities: [], createdAt: AT, updatedAt: AT, version: 1 };
  return { sub: `user-of-${orgId}`, membership: { sub: `user-of-${orgId}`, orgId, role, joinedAt: AT }, org };
}

const loner: Principal = { sub: 'no-org-yet' };

function forbidden(act: () => unknown): ForbiddenError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as ForbiddenError).status).toBe(403);
    return error as ForbiddenError;
  }
  throw new Error('expected a ForbiddenError');
}

describe('requireMember', () => {
  it('refuses a user without an organisation', () => {
    expect(forbidden(() => requireMember(loner)).code).toBe('NO_ORGANISATION');
  });

  it('returns the acting principal of a member in any state', () => {
    const pending = principal('ENTERPRISE', 'PENDING');
    expect(requireMember(pending)).toBe(pending);
  });
});

describe('requireVerified', () => {
  it('passes a verified organisation of an allowed type', () => {
    const enterprise = principal('ENTERPRISE');
    expect(requireVerified(enterprise, ['ENTERPRISE'])).toBe(enterprise);
    expect(requireVerified(enterprise)).toBe(enterprise);
  });

  it.each(['PENDING', 'REJECTED', 'SUSPENDED'] as const)('refuses a %s organisation with ORG_NOT_VERIFIED', (status) => {
    const error = forbidden(() => requireVerified(principal('ENTERPRISE', status), ['ENTERPRISE']));
    expect(error.code).toBe('ORG_NOT_VERIFIED');
    expect(error.message).toContain(status);
  });

  it('refuses another organisation type with WRONG_ORG_TYPE', () => {
    expect(forbidden(() => requireVerified(principal('STUDIO'), ['ENTERPRISE'])).code).toBe('WRONG_ORG_TYPE');
    expect(forbidden(() => requireVerified(principal('ASSOCIATION'), ['ENTERPRISE', 'GOVERNMENT'])).message).toContain('ENTERPRISE or GOVERNMENT');
  });

  it('refuses a user without an organisation with NO_ORGANISATION', () => {
    expect(forbidden(() => requireVerified(loner, ['ENTERPRISE'])).code).toBe('NO_ORGANISATION');
  });
});

describe('requireAssociation and isAssociation', () => {
  it('accepts any member of a verified association', () => {
    const moderator = principal('ASSOCIATION', 'VERIFIED', 'MEMBER');
    expect(requireAssociation(moderator)).toBe(moderator);
    expect(isAssociation(moderator)).toBe(true);
  });

  it.each(['ENTERPRISE', 'STUDIO', 'COLLEGE', 'GOVERNMENT'] as const)('refuses a verified %s', (type) => {
    expect(forbidden(() => requireAssociation(principal(type))).code).toBe('WRONG_ORG_TYPE');
    expect(isAssociation(principal(type))).toBe(false);
  });

  it('refuses a suspended association', () => {
    expect(forbidden(() => requireAssociation(principal('ASSOCIATION', 'SUSPENDED'))).code).toBe('ORG_NOT_VERIFIED');
    expect(isAssociation(principal('ASSOCIATION', 'SUSPENDED'))).toBe(false);
  });

  it('refuses a user without an organisation', () => {
    expect(forbidden(() => requireAssociation(loner)).code).toBe('NO_ORGANISATION');
    expect(isAssociation(loner)).toBe(false);
  });
});

describe('requireOwnerOf', () => {
  it('passes an OWNER of that organisation, whatever its status', () => {
    const owner = principal('STUDIO', 'PENDING', 'OWNER', 'org_A');
    expect(requireOwnerOf(owner, 'org_A')).toBe(owner);
  });

  it('refuses a MEMBER of that organisation', () => {
    expect(forbidden(() => requireOwnerOf(principal('STUDIO', 'VERIFIED', 'MEMBER', 'org_A'), 'org_A')).code).toBe('NOT_ORG_OWNER');
  });

  it('refuses an OWNER of another organisation, even an association', () => {
    expect(forbidden(() => requireOwnerOf(principal('ENTERPRISE', 'VERIFIED', 'OWNER', 'org_B'), 'org_A')).code).toBe('NOT_ORG_OWNER');
    expect(forbidden(() => requireOwnerOf(principal('ASSOCIATION', 'VERIFIED', 'OWNER', 'org_B'), 'org_A')).code).toBe('NOT_ORG_OWNER');
  });

  it('refuses a user without an organisation', () => {
    expect(forbidden(() => requireOwnerOf(loner, 'org_A')).code).toBe('NO_ORGANISATION');
  });
});
