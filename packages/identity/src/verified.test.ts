import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { sign } from 'hono/utils/jwt/jwt';
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';
import { localTokens } from './tokens.js';
import { oidcVerifier, staticDiscovery } from './oidc.js';
import { verifiedTokens } from './verified.js';

const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: { status: number; code: string }) => error);

afterEach(() => {
  vi.useRealTimers();
});

describe('verifiedTokens', () => {
  it('answers a remembered token only inside nbf/iat ≤ now < exp, in whole seconds', () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000 * 1000);
    const cache = verifiedTokens();
    cache.remember('t', 'alice', { iat: 1_000_000, nbf: 1_000_010, exp: 1_000_100 });
    expect(cache.get('t')).toBeUndefined(); // before nbf: forgotten, verified afresh
    cache.remember('t', 'alice', { iat: 1_000_000, nbf: 1_000_010, exp: 1_000_100 });
    vi.setSystemTime(1_000_010 * 1000);
    expect(cache.get('t')).toEqual({ sub: 'alice' });
    vi.setSystemTime(1_000_099 * 1000 + 999);
    expect(cache.get('t')).toEqual({ sub: 'alice' });
    vi.setSystemTime(1_000_100 * 1000);
    expect(cache.get('t')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never remembers a token without a finite expiry, and forgets the oldest beyond its bound', () => {
    const cache = verifiedTokens(2);
    const exp = Math.floor(Date.now() / 1000) + 60;
    cache.remember('no-exp', 'a', {});
    cache.remember('bad-exp', 'a', { exp: 'soon' });
    expect(cache.size).toBe(0);
    cache.remember('one', 'a', { exp });
    cache.remember('two', 'b', { exp });
    cache.remember('three', 'c', { exp });
    expect(cache.size).toBe(2);
    expect(cache.get('one')).toBeUndefined();
    expect(cache.get('three')).toEqual({ sub: 'c' });
  });
});

describe('a verifier that remembers accepted tokens', () => {
  it('localTokens: the same token verifies again, an expired one is refused from the very second it expires, a tampered one never passes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(2_000_000 * 1000);
    const { verifyToken, issueDevToken } = localTokens('local-secret-'.repeat(4));
    const token = await issueDevToken('alice');
    expect(await verifyToken(token)).toEqual({ sub: 'alice' });
    expect(await verifyToken(token)).toEqual({ sub: 'alice' });
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'mallory', iss: 'sharedtech-local', exp: 2_000_100 })).toString('base64url')}.${signature}`;
    expect(await rejection(verifyToken(forged))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    vi.setSystemTime((2_000_000 + 12 * 3600) * 1000);
    expect(await rejection(verifyToken(token))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it('oidcVerifier: checks the signature once per token, and an expired token is refused though it was accepted before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(3_000_000 * 1000);
    const issuer = 'https://id.consortium.example/realms/market';
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', kid: 'k1' } as HonoJsonWebKey;
    const publicJwk = { ...publicKey.export({ format: 'jwk' }), alg: 'ES256', kid: 'k1', use: 'sig' } as HonoJsonWebKey;
    let keyReads = 0;
    const verify = oidcVerifier({
      issuer,
      audience: 'web',
      discovery: staticDiscovery({ issuer, jwks_uri: `${issuer}/certs`, id_token_signing_alg_values_supported: ['ES256'] }),
      fetchKeys: async () => {
        keyReads += 1;
        return [publicJwk];
      },
    });
    const verifySpy = vi.spyOn(crypto.subtle, 'verify');
    const token = await sign({ sub: 'bob', iss: issuer, aud: 'web', iat: 3_000_000, exp: 3_000_060 }, privateJwk);
    expect(await verify(token)).toEqual({ sub: 'bob' });
    expect(await verify(token)).toEqual({ sub: 'bob' });
    expect(verifySpy).toHaveBeenCalledTimes(1);
    const other = await sign({ sub: 'carol', iss: issuer, aud: 'web', iat: 3_000_000, exp: 3_000_060 }, privateJwk);
    expect(await verify(other)).toEqual({ sub: 'carol' });
    expect(verifySpy).toHaveBeenCalledTimes(2);
    expect(keyReads).toBe(1);
    vi.setSystemTime(3_000_060 * 1000);
    expect(await rejection(verify(token))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    verifySpy.mockRestore();
  });
});
