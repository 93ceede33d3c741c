import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { decode } from 'hono/jwt';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { NotFoundError, UnauthenticatedError, type Money, type Principal } from '@sharedtech/core';
import type { WebDeps } from './deps.js';
import { loadPrincipal } from '@sharedtech/services';
import { countUnreadNotifications, type UnreadCount } from '@sharedtech/services';
import { formatAmount, formatDate, formatDateTime } from './format.js';
import { DEFAULT_LOCALE, isLocale, isMessageKey, translator, type Locale, type MessageKey, type Translate } from './i18n/index.js';

export const SESSION_COOKIE = 'st_session';
export const LANG_COOKIE = 'st_lang';
const FLASH_COOKIE = 'st_flash';
const YEAR_SECONDS = 365 * 86_400;

/** Everything a page needs to render for this request: language, formatters, who is signed in. */
export interface Ui {
  locale: Locale;
  t: Translate;
  principal?: Principal;
  /** The URL of this request (for the language switch and the way back after sign-in). */
  url: URL;
  /** A one-time confirmation from the previous form post, already translated. */
  flash?: string;
  money: (value: Money) => string;
  dateTime: (iso: string) => string;
  date: (iso: string) => string;
  /**
   * The signed-in member's unread notifications, for the menu's badge. Read
   * only when a page renders the menu, at most once per request (a key read
   * and one bounded COUNT Query); absent for visitors without an organisation.
   */
  unreadNotifications?: () => Promise<UnreadCount>;
  /** The site's ICP recordal number for the footer, where the stage has one. */
  icpRecordNumber?: string;
}

export interface SignedInUi extends Ui {
  principal: Principal;
}

declare module 'hono' {
  interface ContextVariableMap {
    webUi: Ui;
    icpRecordNumber: string | undefined;
  }
}

export const isHttps = (c: Context) =>
  new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';

const cookieOptions = (c: Context) => ({ path: '/', httpOnly: true, secure: isHttps(c), sameSite: 'Lax' as const });

/** `?lang=` switches (and remembers) the language; otherwise the cookie; otherwise Chinese. */
function negotiateLocale(c: Context): Locale {
  const asked = c.req.query('lang');
  if (isLocale(asked)) {
    setCookie(c, LANG_COOKIE, asked, { ...cookieOptions(c), maxAge: YEAR_SECONDS });
    return asked;
  }
  const remembered = getCookie(c, LANG_COOKIE);
  return isLocale(remembered) ? remembered : DEFAULT_LOCALE;
}

/** Starts a session: the JWT itself, in an HTTP-only cookie that lives as long as the token. */
export function startSession(c: Context, token: string, now: Date) {
  const exp = (decode(token).payload as { exp?: unknown }).exp;
  const maxAge = typeof exp === 'number' ? Math.max(0, exp - Math.floor(now.getTime() / 1000)) : undefined;
  setCookie(c, SESSION_COOKIE, token, { ...cookieOptions(c), ...(maxAge !== undefined ? { maxAge } : {}) });
}

export const endSession = (c: Context) => deleteCookie(c, SESSION_COOKIE, cookieOptions(c));

/** Remembers a confirmation (a `flash.*` message key) for the page the browser is sent to next. */
export const flash = (c: Context, key: MessageKey & `flash.${string}`) => setCookie(c, FLASH_COOKIE, key, { ...cookieOptions(c), maxAge: 60 });

/** A lazy value: computed on the first call, shared by the later ones. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= load());
}

async function resolveUi(c: Context, deps: WebDeps): Promise<Ui> {
  const locale = negotiateLocale(c);
  const t = translator(locale);
  let principal: Principal | undefined;
  const token = getCookie(c, SESSION_COOKIE);
  if (token) {
    try {
      const { sub } = await deps.verifyToken(token);
      principal = await loadPrincipal(deps.db, sub);
    } catch (error) {
      if (!(error instanceof UnauthenticatedError)) throw error;
      endSession(c); // expired or forged: the visitor is simply signed out
    }
  }
  const flashKey = getCookie(c, FLASH_COOKIE);
  if (flashKey) deleteCookie(c, FLASH_COOKIE, cookieOptions(c));
  const ui: Ui = {
    locale,
    t,
    principal,
    url: new URL(c.req.url),
    flash: flashKey && flashKey.startsWith('flash.') && isMessageKey(flashKey) ? t(flashKey) : undefined,
    money: formatAmount,
    dateTime: (iso) => formatDateTime(iso, locale),
    date: (iso) => formatDate(iso, locale),
    unreadNotifications: principal?.membership && principal.org ? once(() => countUnreadNotifications(deps, principal)) : undefined,
    icpRecordNumber: deps.icpRecordNumber,
  };
  c.set('webUi', ui);
  return ui;
}

/** The language alone, for error pages rendered before (or without) a full `Ui`. */
export function fallbackUi(c: Context): Ui {
  const existing = c.get('webUi');
  if (existing) return existing;
  const remembered = getCookie(c, LANG_COOKIE);
  const asked = c.req.query('lang');
  const locale = isLocale(asked) ? asked : isLocale(remembered) ? remembered : DEFAULT_LOCALE;
  return {
    locale,
    t: translator(locale),
    url: new URL(c.req.url),
    money: formatAmount,
    dateTime: (iso) => formatDateTime(iso, locale),
    date: (iso) => formatDate(iso, locale),
    icpRecordNumber: c.get('icpRecordNumber'),
  };
}

