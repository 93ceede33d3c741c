import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign } from 'hono/utils/jwt/jwt';
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';

/** An RSA signing key like one of a Cognito user pool's: the private JWK signs, the public one goes into the JWKS. */
export function rsaSigningKey(kid: string = randomUUID()) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateJwk = { ...privateKey.export({ format: 'jwk' }), alg: 'RS256', kid } as HonoJsonWebKey;
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), alg: 'RS256', kid, use: 'sig' } as HonoJsonWebKey;
  return { kid, privateJwk, publicJwk };
}

export type SigningKey = ReturnType<typeof rsaSigningKey>;

/** Mints a token shaped like a Cognito access token (`client_id`, `token_use`, one-hour expiry unless overridden). */
export function cognitoAccessToken(key: SigningKey, claims: { sub: string; issuer: string; clientId: string } & Record<string, unknown>) {
  const { sub, issuer, clientId, ...rest } = claims;
  const iat = Math.floor(Date.now() / 1000);
  return sign(
    { sub, iss: issuer, client_id: clientId, token_use: 'access', scope: 'aws.cognito.signin.user.admin', username: sub, auth_time: iat, iat, exp: iat + 3600, ...rest },
    key.privateJwk,
  );
}

/**
 * A loopback stand-in for a user pool's issuer: serves `<issuer>/.well-known/jwks.json`
 * and counts how often it was asked, so tests can see the verifier's cache at work.
 */
export async function startJwksServer(keys: HonoJsonWebKey[]) {
  const poolPath = `/cn-north-1_${randomUUID().slice(0, 8)}`;
  let requests = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === `${poolPath}/.well-known/jwks.json`) {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${poolPath}`;
  return {
    issuer,
    keys,
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
