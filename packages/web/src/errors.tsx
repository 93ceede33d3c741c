import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError, UnauthenticatedError, ValidationError } from '@sharedtech/core';
import { Layout } from './components/layout.js';
import { fallbackUi, render, type Ui } from './context.js';
import { issueMessage, issuesOf } from './forms.js';
import { errorMessage } from './labels.js';

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503;
const KNOWN: readonly ErrorStatus[] = [400, 401, 403, 404, 409, 413, 422, 429, 500, 503];
const asStatus = (status: number): ErrorStatus => (KNOWN.includes(status as ErrorStatus) ? (status as ErrorStatus) : 500);

/** A whole page saying what went wrong, in the visitor's language, with a way onwards. */
export function ErrorPage({ ui, status, message, details }: { ui: Ui; status: ErrorStatus; message?: string; details?: string[] }) {
  const t = ui.t;
  return (
    <Layout ui={ui} title={t(`errorPage.${status}.title`)} unread={false}>
      <div class="error-page card" data-error-status={status}>
        <p class="code" aria-hidden="true">
          {status}
        </p>
        <h1>{t(`errorPage.${status}.title`)}</h1>
        <p class="lead">{message ?? t(`errorPage.${status}.text`)}</p>
        {details && details.length > 0 ? (
          <ul class="error-details">
            {details.map((detail) => (
              <li>{detail}</li>
            ))}
          </ul>
        ) : null}
        <p class="form-actions" style="justify-content:center">
          {status === 401 || !ui.principal ? (
            <a class="button primary" href={`/signin?next=${encodeURIComponent(ui.url.pathname)}`}>
              {t('errorPage.signIn')}
            </a>
          ) : null}
          {ui.principal && !ui.principal.membership ? (
            <a class="button primary" href="/org/new">
              {t('nav.registerOrg')}
            </a>
          ) : null}
          <a class="button secondary" href="/">
            {t('errorPage.home')}
          </a>
        </p>
      </div>
    </Layout>
  );
}

export const renderErrorPage = (c: Context, status: ErrorStatus, message?: string, details?: string[]) => {
  const ui = fallbackUi(c);
  return render(c, <ErrorPage ui={ui} status={status} message={message} details={details} />, status);
};

/**
 * The pages' `onError`: domain errors become their status with the service's
 * message (translated when its code is known); a lost session on a page view
 * goes to sign-in; anything unexpected is logged and shown as a plain 500.
 */
export async function handleWebError(error: Error, c: Context, log: (message: string, error: unknown) => void = console.error) {
  const ui = fallbackUi(c);
  if (error instanceof UnauthenticatedError && c.req.method === 'GET') {
    return c.redirect(`/signin?next=${encodeURIComponent(ui.url.pathname + ui.url.search)}`, 303);
  }
  if (error instanceof ValidationError) {
    return renderErrorPage(c, 400, errorMessage(ui, error), issuesOf(error).map((issue) => `${issue.path}: ${issueMessage(ui, issue)}`));
  }
  if (error instanceof DomainError) return renderErrorPage(c, asStatus(error.status), errorMessage(ui, error));
  if (error instanceof HTTPException) return renderErrorPage(c, asStatus(error.status));
  log('Unhandled error on a page', error);
  return renderErrorPage(c, 500);
}
