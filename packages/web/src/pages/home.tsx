import type { Hono } from 'hono';
import type { OrgType } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import { readNotifications } from '@sharedtech/services';
import { Layout } from '../components/layout.js';
import { Empty, PageHeader, Section } from '../components/ui.js';
import { pageKit, render, type SignedInUi } from '../context.js';
import type { MessageKey } from '../i18n/index.js';
import { orgStatusLabel } from '../labels.js';
import { NotificationList } from './notifications.js';

interface Shortcut {
  href: string;
  title: MessageKey;
  text: MessageKey;
}

const CONTRACTS_SHORTCUT: Shortcut = { href: '/contracts', title: 'home.contracts', text: 'home.contractsText' };

/** Colleges and governments follow the contracts they are party to and browse the open requests. */
const PARTNER_SHORTCUTS: Shortcut[] = [CONTRACTS_SHORTCUT, { href: '/feed', title: 'home.studio.feed', text: 'home.browseText' }];

/** The first things each kind of organisation comes here to do. */
const SHORTCUTS: Record<OrgType, Shortcut[]> = {
  ENTERPRISE: [
    { href: '/requests/new', title: 'home.enterprise.post', text: 'home.enterprise.postText' },
    { href: '/requests', title: 'home.enterprise.requests', text: 'home.enterprise.requestsText' },
    CONTRACTS_SHORTCUT,
  ],
  STUDIO: [
    { href: '/feed', title: 'home.studio.feed', text: 'home.studio.feedText' },
    { href: '/bids', title: 'home.studio.bids', text: 'home.studio.bidsText' },
    CONTRACTS_SHORTCUT,
  ],
  COLLEGE: PARTNER_SHORTCUTS,
  GOVERNMENT: PARTNER_SHORTCUTS,
  ASSOCIATION: [
    { href: '/moderation/orgs', title: 'nav.verification', text: 'home.association.verificationText' },
    { href: '/moderation/requests', title: 'nav.review', text: 'home.association.reviewText' },
    { href: '/moderation/disputes', title: 'nav.disputes', text: 'home.association.disputesText' },
    { href: '/stats', title: 'nav.stats', text: 'home.association.statsText' },
  ],
};

async function HomePage({ ui, deps }: { ui: SignedInUi; deps: WebDeps }) {
  const { t, principal } = ui;
  const org = principal.org;
  if (!org) {
    return (
      <Layout ui={ui} title={t('home.title')}>
        <PageHeader title={t('home.welcome')} lead={t('home.noOrgLead', { sub: principal.sub })} />
        <div class="card">
          <p>{t('home.noOrgText')}</p>
          <a class="button primary" href="/org/new">
            {t('nav.registerOrg')}
          </a>
        </div>
      </Layout>
    );
  }
  const inbox = await readNotifications(deps, principal, { limit: 5 });
  return (
    <Layout ui={ui} title={t('home.title')} unread={inbox}>
      <PageHeader title={org.name} lead={t('home.signedInAs', { sub: principal.sub })} />
      {org.status !== 'VERIFIED' ? (
        <p class={org.status === 'PENDING' ? 'notice warn' : 'notice bad'} role="status">
          {t(`home.orgStatus.${org.status}`, { status: orgStatusLabel(ui, org.status) })}
          {org.statusReason ? ` ${t('common.reason')}: ${org.statusReason}` : ''}
        </p>
      ) : null}
      <ul class="list shortcuts">
        {SHORTCUTS[org.type].map((shortcut) => (
          <li class="item">
            <h2>
              <a href={shortcut.href}>{t(shortcut.title)}</a>
            </h2>
            <p class="muted">{t(shortcut.text)}</p>
          </li>
        ))}
      </ul>
      <Section title={t('home.latest')} actions={<a href="/notifications">{t('home.allNotifications')}</a>}>
        {inbox.items.length > 0 ? <NotificationList ui={ui} items={inbox.items} /> : <Empty>{t('notifications.empty')}</Empty>}
      </Section>
    </Layout>
  );
}

export function homePages(web: Hono, deps: WebDeps) {
  const { page } = pageKit(deps);
  web.get(
    '/',
    page(async (c, ui) => render(c, await HomePage({ ui, deps }))),
  );
}
