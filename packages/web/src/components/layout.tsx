import type { Child, FC } from 'hono/jsx';
import { COUNCIL_TYPES, type OrgType } from '@sharedtech/core';
import type { UnreadCount } from '@sharedtech/services';
import { ASSET_VERSION } from '../assets.js';
import type { Ui } from '../context.js';
import { LOCALES, type Locale, type MessageKey } from '../i18n/index.js';
import { orgTypeLabel } from '../labels.js';

interface NavItem {
  href: string;
  key: MessageKey;
  /** The entry shows how many notifications the visitor has not read. */
  unreadBadge?: true;
}

const notifications: NavItem = { href: '/notifications', key: 'nav.notifications', unreadBadge: true };
const contracts: NavItem = { href: '/contracts', key: 'nav.contracts' };
const feed: NavItem = { href: '/feed', key: 'nav.feed' };
const accounts: NavItem = { href: '/accounts', key: 'nav.accounts' };
const funding: NavItem = { href: '/funding', key: 'nav.funding' };
const collegeStudios: NavItem = { href: '/org/studios', key: 'nav.collegeStudios' };
const collegeBids: NavItem = { href: '/college/bids', key: 'nav.collegeBids' };
const registrations: NavItem = { href: '/registrations', key: 'nav.registrations' };

/** What each kind of organisation does here decides its menu (PRODUCT.md §1). */
const NAV: Record<OrgType, NavItem[]> = {
  ENTERPRISE: [
    { href: '/requests', key: 'nav.myRequests' },
    { href: '/requests/new', key: 'nav.postRequest' },
    feed,
    contracts,
    accounts,
    notifications,
  ],
  STUDIO: [feed, { href: '/bids', key: 'nav.myBids' }, { href: '/invitations', key: 'nav.invitations' }, contracts, accounts, notifications],
  COLLEGE: [feed, collegeStudios, collegeBids, contracts, accounts, notifications],
  GOVERNMENT: [feed, funding, contracts, accounts, notifications],
  ASSOCIATION: [
    { href: '/moderation/orgs', key: 'nav.verification' },
    { href: '/moderation/requests', key: 'nav.review' },
    { href: '/moderation/disputes', key: 'nav.disputes' },
    contracts,
    feed,
    { href: '/stats', key: 'nav.stats' },
    { href: '/audit', key: 'nav.audit' },
    notifications,
  ],
};

/** Shared resources and talent mutual employment (issue 14): every kind of organisation uses them. */
const CONSORTIUM_NAV: NavItem[] = [
  { href: '/resources', key: 'nav.resources' },
  { href: '/appointments', key: 'nav.appointments' },
  { href: '/programmes', key: 'nav.programmes' },
];

/** The council's dashboard (issue 14): for the council's members (associations, government bodies, colleges). */
const COUNCIL_NAV: NavItem = { href: '/council', key: 'nav.council' };
/** People and education outcomes (issue 14): rosters for the organisations that keep one, the college's student records. */
const EDUCATION_NAV: Partial<Record<OrgType, NavItem[]>> = {
  ENTERPRISE: [{ href: '/people', key: 'nav.people' }],
  STUDIO: [{ href: '/people', key: 'nav.people' }],
  COLLEGE: [{ href: '/people', key: 'nav.people' }, { href: '/college/student-records', key: 'nav.studentRecords' }],
};

const navFor = (ui: Ui): NavItem[] => {
  const org = ui.principal?.org;
  if (!ui.principal) return [];
  if (!org) return [{ href: '/org/new', key: 'nav.registerOrg' }, feed];
  return [
    ...NAV[org.type],
    ...CONSORTIUM_NAV,
    ...(COUNCIL_TYPES.includes(org.type) ? [COUNCIL_NAV] : []),
    ...(org.type === 'ASSOCIATION' || org.type === 'COLLEGE' ? [registrations] : []),
    ...(EDUCATION_NAV[org.type] ?? []),
  ];
};

/** The longest menu entry that prefixes the path is the current one, so /requests/new is not also /requests. */
function currentHref(items: NavItem[], path: string): string | undefined {
  return items
    .map((item) => item.href)
    .filter((href) => path === href || path.startsWith(`${href}/`))
    .sort((a, b) => b.length - a.length)[0];
}

