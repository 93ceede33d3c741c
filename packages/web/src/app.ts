import { Hono } from 'hono';
import type { WebDeps } from './deps.js';
import { APP_CSS, APP_JS, ASSET_VERSION } from './assets.js';
import { handleWebError, renderErrorPage } from './errors.js';
import { attachmentPages } from './pages/attachments.js';
import { auditPages } from './pages/audit.js';
import { bidPages } from './pages/bids.js';
import { contractPages } from './pages/contracts.js';
import { changePages } from './pages/changes.js';
import { disputePages } from './pages/disputes.js';
import { feedPages } from './pages/feed.js';
import { homePages } from './pages/home.js';
import { memberPages } from './pages/members.js';
import { moderationPages } from './pages/moderation.js';
import { notificationPages } from './pages/notifications.js';
import { organisationPages } from './pages/organisations.js';
import { orgProfilePages } from './pages/org-profile.js';
import { requestPages } from './pages/requests.js';
import { roleViewPages } from './pages/role-views.js';
import { sessionPages } from './pages/session.js';
import { statsPages } from './pages/stats.js';
import { councilPages } from './pages/council.js';
import { reviewPages } from './pages/reviews.js';
import { invitationPages } from './pages/invitations.js';
import { poolPages } from './pages/pools.js';
import { appointmentPages } from './pages/appointments.js';
import { resourcePages } from './pages/resources.js';
import { registrationPages } from './pages/registrations.js';
import { peoplePages } from './pages/people.js';
import { programmePages } from './pages/programmes.js';

const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The page policy, letting the page script reach the attachment storage's origin when it is another (S3). */
const pageCsp = (uploadOrigins: readonly string[] = []) =>
  uploadOrigins.length ? `${PAGE_CSP}; connect-src 'self' ${uploadOrigins.join(' ')}` : PAGE_CSP;

/** Paths that belong to the JSON API and tooling; their 404s stay JSON. */
const API_PATH = /^\/(v1|dev|openapi\.json|docs|health)(\/|$)/;

/**
 * The web pages: server-rendered `hono/jsx` over the same services the JSON
 * routes call, in-process. Mounted at `/` by `createApp`; errors on these
 * routes render as pages (this sub-app's `onError`), the API's stay JSON.
 */
export function createWebApp(deps: WebDeps) {
  const web = new Hono();

  // Pages run only our own script and stylesheet: an injected <script> or a foreign frame has nowhere to go.
  // (Inline style attributes remain allowed for a few layout tweaks; `/docs` is not a page and keeps its own rules.)
  const csp = pageCsp(deps.uploadOrigins);
  web.use('*', async function contentSecurityPolicy(c, next) {
    await next();
    if (c.res.headers.get('content-type')?.includes('text/html')) c.res.headers.set('Content-Security-Policy', csp);
  });

  // Error pages are rendered without the request's full context; they still carry the footer's recordal number.
  web.use('*', async function siteFacts(c, next) {
    c.set('icpRecordNumber', deps.icpRecordNumber);
    await next();
  });

  // A browser that asks for a page nobody serves gets a page, not the API's JSON 404.
  web.use('*', async function htmlNotFound(c, next) {
    await next();
    const wantsHtml = c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html');
    if (c.res.status === 404 && wantsHtml && !API_PATH.test(c.req.path) && !c.res.headers.get('content-type')?.includes('text/html')) {
      c.res = await renderErrorPage(c, 404);
    }
  });

  const asset = (body: string, type: string) => (c: import('hono').Context) => {
    // Versioned URLs: the content behind one URL never changes.
    c.header('Cache-Control', c.req.query('v') === ASSET_VERSION ? 'public, max-age=31536000, immutable' : 'no-cache');
    c.header('Content-Type', type);
    return c.body(body);
  };
  web.get('/assets/app.css', asset(APP_CSS, 'text/css; charset=utf-8'));
  web.get('/assets/app.js', asset(APP_JS, 'text/javascript; charset=utf-8'));

  sessionPages(web, deps);
  homePages(web, deps);
  organisationPages(web, deps);
  memberPages(web, deps);
  orgProfilePages(web, deps);
  requestPages(web, deps);
  feedPages(web, deps);
  bidPages(web, deps);
  contractPages(web, deps);
  changePages(web, deps);
  disputePages(web, deps);
  statsPages(web, deps);
  councilPages(web, deps);
  moderationPages(web, deps);
  auditPages(web, deps);
  notificationPages(web, deps);
  roleViewPages(web, deps);
  reviewPages(web, deps);
  invitationPages(web, deps);
  poolPages(web, deps);
  resourcePages(web, deps);
  appointmentPages(web, deps);
  peoplePages(web, deps);
  attachmentPages(web, deps);
  registrationPages(web, deps);
  programmePages(web, deps);

  web.onError((error, c) => handleWebError(error, c));
  return web;
}
