import { sign, verify, verifyWithJwks } from 'hono/utils/jwt/jwt';
import { UnauthenticatedError } from '@sharedtech/core';
import type { TokenVerifier } from './deps.js';

const DEV_ISSUER = 'sharedtech-local';
const DEV_TOKEN_TTL_SECONDS = 12 * 3600;

const subjectOf = (payload: Record<string, unknown>) => {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new UnauthenticatedError('The token has no subject.');
  return { sub: payload.sub };
};

/** Local mode: HS256 tokens signed with a secret generated on this machine. */
export function localTokens(secret: string, now: () => number = Date.now) {
  const verifyToken: TokenVerifier = async (token) => {
    try {
      return subjectOf(await verify(token, secret, { alg: 'HS256', iss: DEV_ISSUER }));
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      throw new UnauthenticatedError('The token is invalid or expired.', 'INVALID_TOKEN');
    }
  };
  const issueDevToken = (sub: string) => {
    const iat = Math.floor(now() / 1000);
    return sign({ sub, iss: DEV_ISSUER, iat, exp: iat + DEV_TOKEN_TTL_SECONDS }, secret, 'HS256');
  };
  return { verifyToken, issueDevToken };
}

/**
 * Deployed mode: Cognito user-pool tokens, checked against the pool's JWKS for
 * signature, issuer, expiry and client id (ID tokens carry `aud`, access tokens `client_id`).
 */
export function cognitoVerifier({ region, userPoolId, clientId }: { region: string; userPoolId: string; clientId: string }): TokenVerifier {
  const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  return async (token) => {
    let payload: Record<string, unknown>;
    try {
      payload = await verifyWithJwks(token, { jwks_uri: `${issuer}/.well-known/jwks.json`, verification: { iss: issuer }, allowedAlgorithms: ['RS256'] });
    } catch {
      throw new UnauthenticatedError('The token is invalid or expired.', 'INVALID_TOKEN');
    }
    if (payload.aud !== clientId && payload.client_id !== clientId) {
      throw new UnauthenticatedError('The token was issued for another client.', 'INVALID_TOKEN');
    }
    return subjectOf(payload);
  };
}