/** The same page in another language: the query is kept, `lang` replaced. */
function languageHref(ui: Ui, locale: Locale): string {
  const url = new URL(ui.url);
  url.searchParams.set('lang', locale);
  return `${url.pathname}${url.search}`;
}

const LANGUAGE_NAMES: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' };

const LanguageSwitch: FC<{ ui: Ui }> = ({ ui }) => (
  <nav class="lang" aria-label={ui.t('nav.language')}>
    {LOCALES.map((locale) =>
      locale === ui.locale ? (
        <span aria-current="true" lang={locale}>
          {LANGUAGE_NAMES[locale]}
        </span>
      ) : (
        <a href={languageHref(ui, locale)} lang={locale} hreflang={locale}>
          {LANGUAGE_NAMES[locale]}
        </a>
      ),
    )}
  </nav>
);

const Account: FC<{ ui: Ui }> = ({ ui }) => {
  const principal = ui.principal;
  if (!principal) return null;
  return (
    <div class="account">
      <span class="who">
        {principal.org ? (
          <a href="/org">
            {principal.org.name}
            <span class="muted"> · {orgTypeLabel(ui, principal.org.type)}</span>
          </a>
        ) : (
          <span>{principal.sub}</span>
        )}
      </span>
      <a href="/me/export" download data-my-data>
        {ui.t('nav.myData')}
      </a>
      <form method="post" action="/signout" class="inline-form">
        <button type="submit" class="link-button">
          {ui.t('nav.signOut')}
        </button>
      </form>
    </div>
  );
};

/**
 * The unread count beside "Notifications": a badge for the eye (aria-hidden)
 * and the same number in words for screen readers. Nothing when all is read.
 */
const UnreadBadge: FC<{ ui: Ui; unread?: UnreadCount | false }> = async ({ ui, unread }) => {
  const counted = unread === false ? undefined : (unread ?? (await ui.unreadNotifications?.()));
  if (!counted || counted.unreadCount === 0) return null;
  const count = counted.unreadCountCapped ? `${counted.unreadCount}+` : String(counted.unreadCount);
  return (
    <span class="nav-badge" data-unread-count={count}>
      <span aria-hidden="true">{count}</span>
      <span class="visually-hidden">{ui.t('nav.unread', { count })}</span>
    </span>
  );
};

/** Where mainland-China sites link their ICP recordal number (the MIIT registry). */
export const ICP_REGISTRY = 'https://beian.miit.gov.cn/';

/**
 * The page frame every page shares: language, header with menu, flash message, footer.
 * `unread` is the menu badge's count when the page has read it already; `false`
 * leaves the badge out (error pages: the database may be what failed).
 */
export const Layout: FC<{ ui: Ui; title: string; children: Child; unread?: UnreadCount | false }> = ({ ui, title, children, unread }) => {
  const items = navFor(ui);
  const current = currentHref(items, ui.url.pathname);
  return (
    <html lang={ui.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{`${title} · ${ui.t('app.name')}`}</title>
        <link rel="stylesheet" href={`/assets/app.css?v=${ASSET_VERSION}`} />
        <script src={`/assets/app.js?v=${ASSET_VERSION}`} defer />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {ui.t('nav.skip')}
        </a>
        <header class="site-header">
          <div class="bar">
            <a class="brand" href="/">
              <span class="brand-mark" aria-hidden="true">
                共
              </span>
              <span>{ui.t('app.name')}</span>
            </a>
            <LanguageSwitch ui={ui} />
            <Account ui={ui} />
          </div>
          {items.length > 0 ? (
            <nav class="main-nav" aria-label={ui.t('nav.main')}>
              <ul>
                {items.map((item) => (
                  <li>
                    <a href={item.href} aria-current={item.href === current ? 'page' : undefined}>
                      {ui.t(item.key)}
                      {item.unreadBadge ? <UnreadBadge ui={ui} unread={unread} /> : null}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
        </header>
        <main id="main" tabindex={-1}>
          {ui.flash ? (
            <p class="flash" role="status">
              {ui.flash}
            </p>
          ) : null}
          {children}
        </main>
        <footer class="site-footer">
          <p>{ui.t('footer.consortium')}</p>
          <p>{ui.t('footer.timezone')}</p>
          {ui.icpRecordNumber ? (
            <p>
              <a href={ICP_REGISTRY} rel="noopener" target="_blank">
                {ui.icpRecordNumber}
              </a>
            </p>
          ) : null}
        </footer>
      </body>
    </html>
  );
};
