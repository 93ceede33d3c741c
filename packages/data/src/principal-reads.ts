import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { readStoredMembership, readStoredOrganisation, type Membership, type Organisation } from '@sharedtech/core';
import type { Db } from './client.js';
import { toDomainError } from './errors.js';
import { keys, stripKeys } from './keys.js';
import { getItem } from './query.js';

/*
 * The reads that say who a caller is, in a module of their own: every
 * authenticated request makes one, and a cold start loads only these, not the
 * organisation's writes and what they import. They check the items with
 * core's zod-free readers (see organisation-record.ts), so authentication
 * loads no zod.
 */

const storedOrganisation = (item: unknown) => readStoredOrganisation(item) as Organisation;
const storedMembership = (item: unknown) => readStoredMembership(item) as Membership;

export const getOrganisation = (db: Db, orgId: string, consistent = false) =>
  getItem(db, keys.org(orgId), { parse: storedOrganisation }, consistent);

export const getMembership = (db: Db, sub: string) => getItem(db, keys.membership(sub), { parse: storedMembership }, true);

/**
 * Who a user is, in one strongly consistent GetItem: the membership and the copy
 * of its organisation it carries (`org` is undefined only on a membership
 * written before the copy existed and not yet upgraded).
 */
export async function getMembershipWithOrganisation(db: Db, sub: string): Promise<{ membership: Membership; org?: Organisation } | undefined> {
  try {
    const { Item } = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.membership(sub), ConsistentRead: true }));
    if (!Item) return undefined;
    const { org, ...rest } = stripKeys(Item);
    return { membership: storedMembership(rest), org: org === undefined ? undefined : storedOrganisation(org) };
  } catch (error) {
    throw toDomainError(error);
  }
}
