import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { sign } from 'hono/utils/jwt/jwt';
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';
import { discoverOidc, oidcDiscovery, oidcHostedSignIn, oidcVerifier, type HostedSignIn } from '@sharedtech/identity';
import { CookieJar, followToCallback, startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';

// The relying party's addresses as the deployed site registers them (https://<domain>/auth/callback);
// the browser never reaches them here: the flow stops at the redirect that carries the code.
const site = 'https://market.example.cn';
const redirectUri = `${site}/auth/callback`;
const signedOut = `${site}/signin`;
const clients = {
  web: { clientId: 'sharedtech-web', redirectUris: [redirectUri], postLogoutRedirectUris: [signedOut] },
  es256: { clientId: 'sharedtech-web-ec', redirectUris: [redirectUri], idTokenAlg: 'ES256' as const },
  basic: { clientId: 'sharedtech-confidential', clientSecret: randomBytes(24).toString('base64url'), tokenEndpointAuthMethod: 'client_secret_basic' as const, redirectUris: [redirectUri] },
  post: { clientId: 'sharedtech-post', clientSecret: randomBytes(24).toString('base64url'), tokenEndpointAuthMethod: 'client_secret_post' as const, redirectUris: [redirectUri] },
  other: { clientId: 'another-application', redirectUris: [redirectUri] },
  shortLived: { clientId: 'sharedtech-short', redirectUris: [redirectUri], idTokenTtlSeconds: 1 },
};

const op = await startOidcProvider({ clients: Object.values(clients) });
// A second, unrelated provider with a client of the same id: its tokens are of another issuer.
const stranger = await startOidcProvider({ clients: [clients.web] });
afterAll(() => Promise.all([op.close(), stranger.close()]));

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/** The pages' sign-in, as `/auth/start` and `/auth/callback` run it, through the provider's real endpoints. */
async function signIn(hosted: HostedSignIn, provider: TestOidcProvider, sub: string, jar = new CookieJar()) {
  const state = randomBytes(16).toString('base64url');
  const { verifier, challenge } = pkce();
  provider.signInAs(sub);
  const callback = await followToCallback(hosted.authorizeUrl({ redirectUri, state, codeChallenge: challenge }), redirectUri, jar);
  expect(callback.searchParams.get('state')).toBe(state);
  const code = callback.searchParams.get('code')!;
  return { code, verifier, jar, idToken: await hosted.exchangeCode({ code, redirectUri, codeVerifier: verifier }) };
}

const hostedFor = async (provider: TestOidcProvider, client: { clientId: string; clientSecret?: string; tokenEndpointAuthMethod?: string }) => {
  const hosted = oidcHostedSignIn({ issuer: provider.issuer, clientId: client.clientId, clientSecret: client.clientSecret });
  await hosted.ready();
  return hosted;
};

const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: { status: number; code: string }) => error);

