import { createPrivateKey, createSign, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sign } from 'hono/utils/jwt/jwt';
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';
import { cognitoVerifier, localTokens } from './tokens.js';
import { clientAuthMethod, discoverOidc, oidcDiscovery, oidcHostedSignIn, oidcVerifier, parseProviderMetadata, staticDiscovery, type OidcProviderMetadata } from './oidc.js';

const issuer = 'https://id.consortium.example/realms/market';
const clientId = 'market-web';

function signingKey(kind: 'RS256' | 'ES256', kid: string) {
  const { privateKey, publicKey } =
    kind === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateJwk: { ...privateKey.export({ format: 'jwk' }), alg: kind, kid } as HonoJsonWebKey,
    publicJwk: { ...publicKey.export({ format: 'jwk' }), alg: kind, kid, use: 'sig' } as HonoJsonWebKey,
  };
}

const rsa = signingKey('RS256', 'rsa-1');
const ec = signingKey('ES256', 'ec-1');
const metadata: OidcProviderMetadata = {
  issuer,
  jwks_uri: `${issuer}/protocol/openid-connect/certs`,
  authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
  token_endpoint: `${issuer}/protocol/openid-connect/token`,
  end_session_endpoint: `${issuer}/protocol/openid-connect/logout`,
  id_token_signing_alg_values_supported: ['RS256', 'ES256', 'HS256', 'none'],
};

const idToken = (key: { privateJwk: HonoJsonWebKey }, claims: Record<string, unknown> = {}) => {
  const iat = Math.floor(Date.now() / 1000);
  return sign({ sub: 'user-1', iss: issuer, aud: clientId, iat, exp: iat + 300, ...claims }, key.privateJwk);
};

const verifierFor = (overrides: Partial<OidcProviderMetadata> = {}) =>
  oidcVerifier({ issuer, audience: clientId, discovery: staticDiscovery({ ...metadata, ...overrides }), fetchKeys: async () => [rsa.publicJwk, ec.publicJwk] });

const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: { status: number; code: string }) => error);

describe('discoverOidc', () => {
  const answering = (body: unknown, status = 200) => (async () => Response.json(body, { status })) as unknown as typeof fetch;

  it('reads the endpoints from <issuer>/.well-known/openid-configuration', async () => {
    const urls: string[] = [];
    const fetchStub = (async (url: string) => {
      urls.push(String(url));
      return Response.json({ ...metadata, extra: 'ignored' });
    }) as unknown as typeof fetch;
    expect(await discoverOidc(issuer, { fetch: fetchStub })).toEqual(metadata);
    expect(urls).toEqual([`${issuer}/.well-known/openid-configuration`]);
  });

  it('refuses a document of another issuer and endpoints that are not https (503: the provider is not usable)', async () => {
    expect(() => parseProviderMetadata(issuer, { ...metadata, issuer: 'https://evil.example' })).toThrow(/names issuer/);
    expect(() => parseProviderMetadata(issuer, { ...metadata, jwks_uri: 'http://id.consortium.example/certs' })).toThrow(/jwks_uri/);
    expect(() => parseProviderMetadata(issuer, { ...metadata, token_endpoint: 'ftp://x' })).toThrow(/token_endpoint/);
    expect(parseProviderMetadata('http://127.0.0.1:9/op', { issuer: 'http://127.0.0.1:9/op', jwks_uri: 'http://127.0.0.1:9/op/jwks' }).jwks_uri).toBe('http://127.0.0.1:9/op/jwks');
    expect(await rejection(discoverOidc(issuer, { fetch: answering({ ...metadata, issuer: 'https://evil.example' }) }))).toMatchObject({ status: 503, code: 'IDENTITY_PROVIDER_UNAVAILABLE' });
    expect(await rejection(discoverOidc(issuer, { fetch: answering({}, 502) }))).toMatchObject({ status: 503 });
  });

  it('keeps the metadata once read, and after a failure waits before asking again', async () => {
    let calls = 0;
    let up = false;
    let now = 0;
    const fetchStub = (async () => {
      calls += 1;
      if (!up) throw new TypeError('fetch failed');
      return Response.json(metadata);
    }) as unknown as typeof fetch;
    const discovery = oidcDiscovery(issuer, { fetch: fetchStub, retryAfterMs: 5_000, now: () => now });
    expect(await rejection(discovery.metadata())).toMatchObject({ status: 503 });
    up = true;
    expect(await rejection(discovery.metadata())).toMatchObject({ status: 503 });
    expect(calls).toBe(1);
    now += 5_000;
    await Promise.all([discovery.metadata(), discovery.metadata()]);
    await discovery.metadata();
    expect(calls).toBe(2);
    expect(discovery.current()).toEqual(metadata);
  });
});

