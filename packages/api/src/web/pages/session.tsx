import type { Hono } from 'hono';
import { UnauthenticatedError } from '@sharedtech/core';
import type { AppDeps } from '../../deps.js';
import { loadPrincipal } from '../../middleware/auth.js';
import { DevTokenRequestSchema } from '../../routes/dev.js';
import { ErrorSummary, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { PageHeader } from '../components/ui.js';
import { endSession, formOf, pageKit, render, safeNext, startSession, type FormValues, type Ui } from '../context.js';
import { emptyForm, formState, handleForm, issue, parseInput, type FormState } from '../forms.js';
import { orgTypeLabel } from '../labels.js';

interface DemoChoice {
  sub: string;
  label?: string;
}

/** Each demo identity with what it is, read from the data so the picker says who you will be. */
async function demoChoices(deps: AppDeps, ui: Ui): Promise<DemoChoice[]> {
  return Promise.all(
    (deps.demoIdentities ?? []).map(async (sub) => {
      const { org } = await loadPrincipal(deps.db, sub);
      return { sub, label: org ? `${org.name} · ${orgTypeLabel(ui, org.type)}` : undefined };
    }),
  );
}

function SignInPage({ ui, deps, form, choices }: { ui: Ui; deps: AppDeps; form: FormState; choices: DemoChoice[] }) {
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
            <div class="form-actions">
              <button type="submit" class="button primary">
                {t('signin.submit')}
              </button>
            </div>
          </form>
        ) : (
          <div class="card stack">
            {deps.signInUrl ? (
              <p>
                <a class="button primary" href={deps.signInUrl}>
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

/** After the hosted sign-in, the token arrives in the URL fragment; the script posts it here to start the session. */
function CallbackPage({ ui }: { ui: Ui }) {
  return (
    <Layout ui={ui} title={ui.t('signin.title')}>
      <div class="signin card">
        <form id="token-callback" method="post" action="/auth/callback">
          <input type="hidden" name="token" value="" />
          <p>{ui.t('signin.finishing')}</p>
          <noscript>
            <p class="notice warn">{ui.t('signin.needsScript')}</p>
          </noscript>
        </form>
      </div>
    </Layout>
  );
}

/** Sign-in (local picker or hosted UI), the hosted UI's callback, and sign-out. */
export function sessionPages(web: Hono, deps: AppDeps) {
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

  web.get(
    '/auth/callback',
    open((c, ui) => render(c, <CallbackPage ui={ui} />)),
  );

  web.post(
    '/auth/callback',
    action(
      async (c) => {
        const { token } = await formOf(c);
        if (!token) throw new UnauthenticatedError();
        await deps.verifyToken(token);
        startSession(c, token, deps.clock());
        return c.redirect('/', 303);
      },
      { anonymous: true },
    ),
  );

  web.post(
    '/signout',
    action(
      async (c) => {
        endSession(c);
        return c.redirect('/signin', 303);
      },
      { anonymous: true },
    ),
  );
}
