import { describe, expect, it } from 'vitest';
import { sign } from 'hono/utils/jwt/jwt';
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';
import { cognitoVerifier } from '@sharedtech/identity';
import { cognitoAccessToken, rsaSigningKey } from '../support/jwks.js';

const issuer = 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_TestPool';
const clientId = 'client-123';
const poolKey = rsaSigningKey('pool-key-1');

/** A verifier whose key source is a counter-wrapped in-memory JWKS, and a clock the test moves. */
function setup(initialKeys: HonoJsonWebKey[] = [poolKey.publicJwk]) {
  const jwks = { keys: initialKeys, fetches: 0, fail: false };
  let now = 1_000_000;
  const verify = cognitoVerifier({
    issuer,
    clientId,
    now: () => now,
    fetchKeys: async (uri) => {
      expect(uri).toBe(`${issuer}/.well-known/jwks.json`);
      jwks.fetches += 1;
      if (jwks.fail) throw new Error('connect ETIMEDOUT');
      return jwks.keys;
    },
  });
  return { verify, jwks, advance: (ms: number) => void (now += ms) };
}

const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: { status: number; code: string }) => error);

describe('cognitoVerifier', () => {
  it('accepts a pool token and reads the key set once for many requests', async () => {
    // Prepare
    const { verify, jwks } = setup();
    const token = await cognitoAccessToken(poolKey, { sub: 'user-1', issuer, clientId });

    // Act
    const results = await Promise.all([verify(token), verify(token), verify(token)]);
    await verify(token);

    // Assess
    expect(results).toEqual([{ sub: 'user-1' }, { sub: 'user-1' }, { sub: 'user-1' }]);
    expect(jwks.fetches).toBe(1);
  });

  it('accepts an ID token whose audience is the client', async () => {
    const { verify } = setup();
    const iat = Math.floor(Date.now() / 1000);
    const idToken = await sign({ sub: 'user-2', iss: issuer, aud: clientId, token_use: 'id', iat, exp: iat + 60 }, poolKey.privateJwk);
    expect(await verify(idToken)).toEqual({ sub: 'user-2' });
  });

  it('refetches the key set once when Cognito rotated its keys, but not for every unknown kid', async () => {
    // Prepare
    const { verify, jwks, advance } = setup();
    const rotated = rsaSigningKey('pool-key-2');
    await verify(await cognitoAccessToken(poolKey, { sub: 'user-1', issuer, clientId }));
    jwks.keys = [poolKey.publicJwk, rotated.publicJwk];
    advance(60_000);

    // Act
    const fromRotatedKey = await verify(await cognitoAccessToken(rotated, { sub: 'user-3', issuer, clientId }));
    const forged = rsaSigningKey('attacker-key');
    const forgedErrors = await Promise.all(
      [1, 2, 3].map(async () => rejection(verify(await cognitoAccessToken(forged, { sub: 'user-1', issuer, clientId })))),
    );

    // Assess
    expect(fromRotatedKey).toEqual({ sub: 'user-3' });
    expect(forgedErrors.map((error) => error?.code)).toEqual(['INVALID_TOKEN', 'INVALID_TOKEN', 'INVALID_TOKEN']);
    expect(jwks.fetches).toBe(2);
  });

  it.each([
    ['another issuer', { issuer: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/other-pool' }],
    ['another client', { clientId: 'other-client' }],
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 10 }],
    ['a token without expiry', { exp: undefined }],
    ['a refresh-style token_use', { token_use: 'refresh' }],
  ])('rejects %s with 401', async (_name, overrides) => {
    const { verify } = setup();
    const token = await cognitoAccessToken(poolKey, { sub: 'user-1', issuer, clientId, ...overrides });
    const error = await rejection(verify(token));
    expect(error).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it('rejects an HS256 token even when its kid names a pool key (no algorithm confusion)', async () => {
    const { verify } = setup();
    const iat = Math.floor(Date.now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: poolKey.kid })).toString('base64url');
    const hs = (await sign({ sub: 'x', iss: issuer, client_id: clientId, iat, exp: iat + 60 }, 'guessable', 'HS256')).split('.');
    const error = await rejection(verify(`${header}.${hs[1]}.${hs[2]}`));
    expect(error).toMatchObject({ status: 401 });
  });

  it('rejects garbage without reading keys', async () => {
    const { verify, jwks } = setup();
    expect(await rejection(verify('not-a-jwt'))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    expect(jwks.fetches).toBe(0);
  });

  it('answers 503 when the key set cannot be read, and recovers on the next request', async () => {
    // Prepare
    const { verify, jwks } = setup();
    const token = await cognitoAccessToken(poolKey, { sub: 'user-1', issuer, clientId });
    jwks.fail = true;

    // Act
    const outage = await rejection(verify(token));
    jwks.fail = false;
    const recovered = await verify(token);

    // Assess
    expect(outage).toMatchObject({ status: 503, code: 'IDENTITY_PROVIDER_UNAVAILABLE' });
    expect(recovered).toEqual({ sub: 'user-1' });
  });
});