describe('oidcVerifier', () => {
  it('accepts RS256 and ES256 tokens when the provider advertises them, never HS256 or none', async () => {
    const verify = verifierFor();
    expect(await verify(await idToken(rsa))).toEqual({ sub: 'user-1' });
    expect(await verify(await idToken(ec, { sub: 'user-2' }))).toEqual({ sub: 'user-2' });
    const onlyRsa = verifierFor({ id_token_signing_alg_values_supported: ['RS256'] });
    expect(await rejection(onlyRsa(await idToken(ec)))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    const iat = Math.floor(Date.now() / 1000);
    const hs = await sign({ sub: 'x', iss: issuer, aud: clientId, iat, exp: iat + 60 }, 'secret', 'HS256');
    expect(await rejection(verify(hs))).toMatchObject({ status: 401 });
  });

  it.each([
    ['another issuer', { iss: 'https://other.example' }],
    ['another audience', { aud: 'other-client' }],
    ['several audiences, authorised to another party', { aud: [clientId, 'other'], azp: 'other' }],
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 5 }],
    ['a token without expiry', { exp: undefined }],
    ['a token not valid yet', { nbf: Math.floor(Date.now() / 1000) + 600 }],
  ])('rejects %s with 401', async (_name, claims) => {
    expect(await rejection(verifierFor()(await idToken(rsa, claims)))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it('accepts an OAuth JWT access token issued to the client (client_id, typ at+jwt)', async () => {
    const iat = Math.floor(Date.now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: rsa.publicJwk.kid })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'user-3', iss: issuer, aud: 'https://api.example', client_id: clientId, iat, exp: iat + 60 })).toString('base64url');
    const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(createPrivateKey({ key: rsa.privateJwk as never, format: 'jwk' })).toString('base64url');
    expect(await verifierFor()(`${header}.${payload}.${signature}`)).toEqual({ sub: 'user-3' });
  });

  it('warm() reads the key set ahead of the first token, once; a failed warm-up is read again by the first token', async () => {
    const reads: string[] = [];
    let failFirst = true;
    const verifier = oidcVerifier({
      issuer, audience: clientId, discovery: staticDiscovery(metadata),
      fetchKeys: async (uri) => {
        reads.push(uri);
        if (failFirst) {
          failFirst = false;
          throw new Error('provider down');
        }
        return [rsa.publicJwk];
      },
    });
    verifier.warm!();
    verifier.warm!();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(reads).toEqual([metadata.jwks_uri]);
    expect(await verifier(await idToken(rsa))).toEqual({ sub: 'user-1' });
    expect(reads).toHaveLength(2);
    verifier.warm!();
    expect(await verifier(await idToken(rsa))).toEqual({ sub: 'user-1' });
    expect(reads).toHaveLength(2);
  });

  it('answers 503 when the provider cannot be discovered', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    const verify = oidcVerifier({ issuer, audience: clientId, fetch: down });
    expect(await rejection(verify(await idToken(rsa)))).toMatchObject({ status: 503, code: 'IDENTITY_PROVIDER_UNAVAILABLE' });
  });
});

