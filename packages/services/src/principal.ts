import type { Principal } from '@sharedtech/core';
import { getMembership, getOrganisation, type Db } from '@sharedtech/data';

/** The caller as stored: membership first, then its organisation (both strongly consistent). */
export async function loadPrincipal(db: Db, sub: string): Promise<Principal> {
  const membership = await getMembership(db, sub);
  const org = membership ? await getOrganisation(db, membership.orgId, true) : undefined;
  return { sub, membership, org };
}
