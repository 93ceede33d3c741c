import { ForbiddenError } from './errors.js';
import type { Membership, Organisation, OrgType } from './organisation.js';

/**
 * Who is calling: the token's subject plus, if they belong to one, their
 * organisation and role as stored in the database (never from token claims).
 */
export interface Principal {
  sub: string;
  membership?: Membership;
  org?: Organisation;
}

export interface ActingPrincipal extends Principal {
  membership: Membership;
  org: Organisation;
}

/** The caller must belong to an organisation. */
export function requireMember(principal: Principal): ActingPrincipal {
  if (!principal.membership || !principal.org) {
    throw new ForbiddenError('NO_ORGANISATION', 'You do not belong to an organisation yet; register one first.');
  }
  return principal as ActingPrincipal;
}

/** The caller's organisation must be VERIFIED and of one of `types`. */
export function requireVerified(principal: Principal, types?: readonly OrgType[]): ActingPrincipal {
  const acting = requireMember(principal);
  if (types && !types.includes(acting.org.type)) {
    throw new ForbiddenError('WRONG_ORG_TYPE', `Only ${types.join(' or ')} organisations can do this.`);
  }
  if (acting.org.status !== 'VERIFIED') {
    throw new ForbiddenError('ORG_NOT_VERIFIED', `Your organisation is ${acting.org.status}; only verified organisations can do this.`);
  }
  return acting;
}

/** The caller must be a member of a verified association (a moderator). */
export const requireAssociation = (principal: Principal) => requireVerified(principal, ['ASSOCIATION']);

export const isAssociation = (principal: Principal) =>
  principal.org?.type === 'ASSOCIATION' && principal.org.status === 'VERIFIED';

/** The caller must be an OWNER of the organisation `orgId`. */
export function requireOwnerOf(principal: Principal, orgId: string): ActingPrincipal {
  const acting = requireMember(principal);
  if (acting.org.id !== orgId || acting.membership.role !== 'OWNER') {
    throw new ForbiddenError('NOT_ORG_OWNER', 'Only an owner of this organisation can do this.');
  }
  return acting;
}

/** The identity that scheduled jobs and follow-ups act as in audit records. */
export const SCHEDULER: Principal = { sub: 'system:scheduler' };