describe('discovery of a real OpenID Provider', () => {
  it('reads the endpoints from <issuer>/.well-known/openid-configuration', async () => {
    const metadata = await discoverOidc(op.issuer);
    expect(metadata).toMatchObject({
      issuer: op.issuer,
      jwks_uri: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
      authorization_endpoint: expect.stringContaining(op.issuer),
      token_endpoint: expect.stringContaining(op.issuer),
      end_session_endpoint: expect.stringContaining(op.issuer),
    });
    expect(metadata.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256']));
  });
});

describe('hosted sign-in through the provider: authorization code with PKCE, redeemed server side', () => {
  it('signs in a public client and yields an ID token the verifier accepts', async () => {
    const hosted = await hostedFor(op, clients.web);
    const { idToken } = await signIn(hosted, op, 'teacher-li');
    const verify = oidcVerifier({ issuer: op.issuer, audience: clients.web.clientId });
    expect(await verify(idToken)).toEqual({ sub: 'teacher-li' });
  });

  it('lets a person sign in on the provider’s own form (the page a browser journey fills in)', async () => {
    // Prepare: no signInAs, so the provider shows its login form.
    const hosted = await hostedFor(op, clients.web);
    const { verifier, challenge } = pkce();
    const jar = new CookieJar();
    let url = hosted.authorizeUrl({ redirectUri, state: 'form-state', codeChallenge: challenge });
    let response = await fetch(url, { redirect: 'manual' });
    jar.store(url, response);
    url = new URL(response.headers.get('location')!, url).toString();
    response = await fetch(url, { headers: { cookie: jar.header(url) } });
    const page = await response.text();
    expect(page).toContain('<input name="sub"');

    // Act: submit the form as a browser would, then follow the provider back to the site.
    const action = new URL(/action="([^"]+)"/.exec(page)![1]!, url).toString();
    const submitted = await fetch(action, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header(action), 'content-type': 'application/x-www-form-urlencoded' }, body: 'sub=mentor-zhao' });
    jar.store(action, submitted);
    const callback = await followToCallback(new URL(submitted.headers.get('location')!, action).toString(), redirectUri, jar);

    // Assess
    const idToken = await hosted.exchangeCode({ code: callback.searchParams.get('code')!, redirectUri, codeVerifier: verifier });
    expect(await oidcVerifier({ issuer: op.issuer, audience: clients.web.clientId })(idToken)).toEqual({ sub: 'mentor-zhao' });
  });

  it('refuses a wrong code verifier and a replayed code with 401', async () => {
    const hosted = await hostedFor(op, clients.web);
    const state = 'state-1';
    const { challenge } = pkce();
    op.signInAs('someone');
    const callback = await followToCallback(hosted.authorizeUrl({ redirectUri, state, codeChallenge: challenge }), redirectUri);
    const code = callback.searchParams.get('code')!;
    expect(await rejection(hosted.exchangeCode({ code, redirectUri, codeVerifier: pkce().verifier }))).toMatchObject({ status: 401, code: 'SIGN_IN_FAILED' });

    const used = await signIn(hosted, op, 'someone-else');
    expect(await rejection(hosted.exchangeCode({ code: used.code, redirectUri, codeVerifier: used.verifier }))).toMatchObject({ status: 401, code: 'SIGN_IN_FAILED' });
  });

  it.each([
    ['client_secret_basic', clients.basic],
    ['client_secret_post', clients.post],
  ])('signs in a confidential client authenticating with %s', async (_method, client) => {
    const hosted = await hostedFor(op, client);
    const { idToken } = await signIn(hosted, op, `studio-${client.tokenEndpointAuthMethod}`);
    expect(await oidcVerifier({ issuer: op.issuer, audience: client.clientId })(idToken)).toEqual({ sub: `studio-${client.tokenEndpointAuthMethod}` });
    // The same client without its secret is refused by the provider.
    const secretless = oidcHostedSignIn({ issuer: op.issuer, clientId: client.clientId });
    await secretless.ready();
    const attempt = pkce();
    op.signInAs('x');
    const callback = await followToCallback(hosted.authorizeUrl({ redirectUri, state: 's', codeChallenge: attempt.challenge }), redirectUri);
    expect(await rejection(secretless.exchangeCode({ code: callback.searchParams.get('code')!, redirectUri, codeVerifier: attempt.verifier }))).toMatchObject({ status: 401 });
  });

  it('signs out at the provider: the end-session endpoint accepts the client and its registered return address', async () => {
    const hosted = await hostedFor(op, clients.web);
    const { jar } = await signIn(hosted, op, 'leaving-user');
    const logoutUrl = hosted.logoutUrl({ redirectUri: signedOut });
    const confirm = await fetch(logoutUrl, { headers: { cookie: jar.header(logoutUrl) } });
    jar.store(logoutUrl, confirm);
    const page = await confirm.text();
    expect(confirm.status).toBe(200);
    // The provider asks the person to confirm; confirming returns to the site's sign-in page.
    const action = new URL(/<form[^>]*action="([^"]+)"/.exec(page)![1]!, logoutUrl).toString();
    const fields = new URLSearchParams([...page.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((match): [string, string] => [match[1]!, match[2]!]));
    fields.set('logout', 'yes');
    const done = await fetch(action, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header(action), 'content-type': 'application/x-www-form-urlencoded' }, body: fields });
    expect(done.status).toBeGreaterThanOrEqual(300);
    expect(done.headers.get('location')).toBe(signedOut);
  });
});

