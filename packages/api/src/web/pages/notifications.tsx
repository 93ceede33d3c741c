import type { Hono } from 'hono';
import type { AppDeps } from '../../deps.js';
import { readNotifications } from '../../services/audit.js';
import { Layout } from '../components/layout.js';
import { Empty, PageHeader, Pager, Time } from '../components/ui.js';
import { pageKit, render, type Ui } from '../context.js';
import { entityHref, notificationText } from '../labels.js';

/** A notification as the inbox service returns it. */
export interface NotificationView {
  id: string;
  type: string;
  entity: { type: string; id: string };
  params: Record<string, string | number>;
  at: string;
}

export function NotificationList({ ui, items }: { ui: Ui; items: NotificationView[] }) {
  return (
    <ul class="list notifications">
      {items.map((notification) => {
        const href = entityHref(notification.entity);
        const text = notificationText(ui, notification);
        return (
          <li class="item" data-type={notification.type}>
            <p style="margin:0">{href ? <a href={href}>{text}</a> : text}</p>
            <p class="item-meta">
              <Time ui={ui} iso={notification.at} />
            </p>
          </li>
        );
      })}
    </ul>
  );
}

export function notificationPages(web: Hono, deps: AppDeps) {
  const { page } = pageKit(deps);
  web.get(
    '/notifications',
    page(async (c, ui) => {
      const inbox = await readNotifications(deps, ui.principal, { cursor: c.req.query('cursor') });
      return render(
        c,
        <Layout ui={ui} title={ui.t('notifications.title')}>
          <PageHeader title={ui.t('notifications.title')} lead={ui.t('notifications.lead')} />
          {inbox.items.length > 0 ? <NotificationList ui={ui} items={inbox.items} /> : <Empty>{ui.t('notifications.empty')}</Empty>}
          <Pager ui={ui} nextCursor={inbox.nextCursor} />
        </Layout>,
      );
    }),
  );
}
