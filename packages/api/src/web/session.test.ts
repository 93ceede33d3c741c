import { describe, expect, it } from 'vitest';
import { createIdGenerator } from '@sharedtech/core';
import type { Db } from '@sharedtech/data';
import { createApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { localTokens } from '../tokens.js';

// Prepare: the sign-in paths touch no table until a session exists, so no database is needed here.
const tokens = localTokens('unit-test-secret-unit-test-secret');
const unusedDb = new Proxy({}, { get: () => { throw new Error('no database in this test'); } }) as Db;
const localDeps: AppDeps = {
  db: unusedDb,
  clock: () => new Date(),
  ids: createIdGenerator(),
  verifyToken: tokens.verifyToken,
  issueDevToken: tokens.issueDevToken,
};
const form = (values: Record<string, string>) => new URLSearchParams(values).toString();
const post = (app: ReturnType<typeof createApp>, url: string, headers: Record<string, string>, body: string) =>
  app.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });

describe('web session cookie', () => {
  it('is HTTP-only, SameSite=Lax and Secure when the site is served over https', async () => {
    const app = createApp(localDeps);
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
    const app = createApp(localDeps);
    const proxied = await post(app, 'http://market.example/signin', { origin: 'http://market.example', 'x-forwarded-proto': 'https' }, form({ other: 'someone-new' }));
    expect(proxied.headers.get('set-cookie')).toContain('Secure');
    const plain = await post(app, 'http://127.0.0.1:3000/signin', { origin: 'http://127.0.0.1:3000' }, form({ other: 'someone-new' }));
    expect(plain.headers.get('set-cookie')).not.toContain('Secure');
  });

  it('never redirects off the site after sign-in', async () => {
    const app = createApp(localDeps);
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const response = await post(app, 'http://127.0.0.1/signin', { origin: 'http://127.0.0.1' }, form({ identity: 'demo-studio', next }));
      expect(response.headers.get('location'), next).toBe('/');
    }
  });

  it('refuses a form posted from another site with a 403 page', async () => {
    const app = createApp(localDeps);
    const response = await post(app, 'http://127.0.0.1/signin', { origin: 'https://evil.example' }, form({ identity: 'demo-studio' }));
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('shows a message beside the identity field when it is not a valid identity', async () => {
    const app = createApp(localDeps);
    const response = await post(app, 'http://127.0.0.1/signin', { origin: 'http://127.0.0.1' }, form({ other: 'has spaces!' }));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('id="f-other-error"');
    expect(html).toContain('aria-describedby="f-other-hint f-other-error"');
    expect(html).toContain('只能使用字母、数字及 . _ @ : -');
  });

  it('links to the hosted sign-in when deployed, and offers no picker', async () => {
    const { issueDevToken: _none, ...deployed } = localDeps;
    const app = createApp({ ...deployed, signInUrl: 'https://auth.market.example/login?client_id=abc&response_type=token' });
    const html = await (await app.request('https://market.example/signin?lang=en')).text();
    expect(html).toContain('href="https://auth.market.example/login?client_id=abc&amp;response_type=token"');
    expect(html).toContain('<html lang="en">');
    expect(html).not.toContain('name="identity"');
    expect((await post(app, 'https://market.example/signin', { origin: 'https://market.example' }, form({ other: 'x' }))).status).toBe(401);
  });

  it('starts a session from the hosted sign-in callback only with a valid token', async () => {
    const app = createApp(localDeps);
    const token = await tokens.issueDevToken('cognito-user');
    const good = await post(app, 'https://market.example/auth/callback', { origin: 'https://market.example' }, form({ token }));
    expect(good.status).toBe(303);
    expect(good.headers.get('set-cookie')).toContain(`st_session=${token}`);
    const bad = await post(app, 'https://market.example/auth/callback', { origin: 'https://market.example' }, form({ token: 'not.a.token' }));
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
  });
});
