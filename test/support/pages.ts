import type { TestApi } from './harness.js';

export interface PageResponse {
  status: number;
  body: string;
  headers: Headers;
}

/**
 * The web pages over plain HTTP with a session cookie (the session cookie is the
 * token itself): no browser, redirects not followed, form posts from our origin.
 */
export function pageClient(api: Pick<TestApi, 'baseUrl'>) {
  return async function page(
    token: string | undefined,
    path: string,
    init: { method?: 'GET' | 'POST'; form?: Record<string, string> } = {},
  ): Promise<PageResponse> {
    const method = init.method ?? (init.form ? 'POST' : 'GET');
    const response = await fetch(`${api.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        ...(token ? { cookie: `st_session=${token}` } : {}),
        ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded', origin: api.baseUrl } : {}),
      },
      body: method === 'POST' ? new URLSearchParams(init.form ?? {}).toString() : undefined,
    });
    return { status: response.status, body: await response.text(), headers: response.headers };
  };
}
