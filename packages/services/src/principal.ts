import type { Principal } from '@sharedtech/core';
import { getMembershipWithOrganisation, getOrganisation, type Db } from '@sharedtech/data';

/**
 * The caller as stored, in one strongly consistent read: the membership item
 * carries a copy of its organisation that every change of the organisation
 * rewrites in the same transaction, so a suspension or a new role applies
 * from the caller's very next request. Only a membership written before the
 * copy existed (data not yet upgraded) costs a second read of the organisation.
 */
export async function loadPrincipal(db: Db, sub: string): Promise<Principal> {
  const found = await getMembershipWithOrganisation(db, sub);
  if (!found) return { sub };
  const org = found.org ?? (await getOrganisation(db, found.membership.orgId, true));
  return { sub, membership: found.membership, org };
}
