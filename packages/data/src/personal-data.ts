import type { Membership, Recipient } from '@sharedtech/core';
import type { Db } from './client.js';
import { conditionCheck, type Write } from './commit.js';
import { keys } from './keys.js';

/**
 * A member leaves an organisation: the membership goes (only if it is still
 * this one, with this role), with the member's read marker of the inbox they
 * leave. An OWNER leaves only while `otherOwnerSub` is still an OWNER of the
 * same organisation, checked in the same transaction: of two owners leaving
 * at once, one of them stays.
 */
export function writesForLeaving(
  db: Db,
  membership: Membership,
  inbox: Recipient,
  otherOwnerSub: string | undefined,
  errors: { membershipChanged: Write['onConflict']; ownerGone: Write['onConflict'] },
): Write[] {
  return [
    {
      op: {
        Delete: {
          TableName: db.tableName,
          Key: keys.membership(membership.sub),
          ConditionExpression: '#orgId = :orgId AND #role = :role',
          ExpressionAttributeNames: { '#orgId': 'orgId', '#role': 'role' },
          ExpressionAttributeValues: { ':orgId': membership.orgId, ':role': membership.role },
        },
      },
      onConflict: errors.membershipChanged,
    },
    { op: { Delete: { TableName: db.tableName, Key: keys.inboxReadMarker(membership.sub, inbox) } } },
    ...(otherOwnerSub
      ? [
          conditionCheck(
            db,
            keys.membership(otherOwnerSub),
            { expression: '#orgId = :orgId AND #role = :owner', names: { '#orgId': 'orgId', '#role': 'role' }, values: { ':orgId': membership.orgId, ':owner': 'OWNER' } },
            errors.ownerGone,
          ),
        ]
      : []),
  ];
}