describe('subjects that cannot be a user are a 401 whatever the verifier (issue 16, defect 2)', () => {
  const tooLong = 'u'.repeat(129);
  const cases = [
    ['longer than 128 characters', tooLong],
    ['with a newline', 'alice\nadmin'],
    ['with a NUL', 'alice\u0000'],
    ['with a DEL', 'alice\u007f'],
    ['with a line separator', 'alice\u2028'],
  ] as const;

  it.each(cases)('oidcVerifier refuses a subject %s', async (_name, sub) => {
    expect(await rejection(verifierFor()(await idToken(rsa, { sub })))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it.each(cases)('cognitoVerifier refuses a subject %s', async (_name, sub) => {
    const pool = 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Pool';
    const verify = cognitoVerifier({ issuer: pool, clientId, fetchKeys: async () => [rsa.publicJwk] });
    const iat = Math.floor(Date.now() / 1000);
    const token = await sign({ sub, iss: pool, client_id: clientId, token_use: 'access', iat, exp: iat + 60 }, rsa.privateJwk);
    expect(await rejection(verify(token))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it.each(cases)('localTokens refuses a subject %s', async (_name, sub) => {
    const { verifyToken, issueDevToken } = localTokens('local-secret-'.repeat(4));
    expect(await rejection(verifyToken(await issueDevToken(sub)))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it('accepts a subject of exactly 128 characters, and any script', async () => {
    expect(await verifierFor()(await idToken(rsa, { sub: 'u'.repeat(128) }))).toEqual({ sub: 'u'.repeat(128) });
    expect(await verifierFor()(await idToken(rsa, { sub: '张三-工号-0001' }))).toEqual({ sub: '张三-工号-0001' });
  });
});

describe('oidcHostedSignIn', () => {
  const redirectUri = 'https://market.example.cn/auth/callback';

  function tokenEndpoint() {
    const calls: { url: string; body: URLSearchParams; authorization: string | null }[] = [];
    const fetchStub = (async (url: string | URL | Request, init?: RequestInit) => {
      calls.push({ url: String(url), body: new URLSearchParams(String(init?.body)), authorization: new Headers(init?.headers).get('authorization') });
      return Response.json({ id_token: 'id.token', access_token: 'a', token_type: 'Bearer' });
    }) as typeof fetch;
    return { calls, fetch: fetchStub };
  }

  it('uses the discovered endpoints: authorize with PKCE, RP-initiated logout', () => {
    const hosted = oidcHostedSignIn({ discovery: staticDiscovery(metadata), clientId });
    const authorize = new URL(hosted.authorizeUrl({ redirectUri, state: 's', codeChallenge: 'c' }));
    expect(`${authorize.origin}${authorize.pathname}`).toBe(metadata.authorization_endpoint);
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      state: 's',
      code_challenge: 'c',
      code_challenge_method: 'S256',
    });
    const logout = new URL(hosted.logoutUrl({ redirectUri: 'https://market.example.cn/signin' }));
    expect(`${logout.origin}${logout.pathname}`).toBe(metadata.end_session_endpoint);
    expect(Object.fromEntries(logout.searchParams)).toEqual({ client_id: clientId, post_logout_redirect_uri: 'https://market.example.cn/signin' });
    const { end_session_endpoint: _none, ...withoutLogout } = metadata;
    expect(oidcHostedSignIn({ discovery: staticDiscovery(withoutLogout), clientId }).logoutUrl({ redirectUri: 'https://m/signin' })).toBe('https://m/signin');
  });

  it('authenticates a confidential client with client_secret_basic by default, and _post where that is all the provider offers', async () => {
    const basic = tokenEndpoint();
    await oidcHostedSignIn({ discovery: staticDiscovery(metadata), clientId: 'web client', clientSecret: 's3cr:t', fetch: basic.fetch }).exchangeCode({ code: 'c1', redirectUri, codeVerifier: 'v' });
    expect(basic.calls[0]!.url).toBe(metadata.token_endpoint);
    expect(basic.calls[0]!.authorization).toBe(`Basic ${Buffer.from('web+client:s3cr%3At').toString('base64')}`);
    expect(Object.fromEntries(basic.calls[0]!.body)).toEqual({ grant_type: 'authorization_code', code: 'c1', redirect_uri: redirectUri, code_verifier: 'v' });

    const post = tokenEndpoint();
    const postOnly = staticDiscovery({ ...metadata, token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'] });
    await oidcHostedSignIn({ discovery: postOnly, clientId, clientSecret: 'sec', fetch: post.fetch }).exchangeCode({ code: 'c2', redirectUri, codeVerifier: 'v' });
    expect(post.calls[0]!.authorization).toBeNull();
    expect(Object.fromEntries(post.calls[0]!.body)).toMatchObject({ client_id: clientId, client_secret: 'sec', code: 'c2' });

    expect(clientAuthMethod({})).toBe('none');
    expect(clientAuthMethod({ clientSecret: 'x', tokenEndpointAuthMethod: 'client_secret_post' }, ['client_secret_basic'])).toBe('client_secret_post');
  });

  it('answers 503 for a sign-in started before the provider could be discovered, and works once it is', async () => {
    let up = false;
    let now = 0;
    const fetchStub = (async () => {
      if (!up) throw new TypeError('fetch failed');
      return Response.json(metadata);
    }) as unknown as typeof fetch;
    const hosted = oidcHostedSignIn({ discovery: oidcDiscovery(issuer, { fetch: fetchStub, now: () => now }), clientId });
    await expect(hosted.ready()).rejects.toMatchObject({ status: 503 });
    expect(() => hosted.authorizeUrl({ redirectUri, state: 's', codeChallenge: 'c' })).toThrow(expect.objectContaining({ status: 503, code: 'SIGN_IN_UNAVAILABLE' }));
    expect(hosted.logoutUrl({ redirectUri: 'https://m/signin' })).toBe('https://m/signin');
    up = true;
    now += 60_000;
    await hosted.ready();
    expect(hosted.authorizeUrl({ redirectUri, state: 's', codeChallenge: 'c' })).toMatch(/^https:\/\/id\.consortium\.example\/realms\/market\/protocol\/openid-connect\/auth\?/);
  });
});