/** Renders a page as a complete HTML document; pages carry personal data, so nothing is cached. */
export async function render(c: Context, node: JSX.Element, status: 200 | 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503 = 200) {
  c.header('Cache-Control', 'no-store');
  return c.html(`<!DOCTYPE html>${await node.toString()}`, status);
}

const PROBE_ORIGIN = 'http://same-site.invalid';

/**
 * A return path after sign-in, only ever on this site. Browsers drop tabs and
 * newlines and read a backslash as a slash, so prefix checks alone are not enough: the
 * value must be a plain path that resolves against our own origin.
 */
export function safeNext(value: string | undefined): string {
  if (!value || !value.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  try {
    const resolved = new URL(value, PROBE_ORIGIN);
    // Dot segments resolve away (`/.//host` becomes `//host`), so check what the browser would finally request.
    if (resolved.origin !== PROBE_ORIGIN || resolved.pathname.startsWith('//')) return '/';
    return `${resolved.pathname}${resolved.search}${resolved.hash}`;
  } catch {
    return '/';
  }
}

const signInRedirect = (c: Context) => {
  const url = new URL(c.req.url);
  return c.redirect(`/signin?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
};

export type PageHandler<U extends Ui = SignedInUi> = (c: Context, ui: U) => Promise<Response> | Response;

/**
 * Wrappers that give each page handler its `Ui`. Pages need a signed-in
 * visitor (or go to sign-in); actions are form posts and pass the CSRF
 * origin check first (same origin, by `Origin` or `Sec-Fetch-Site`).
 */
export function pageKit(deps: WebDeps) {
  const sameOrigin = csrf();
  return {
    /** A page anyone may open. */
    open: (handler: PageHandler<Ui>) => async (c: Context) => handler(c, await resolveUi(c, deps)),
    /** A page for signed-in visitors. */
    page: (handler: PageHandler) => async (c: Context) => {
      const ui = await resolveUi(c, deps);
      if (!ui.principal) return signInRedirect(c);
      return handler(c, ui as SignedInUi);
    },
    /** A form post from our own pages; anonymous posts go to sign-in. */
    action: (handler: PageHandler, options: { anonymous?: boolean } = {}) => async (c: Context) => {
      await sameOrigin(c, async () => {});
      const ui = await resolveUi(c, deps);
      if (!ui.principal && !options.anonymous) return signInRedirect(c);
      return handler(c, ui as SignedInUi);
    },
  };
}

/** The form fields of a posted `application/x-www-form-urlencoded` or multipart body, as strings. */
export async function formOf(c: Context): Promise<FormValues> {
  const body = await c.req.parseBody({ all: true });
  const values: FormValues = {};
  for (const [name, value] of Object.entries(body)) {
    const first = Array.isArray(value) ? value[0] : value;
    values[name] = typeof first === 'string' ? first : '';
  }
  return values;
}

export type FormValues = Record<string, string>;

/** A path parameter of the page's route (always present when the route matched). */
/** Every id in a page path is a prefixed ULID (`req_01J…`); anything else cannot exist, so it is a 404 before any read. */
const ID_IN_PATH = /^[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}$/;

export function pathParam(c: Context, name = 'id', pattern: RegExp = ID_IN_PATH): string {
  const value = c.req.param(name);
  if (!value || !pattern.test(value)) throw new NotFoundError('Page', c.req.path);
  return value;
}

/** A query parameter that must be one of `choices` (a status filter, say); anything else, or none, is `undefined`. */
export function queryChoice<T extends string>(c: Context, name: string, choices: readonly T[]): T | undefined {
  const value = c.req.query(name);
  return choices.includes(value as T) ? (value as T) : undefined;
}