describe('the verifier against the provider’s tokens', () => {
  it('accepts ES256 ID tokens when the provider signs with its EC key', async () => {
    const { idToken } = await signIn(await hostedFor(op, clients.es256), op, 'ec-user');
    expect(JSON.parse(Buffer.from(idToken.split('.')[0]!, 'base64url').toString()).alg).toBe('ES256');
    expect(await oidcVerifier({ issuer: op.issuer, audience: clients.es256.clientId })(idToken)).toEqual({ sub: 'ec-user' });
  });

  it('refuses a token of another issuer, even for a client of the same id', async () => {
    const { idToken } = await signIn(await hostedFor(stranger, clients.web), stranger, 'teacher-li');
    expect(await oidcVerifier({ issuer: stranger.issuer, audience: clients.web.clientId })(idToken)).toEqual({ sub: 'teacher-li' });
    expect(await rejection(oidcVerifier({ issuer: op.issuer, audience: clients.web.clientId })(idToken))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it('refuses a token issued to another client', async () => {
    const { idToken } = await signIn(await hostedFor(op, clients.other), op, 'teacher-li');
    expect(await rejection(oidcVerifier({ issuer: op.issuer, audience: clients.web.clientId })(idToken))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it('refuses an expired token', async () => {
    const { idToken } = await signIn(await hostedFor(op, clients.shortLived), op, 'brief-user');
    const verify = oidcVerifier({ issuer: op.issuer, audience: clients.shortLived.clientId });
    const { exp } = JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()) as { exp: number };
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 1_100));
    expect(await rejection(verify(idToken))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it('refuses a token signed with a key the provider does not publish, refetching the key set at most once a minute', async () => {
    // Prepare: a forger who knows the issuer and client, with a key of their own.
    let now = Date.now();
    let jwksReads = 0;
    const countingFetch: typeof fetch = async (input, init) => {
      if (String(input).includes('/jwks')) jwksReads += 1;
      return fetch(input, init);
    };
    const verify = oidcVerifier({ issuer: op.issuer, audience: clients.web.clientId, fetch: countingFetch, now: () => now });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forgedKey = { ...privateKey.export({ format: 'jwk' }), alg: 'RS256', kid: op.keyIds[0] + '-forged' } as HonoJsonWebKey;
    const iat = Math.floor(Date.now() / 1000);
    const forged = await sign({ sub: 'admin', iss: op.issuer, aud: clients.web.clientId, iat, exp: iat + 600 }, forgedKey);
    const withKnownKid = await sign({ sub: 'admin', iss: op.issuer, aud: clients.web.clientId, iat, exp: iat + 600 }, { ...forgedKey, kid: op.keyIds[0] } as HonoJsonWebKey);

    // Act
    const first = await rejection(verify(forged));
    const again = await rejection(verify(forged));
    now += 61_000;
    const later = await rejection(verify(forged));
    const knownKid = await rejection(verify(withKnownKid));

    // Assess
    expect([first, again, later, knownKid]).toEqual(Array(4).fill(expect.objectContaining({ status: 401, code: 'INVALID_TOKEN' })));
    expect(jwksReads).toBe(2);
  });

  it('survives key rotation: a token with a new kid makes it fetch the provider’s new key set', async () => {
    // Prepare: a verifier that has read the current keys.
    let now = Date.now();
    const discovery = oidcDiscovery(op.issuer);
    const verify = oidcVerifier({ issuer: op.issuer, audience: clients.web.clientId, discovery, now: () => now });
    const hosted = oidcHostedSignIn({ discovery, clientId: clients.web.clientId });
    await hosted.ready();
    const before = await signIn(hosted, op, 'rotating-user');
    expect(await verify(before.idToken)).toEqual({ sub: 'rotating-user' });

    // Act: the provider rotates; the old key stays published for tokens in flight.
    const [newKid] = op.rotateKeys();
    now += 61_000;
    const after = await signIn(hosted, op, 'rotating-user');

    // Assess
    expect(JSON.parse(Buffer.from(after.idToken.split('.')[0]!, 'base64url').toString()).kid).toBe(newKid);
    expect(await verify(after.idToken)).toEqual({ sub: 'rotating-user' });
    expect(await verify(before.idToken)).toEqual({ sub: 'rotating-user' });

    // And once the provider drops the old keys, tokens signed with them no longer pass (after the next refetch).
    op.rotateKeys({ dropOld: true });
    now += 61_000;
    const latest = await signIn(hosted, op, 'rotating-user');
    expect(await verify(latest.idToken)).toEqual({ sub: 'rotating-user' });
    expect(await rejection(verify(before.idToken))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it('answers 503 for tokens and sign-in while the provider cannot be reached', async () => {
    const gone = await startOidcProvider({ clients: [clients.web] });
    const { idToken } = await signIn(await hostedFor(gone, clients.web), gone, 'patient-user');
    await gone.close();
    const verify = oidcVerifier({ issuer: gone.issuer, audience: clients.web.clientId });
    expect(await rejection(verify(idToken))).toMatchObject({ status: 503, code: 'IDENTITY_PROVIDER_UNAVAILABLE' });
    const hosted = oidcHostedSignIn({ issuer: gone.issuer, clientId: clients.web.clientId });
    await expect(hosted.ready()).rejects.toMatchObject({ status: 503 });
    expect(() => hosted.authorizeUrl({ redirectUri, state: 's', codeChallenge: 'c' })).toThrow(expect.objectContaining({ status: 503 }));
  });
});
