import { describe, expect, it } from 'vitest';
import { createIdGenerator } from '@sharedtech/core';
import type { Db } from '@sharedtech/data';
import { createWebApp } from './app.js';
import { createHash } from 'node:crypto';
import type { WebDeps } from './deps.js';
import type { HostedSignIn } from '@sharedtech/identity';
import { localTokens } from '@sharedtech/identity';

// Prepare: the sign-in paths touch no table until a session exists, so no database is needed here.
const tokens = localTokens('unit-test-secret-unit-test-secret');
const unusedDb = new Proxy({}, { get: () => { throw new Error('no database in this test'); } }) as Db;
const localDeps: WebDeps = {
  db: unusedDb,
  clock: () => new Date(),
  ids: createIdGenerator(),
  verifyToken: tokens.verifyToken,
  issueDevToken: tokens.issueDevToken,
};
const form = (values: Record<string, string>) => new URLSearchParams(values).toString();
const post = (app: ReturnType<typeof createWebApp>, url: string, headers: Record<string, string>, body: string) =>
  app.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });

describe('web session cookie', () => {
  it('is HTTP-only, SameSite=Lax and Secure when the site is served over https', async () => {
    const app = createWebApp(localDeps);
    const response = await post(app, 'https://market.example/signin', { origin: 'https://market.example' }, form({ identity: 'demo-studio', next: '/feed' }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/feed');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^st_session=[\w-]+\.[\w-]+\.[\w-]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toMatch(/Max-Age=4320\d/); // the dev token's twelve hours
    expect((await tokens.verifyToken(cookie.split(';')[0]!.split('=')[1]!)).sub).toBe('demo-studio');
  });

  it('is Secure behind a TLS-terminating proxy, and not on plain http', async () => {
    const app = createWebApp(localDeps);
    const proxied = await post(app, 'http://market.example/signin', { origin: 'http://market.example', 'x-forwarded-proto': 'https' }, form({ other: 'someone-new' }));
    expect(proxied.headers.get('set-cookie')).toContain('Secure');
    const plain = await post(app, 'http://127.0.0.1:3000/signin', { origin: 'http://127.0.0.1:3000' }, form({ other: 'someone-new' }));
    expect(plain.headers.get('set-cookie')).not.toContain('Secure');
  });

  it('never redirects off the site after sign-in', async () => {
    const app = createWebApp(localDeps);
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', '/.//evil.example', '/..//evil.example', '/a/..//evil.example']) {
      const response = await post(app, 'http://127.0.0.1/signin', { origin: 'http://127.0.0.1' }, form({ identity: 'demo-studio', next }));
      expect(response.headers.get('location'), next).toBe('/');
    }
    // A path on this site survives, query included.
    const kept = await post(app, 'http://127.0.0.1/signin', { origin: 'http://127.0.0.1' }, form({ identity: 'demo-studio', next: '/requests/req_1?tab=bids' }));
    expect(kept.headers.get('location')).toBe('/requests/req_1?tab=bids');
  });

  it('refuses a form posted from another site with a 403 page', async () => {
    const app = createWebApp(localDeps);
    const response = await post(app, 'http://127.0.0.1/signin', { origin: 'https://evil.example' }, form({ identity: 'demo-studio' }));
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('shows a message beside the identity field when it is not a valid identity', async () => {
    const app = createWebApp(localDeps);
    const response = await post(app, 'http://127.0.0.1/signin', { origin: 'http://127.0.0.1' }, form({ other: 'has spaces!' }));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('id="f-other-error"');
    expect(html).toContain('aria-describedby="f-other-hint f-other-error"');
    expect(html).toContain('只能使用字母、数字及 . _ @ : -');
  });

  describe('deployed: hosted sign-in with the authorization code and PKCE', () => {
    // Prepare: a stand-in authorization server that remembers the challenge and hands out a token for the right verifier.
    const exchanges: { code: string; redirectUri: string; codeVerifier: string }[] = [];
    const hostedSignIn: HostedSignIn = {
      authorizeUrl: ({ redirectUri, state, codeChallenge }) =>
        `https://auth.market.example/oauth2/authorize?${new URLSearchParams({ redirect_uri: redirectUri, state, code_challenge: codeChallenge })}`,
      logoutUrl: ({ redirectUri }) => `https://auth.market.example/logout?${new URLSearchParams({ logout_uri: redirectUri })}`,
      exchangeCode: async (input) => {
        exchanges.push(input);
        return tokens.issueDevToken('cognito-user');
      },
    };
    const { issueDevToken: _none, ...withoutDevTokens } = localDeps;
    const app = createWebApp({ ...withoutDevTokens, hostedSignIn });

    async function start() {
      const started = await app.request('https://market.example/auth/start?next=/contracts');
      const location = new URL(started.headers.get('location') ?? '');
      const cookie = (started.headers.get('set-cookie') ?? '').split(';')[0]!;
      return { started, location, cookie, state: location.searchParams.get('state') ?? '' };
    }

    it('links to the hosted sign-in and offers no picker or dev sign-in', async () => {
      const html = await (await app.request('https://market.example/signin?lang=en&next=/feed')).text();
      expect(html).toContain('href="/auth/start?next=%2Ffeed"');
      expect(html).toContain('<html lang="en">');
      expect(html).not.toContain('name="identity"');
      expect((await post(app, 'https://market.example/signin', { origin: 'https://market.example' }, form({ other: 'x' }))).status).toBe(401);
    });

    it('sends the browser to the authorize URL with a state and an S256 challenge kept in a short-lived cookie', async () => {
      const { started, location } = await start();
      expect(started.status).toBe(302);
      expect(location.origin).toBe('https://auth.market.example');
      expect(location.searchParams.get('redirect_uri')).toBe('https://market.example/auth/callback');
      expect(location.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      const cookie = started.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^st_signin=/);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('Secure');
      expect(cookie).toContain('Path=/auth');
      expect(cookie).toContain('Max-Age=600');
    });

    it('redeems the code with the verifier that matches the challenge and starts the session', async () => {
      const { location, cookie, state } = await start();
      const finished = await app.request(`https://market.example/auth/callback?code=abc123&state=${state}`, { headers: { cookie } });
      expect(finished.status).toBe(303);
      expect(finished.headers.get('location')).toBe('/contracts');
      expect(finished.headers.get('set-cookie')).toMatch(/st_session=[\w-]+\.[\w-]+\.[\w-]+;/);
      const exchange = exchanges.at(-1)!;
      expect(exchange).toMatchObject({ code: 'abc123', redirectUri: 'https://market.example/auth/callback' });
      expect(createHash('sha256').update(exchange.codeVerifier).digest('base64url')).toBe(location.searchParams.get('code_challenge'));
    });

    it('refuses a callback with another state, or without the cookie, and redeems nothing', async () => {
      const before = exchanges.length;
      const { cookie } = await start();
      const forged = await app.request('https://market.example/auth/callback?code=abc123&state=not-the-state-we-sent-xx', { headers: { cookie } });
      expect(forged.status).toBe(401);
      expect(forged.headers.get('set-cookie') ?? '').not.toContain('st_session=ey');
      const { state } = await start();
      expect((await app.request(`https://market.example/auth/callback?code=abc123&state=${state}`)).status).toBe(401);
      // A state of another length or script is refused the same way, never a 500.
      const again = await start();
      const odd = await app.request(`https://market.example/auth/callback?code=abc123&state=${encodeURIComponent('ä'.repeat(43))}`, { headers: { cookie: again.cookie } });
      expect(odd.status).toBe(401);
      expect(exchanges.length).toBe(before);
    });

    it('signs out of the hosted UI too, coming back to the sign-in page', async () => {
      const response = await post(app, 'https://market.example/signout', { origin: 'https://market.example' }, '');
      expect(response.status).toBe(303);
      const location = new URL(response.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).toBe('https://auth.market.example/logout');
      expect(location.searchParams.get('logout_uri')).toBe('https://market.example/signin');
      expect(response.headers.get('set-cookie')).toMatch(/st_session=;/);
    });
  });
});
