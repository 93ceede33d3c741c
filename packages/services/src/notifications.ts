import { NotFoundError, isAssociation, requireMember, type Principal, type Recipient } from '@sharedtech/core';
import {
  advanceInboxReadMarker, countNotificationsAfter, getInboxReadMarker, getNotification, listNotifications, newestNotificationId, type PageRequest,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';

/** The caller's inbox: their organisation's, or the associations' shared one. */
function inboxOf(principal: Principal): Recipient {
  const acting = requireMember(principal);
  return isAssociation(principal) ? { associations: true } : { orgId: acting.org.id };
}

/** Unread counts stop here: a badge says "99+", and the count stays one bounded read. */
export const UNREAD_COUNT_CAP = 99;

export interface UnreadCount {
  /** Notifications newer than the caller's read marker, at most `UNREAD_COUNT_CAP`. */
  unreadCount: number;
  /** True when there are more than `unreadCount` (the count was cut at the cap). */
  unreadCountCapped: boolean;
}

async function unreadAfter(deps: ServiceDeps, recipient: Recipient, readUpTo: string | undefined): Promise<UnreadCount> {
  const counted = await countNotificationsAfter(deps.db, recipient, readUpTo, UNREAD_COUNT_CAP + 1);
  return { unreadCount: Math.min(counted, UNREAD_COUNT_CAP), unreadCountCapped: counted > UNREAD_COUNT_CAP };
}

/** How many notifications of the caller's inbox the caller has not read (the menu's badge): a key read and a bounded count. */
export async function countUnreadNotifications(deps: ServiceDeps, principal: Principal): Promise<UnreadCount> {
  const recipient = inboxOf(principal);
  return unreadAfter(deps, recipient, await getInboxReadMarker(deps.db, principal.sub, recipient));
}

/** The caller's inbox, each notification saying whether the caller has read it, with the unread count. */
export async function readNotifications(deps: ServiceDeps, principal: Principal, page: PageRequest) {
  const recipient = inboxOf(principal);
  const [readUpTo, result] = await Promise.all([
    getInboxReadMarker(deps.db, principal.sub, recipient),
    listNotifications(deps.db, recipient, page),
  ]);
  return {
    items: result.items.map(({ recipient: _recipient, ...notification }) => ({
      ...notification,
      read: readUpTo !== undefined && notification.id <= readUpTo,
    })),
    nextCursor: result.nextCursor,
    readUpTo: readUpTo ?? null,
    ...(await unreadAfter(deps, recipient, readUpTo)),
  };
}

/**
 * Marks the caller's inbox as read up to a notification of it (default: the
 * newest), for the caller alone. The marker never moves backwards: marking up
 * to an older notification than already read changes nothing.
 */
export async function markNotificationsRead(deps: ServiceDeps, principal: Principal, upTo?: string) {
  const recipient = inboxOf(principal);
  if (upTo && !(await getNotification(deps.db, recipient, upTo))) throw new NotFoundError('Notification', upTo);
  const target = upTo ?? (await newestNotificationId(deps.db, recipient));
  const readUpTo = target
    ? await advanceInboxReadMarker(deps.db, principal.sub, recipient, target, deps.clock().toISOString())
    : await getInboxReadMarker(deps.db, principal.sub, recipient);
  return { readUpTo: readUpTo ?? null, ...(await unreadAfter(deps, recipient, readUpTo)) };
}
