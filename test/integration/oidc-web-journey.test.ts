import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DICTIONARIES } from '@sharedtech/web';
import { oidcHostedSignIn, oidcVerifier, type HostedSignIn, type TokenVerifier } from '@sharedtech/identity';
import { openBrowser, type Browser } from '../support/browser.js';
import { startTestApi } from '../support/harness.js';
import { startOidcProvider } from '../support/oidc-provider.js';

/**
 * The web sign-in of a deployed stage, in Chromium, against the real OpenID
 * Provider of this run: the pages send the person to the provider's own login
 * form, redeem the code server-side, and the session's token serves the JSON
 * API too; signing out ends the provider's session as well.
 */
const CLIENT_ID = 'marketplace-web';
const HOSTED_LABEL = { en: DICTIONARIES.en['signin.hosted'], zh: DICTIONARIES['zh-CN']['signin.hosted'] };
let hosted: HostedSignIn | undefined;
let verifier: TokenVerifier | undefined;

// The app learns its provider after both are listening (the provider must know the app's callback address).
const api = await startTestApi({
  customise: (deps) => ({
    ...deps,
    issueDevToken: undefined,
    demoIdentities: undefined,
    verifyToken: (token) => verifier!(token),
    hostedSignIn: {
      authorizeUrl: (input) => hosted!.authorizeUrl(input),
      logoutUrl: (input) => hosted!.logoutUrl(input),
      exchangeCode: (input) => hosted!.exchangeCode(input),
    },
  }),
});
const provider = await startOidcProvider({
  clients: [{ clientId: CLIENT_ID, redirectUris: [`${api.baseUrl}/auth/callback`], postLogoutRedirectUris: [`${api.baseUrl}/signin`] }],
});
const signInClient = oidcHostedSignIn({ issuer: provider.issuer, clientId: CLIENT_ID });
await signInClient.ready();
hosted = signInClient;
verifier = oidcVerifier({ issuer: provider.issuer, audience: CLIENT_ID });

let browser: Browser;
beforeAll(async () => {
  browser = await openBrowser(api.baseUrl, 'oidc');
});
afterAll(async () => {
  await browser?.close();
  await provider.close();
});

describe('signing in through any OpenID Provider, in Chromium', () => {
  it('goes from the sign-in page to the provider’s form and back, signed in, in both languages', async () => {
    const { page } = browser;
    for (const [lang, label] of [['en', HOSTED_LABEL.en], ['zh-CN', HOSTED_LABEL.zh]] as const) {
      await browser.go(`/signin?lang=${lang}&next=%2Forg%2Fnew`);
      await expect(page.locator('a.button.primary[href^="/auth/start"]').innerText()).resolves.toBe(label);
    }
    await browser.submit(page.locator('a.button.primary[href^="/auth/start"]'));
    expect(new URL(page.url()).origin).toBe(provider.issuer);
    await page.fill('input[name="sub"]', 'oidc-journey-teacher');
    await browser.submit(page.locator('button[type="submit"]'));
    expect(new URL(page.url()).origin).toBe(new URL(api.baseUrl).origin);
    expect(new URL(page.url()).pathname).toBe('/org/new');
    await expect(page.locator('form[action="/signout"]').count()).resolves.toBeGreaterThan(0);
    await browser.shot('signed-in');
    expect(browser.problems).toEqual([]);
  });

  it('serves the JSON API to the session’s token, and refuses it once tampered with', async () => {
    const session = (await browser.context.cookies(api.baseUrl)).find((cookie) => cookie.name === 'st_session');
    expect(session).toBeDefined();
    const me = await api.call<{ sub: string }>('GET', '/v1/me', session!.value);
    expect(me.status).toBe(200);
    expect(me.body.sub).toBe('oidc-journey-teacher');
    const [header, payload, signature] = session!.value.split('.');
    const forged = `${header}.${payload}.${signature!.slice(0, -4)}AAAA`;
    expect((await api.call('GET', '/v1/me', forged)).status).toBe(401);
  });

  it('signs out at the provider too, and comes back to the sign-in page', async () => {
    const { page } = browser;
    await browser.go('/');
    await browser.submit(page.locator('form[action="/signout"] button'));
    // The provider may ask to confirm the sign-out on its own page; confirm it if so.
    if (new URL(page.url()).origin === provider.issuer) {
      const confirm = page.locator('button[type="submit"], input[type="submit"]').first();
      if (await confirm.count()) await browser.submit(confirm);
    }
    expect(new URL(page.url()).origin).toBe(new URL(api.baseUrl).origin);
    expect(new URL(page.url()).pathname).toBe('/signin');
    expect((await browser.context.cookies(api.baseUrl)).some((cookie) => cookie.name === 'st_session')).toBe(false);
  });
});
