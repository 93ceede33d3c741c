import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError, UnauthenticatedError } from '@sharedtech/core';
import { cognitoHostedSignIn } from './tokens.js';

/** A stand-in for the pool domain's token endpoint (no network): records the request, answers as told. */
function tokenEndpoint(answer: () => Response | Promise<Response>) {
  const calls: { url: string; body: URLSearchParams; contentType: string | null }[] = [];
  const fetchStub = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), body: new URLSearchParams(String(init?.body)), contentType: new Headers(init?.headers).get('content-type') });
    return answer();
  }) as typeof fetch;
  return { calls, fetch: fetchStub };
}

const baseUrl = 'https://sharedtech-dev.auth.cn-north-1.amazoncognito.com/';

describe('cognitoHostedSignIn', () => {
  it('builds the authorize URL of the code flow with PKCE', () => {
    const hosted = cognitoHostedSignIn({ baseUrl, clientId: 'client-1' });
    const url = new URL(hosted.authorizeUrl({ redirectUri: 'https://market.example/auth/callback', state: 's1', codeChallenge: 'c1' }));
    expect(`${url.origin}${url.pathname}`).toBe('https://sharedtech-dev.auth.cn-north-1.amazoncognito.com/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://market.example/auth/callback',
      scope: 'openid email profile',
      state: 's1',
      code_challenge: 'c1',
      code_challenge_method: 'S256',
    });
  });

  it('builds the logout URL that ends the hosted session and returns to the site', () => {
    const hosted = cognitoHostedSignIn({ baseUrl, clientId: 'client-1' });
    const url = new URL(hosted.logoutUrl({ redirectUri: 'https://market.example/signin' }));
    expect(`${url.origin}${url.pathname}`).toBe('https://sharedtech-dev.auth.cn-north-1.amazoncognito.com/logout');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'client-1', logout_uri: 'https://market.example/signin' });
  });

  it('redeems the code at the token endpoint with the verifier and returns the ID token', async () => {
    const endpoint = tokenEndpoint(() => Response.json({ id_token: 'id.token.value', access_token: 'a', token_type: 'Bearer' }));
    const hosted = cognitoHostedSignIn({ baseUrl, clientId: 'client-1', fetch: endpoint.fetch });
    const token = await hosted.exchangeCode({ code: 'code-1', redirectUri: 'https://market.example/auth/callback', codeVerifier: 'v'.repeat(43) });
    expect(token).toBe('id.token.value');
    expect(endpoint.calls).toHaveLength(1);
    expect(endpoint.calls[0]!.url).toBe('https://sharedtech-dev.auth.cn-north-1.amazoncognito.com/oauth2/token');
    expect(endpoint.calls[0]!.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(endpoint.calls[0]!.body)).toEqual({
      grant_type: 'authorization_code',
      client_id: 'client-1',
      code: 'code-1',
      redirect_uri: 'https://market.example/auth/callback',
      code_verifier: 'v'.repeat(43),
    });
  });

  it('answers 401 for a refused code and 503 when the endpoint fails or does not answer', async () => {
    const exchange = (answer: () => Response | Promise<Response>) =>
      cognitoHostedSignIn({ baseUrl, clientId: 'c', fetch: tokenEndpoint(answer).fetch }).exchangeCode({ code: 'x', redirectUri: 'https://m/auth/callback', codeVerifier: 'v' });
    await expect(exchange(() => Response.json({ error: 'invalid_grant' }, { status: 400 }))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(exchange(() => Response.json({ access_token: 'only' }))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(exchange(() => new Response('busy', { status: 503 }))).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(exchange(() => Promise.reject(new TypeError('fetch failed')))).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
