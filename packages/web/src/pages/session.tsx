import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { UnauthenticatedError } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import { loadPrincipal } from '@sharedtech/services';
import { DevTokenRequestSchema } from '@sharedtech/identity';
import { ErrorSummary, FormSubmit, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { PageHeader } from '../components/ui.js';
import { endSession, formOf, isHttps, pageKit, render, safeNext, startSession, type FormValues, type Ui } from '../context.js';
import { emptyForm, formState, handleForm, issue, parseInput, type FormState } from '../forms.js';
import { orgTypeLabel } from '../labels.js';
import { renderErrorPage } from '../errors.js';

const SIGN_IN_COOKIE = 'st_signin';

const randomToken = () => randomBytes(32).toString('base64url');
/** PKCE S256: the authorization server gets the hash now and the verifier only when the code is redeemed. */
const challengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const callbackUrl = (c: Context) => {
  const url = new URL(c.req.url);
  return `${isHttps(c) ? 'https:' : url.protocol}//${url.host}/auth/callback`;
};

const signInAttemptSchema = z.object({ state: z.string().min(20), verifier: z.string().min(43), next: z.string() });
function signInAttempt(cookie: string | undefined) {
  try {
    return cookie ? signInAttemptSchema.parse(JSON.parse(cookie)) : undefined;
  } catch {
    return undefined;
  }
}

/** Constant-time comparison of two strings of any length or script (hashed first, so the byte lengths always match). */
const sameText = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

interface DemoChoice {
  sub: string;
  label?: string;
}

/** Each demo identity with what it is, read from the data so the picker says who you will be. */
async function demoChoices(deps: WebDeps, ui: Ui): Promise<DemoChoice[]> {
  return Promise.all(
    (deps.demoIdentities ?? []).map(async (sub) => {
      const { org } = await loadPrincipal(deps.db, sub);
      return { sub, label: org ? `${org.name} · ${orgTypeLabel(ui, org.type)}` : undefined };
    }),
  );
}

function SignInPage({ ui, deps, form, choices }: { ui: Ui; deps: WebDeps; form: FormState; choices: DemoChoice[] }) {
  const t = ui.t;
  const selected = form.values.identity ?? choices[0]?.sub;
  return (
    <Layout ui={ui} title={t('signin.title')}>
      <div class="signin">
        <PageHeader title={t('signin.title')} lead={t('signin.lead')} />
        {deps.issueDevToken ? (
          <form method="post" action="/signin" class="stack card" novalidate>
            <ErrorSummary ui={ui} form={form} />
            <p class="notice">{t('signin.localNotice')}</p>
            <input type="hidden" name="next" value={form.values.next ?? '/'} />
            {choices.length > 0 ? (
              <fieldset>
                <legend>{t('signin.demoLegend')}</legend>
                <div class="choices">
                  {choices.map((choice) => (
                    <label class="choice">
                      <input type="radio" name="identity" value={choice.sub} checked={choice.sub === selected} />
                      <span>
                        <strong>{choice.sub}</strong>
                        <small>{choice.label ?? t('signin.noOrganisation')}</small>
                      </span>
                    </label>
                  ))}
                </div>
              </fieldset>
            ) : null}
            <TextInput ui={ui} form={form} name="other" label={t('signin.other')} hint={t('signin.otherHint')} autocomplete="username" maxlength={128} />
            <FormSubmit label={t('signin.submit')} variant="primary" />
          </form>
        ) : (
          <div class="card stack">
            {deps.hostedSignIn ? (
              <p>
                <a class="button primary" href={`/auth/start?next=${encodeURIComponent(form.values.next ?? '/')}`}>
                  {t('signin.hosted')}
                </a>
              </p>
            ) : (
              <p class="notice warn">{t('signin.unavailable')}</p>
            )}
          </div>
        )}
      </div>
    </Layout>
  );
}

/** Sign-in (local picker or hosted UI), the hosted UI's callback, and sign-out. */
export function sessionPages(web: Hono, deps: WebDeps) {
  const { open, action } = pageKit(deps);

  web.get(
    '/signin',
    open(async (c, ui) => {
      if (ui.principal) return c.redirect(safeNext(c.req.query('next')), 303);
      const form = emptyForm({ next: safeNext(c.req.query('next')) });
      return render(c, <SignInPage ui={ui} deps={deps} form={form} choices={await demoChoices(deps, ui)} />);
    }),
  );

  web.post(
    '/signin',
    action(
      async (c, ui) => {
        const values: FormValues = await formOf(c);
        const issueDevToken = deps.issueDevToken;
        if (!issueDevToken) throw new UnauthenticatedError('Sign in with the hosted sign-in page.');
        const fields = ['identity', 'other'];
        return handleForm(
          async () => {
            const typed = values.other?.trim();
            const sub = typed || values.identity?.trim() || '';
            const { sub: checked } = parseInput(DevTokenRequestSchema, { sub }, sub ? [] : [issue('identity', 'REQUIRED')]);
            startSession(c, await issueDevToken(checked), deps.clock());
            return c.redirect(safeNext(values.next), 303);
          },
          async (issues) => {
            // The identity typed into the free field is what was checked; put its message there.
            const placed = issues.map((item) => (item.path === 'sub' ? { ...item, path: values.other?.trim() ? 'other' : 'identity' } : item));
            const form = formState(ui, values, placed, fields);
            return render(c, <SignInPage ui={ui} deps={deps} form={form} choices={await demoChoices(deps, ui)} />, 400);
          },
        );
      },
      { anonymous: true },
    ),
  );

  // Hosted sign-in: authorization code with PKCE. The verifier, state and return path wait in a short-lived,
  // HTTP-only cookie scoped to /auth, so only the browser that started the sign-in can finish it.
  web.get(
    '/auth/start',
    open(async (c) => {
      const hosted = deps.hostedSignIn;
      if (!hosted) throw new UnauthenticatedError('This site has no hosted sign-in; use the sign-in page.');
      const attempt = { state: randomToken(), verifier: randomToken(), next: safeNext(c.req.query('next')) };
      setCookie(c, SIGN_IN_COOKIE, JSON.stringify(attempt), { path: '/auth', httpOnly: true, secure: isHttps(c), sameSite: 'Lax', maxAge: 600 });
      return c.redirect(hosted.authorizeUrl({ redirectUri: callbackUrl(c), state: attempt.state, codeChallenge: challengeOf(attempt.verifier) }), 302);
    }),
  );

  web.get(
    '/auth/callback',
    open(async (c) => {
      const hosted = deps.hostedSignIn;
      const attempt = signInAttempt(getCookie(c, SIGN_IN_COOKIE));
      deleteCookie(c, SIGN_IN_COOKIE, { path: '/auth', secure: isHttps(c) });
      const code = c.req.query('code');
      // A forged, replayed or stale callback gets the sign-in-again page, not a loop back to sign-in with it as `next`.
      if (!hosted || !attempt || !code || !sameText(c.req.query('state') ?? '', attempt.state)) return renderErrorPage(c, 401);
      try {
        const token = await hosted.exchangeCode({ code, redirectUri: callbackUrl(c), codeVerifier: attempt.verifier });
        await deps.verifyToken(token);
        startSession(c, token, deps.clock());
      } catch (error) {
        if (error instanceof UnauthenticatedError) return renderErrorPage(c, 401);
        throw error;
      }
      return c.redirect(safeNext(attempt.next), 303);
    }),
  );

  web.post(
    '/signout',
    action(
      async (c) => {
        endSession(c);
        // Deployed, the hosted UI keeps its own session: end it too, or the next "sign in" on a shared
        // computer would silently be the previous person.
        const signInPage = new URL('/signin', callbackUrl(c)).toString();
        return c.redirect(deps.hostedSignIn ? deps.hostedSignIn.logoutUrl({ redirectUri: signInPage }) : '/signin', 303);
      },
      { anonymous: true },
    ),
  );
}
