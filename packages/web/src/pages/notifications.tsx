import type { Hono } from 'hono';
import type { WebDeps } from '../deps.js';
import { markNotificationsRead, MarkNotificationsReadSchema, readNotifications } from '@sharedtech/services';
import { ActionButton } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Empty, PageHeader, Pager, Time } from '../components/ui.js';
import { flash, formOf, pageKit, render, type Ui } from '../context.js';
import { parseInput } from '../forms.js';
import { entityHref, notificationText } from '../labels.js';

/** A notification as the inbox service returns it, with whether the visitor has read it. */
export interface NotificationView {
  id: string;
  type: string;
  entity: { type: string; id: string };
  params: Record<string, string | number>;
  at: string;
  read: boolean;
}

/** Unread notifications stand out by weight and a bar, and say "unread" in words (never by colour alone). */
export function NotificationList({ ui, items }: { ui: Ui; items: NotificationView[] }) {
  return (
    <ul class="list notifications">
      {items.map((notification) => {
        const href = entityHref(notification.entity);
        const text = notificationText(ui, notification);
        return (
          <li class={notification.read ? 'item' : 'item unread'} data-type={notification.type} data-notification-id={notification.id} data-read={String(notification.read)}>
            <p style="margin:0">
              {notification.read ? null : <span class="badge unread-mark">{ui.t('notifications.unread')}</span>}
              {href ? <a href={href}>{text}</a> : text}
            </p>
            <p class="item-meta">
              <Time ui={ui} iso={notification.at} />
            </p>
          </li>
        );
      })}
    </ul>
  );
}

export function notificationPages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);
  web.get(
    '/notifications',
    page(async (c, ui) => {
      const cursor = c.req.query('cursor');
      const inbox = await readNotifications(deps, ui.principal, { cursor });
      // "Mark all as read" on the first page covers what the visitor has in front of them, not what arrives meanwhile.
      const newestShown = cursor ? undefined : inbox.items[0]?.id;
      const count = inbox.unreadCountCapped ? `${inbox.unreadCount}+` : String(inbox.unreadCount);
      return render(
        c,
        <Layout ui={ui} title={ui.t('notifications.title')} unread={inbox}>
          <PageHeader
            title={ui.t('notifications.title')}
            lead={ui.t('notifications.lead')}
            actions={
              inbox.unreadCount > 0 ? (
                <>
                  <span class="muted" data-unread-summary>
                    {ui.t('notifications.unreadSummary', { count })}
                  </span>
                  <ActionButton action="/notifications/read" label={ui.t('notifications.markAllRead')} hidden={newestShown ? { upTo: newestShown } : {}} />
                </>
              ) : null
            }
          />
          {inbox.items.length > 0 ? <NotificationList ui={ui} items={inbox.items} /> : <Empty>{ui.t('notifications.empty')}</Empty>}
          <Pager ui={ui} nextCursor={inbox.nextCursor} />
        </Layout>,
      );
    }),
  );

  web.post(
    '/notifications/read',
    action(async (c, ui) => {
      const form = await formOf(c);
      const { upTo } = parseInput(MarkNotificationsReadSchema, form.upTo ? { upTo: form.upTo } : {});
      await markNotificationsRead(deps, ui.principal, upTo);
      flash(c, 'flash.notificationsRead');
      return c.redirect('/notifications', 303);
    }),
  );
}
