import { webcrypto } from 'node:crypto';
import { sign, verify } from 'hono/utils/jwt/jwt';
import { UnauthenticatedError } from '@sharedtech/core';
import { oidcHostedSignIn, oidcVerifier, staticDiscovery } from './oidc.js';
import { subjectOf, type HostedSignIn, type JwksFetcher, type TokenVerifier } from './types.js';
import { verifiedTokens } from './verified.js';

export type { HostedSignIn, JwksFetcher, TokenVerifier } from './types.js';

const DEV_ISSUER = 'sharedtech-local';
const DEV_TOKEN_TTL_SECONDS = 12 * 3600;

/** Local mode: HS256 tokens signed with a secret generated on this machine. */
export function localTokens(secret: string, now: () => number = Date.now) {
  // Imported once, not on every request (hono imports a string key per call).
  let key: Promise<webcrypto.CryptoKey> | undefined;
  const accepted = verifiedTokens();
  const verifyToken: TokenVerifier = async (token) => {
    const known = accepted.get(token);
    if (known) return known;
    try {
      key ??= webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
      const payload = await verify(token, await key, { alg: 'HS256', iss: DEV_ISSUER });
      const subject = subjectOf(payload);
      accepted.remember(token, subject.sub, payload);
      return subject;
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

export interface CognitoVerifierOptions {
  /**
   * The user pool's issuer URL (CDK: `userPool.userPoolProviderUrl`), e.g.
   * `https://cognito-idp.cn-north-1.amazonaws.com.cn/<poolId>`; keys are read from
   * `<issuer>/.well-known/jwks.json`. Given whole because the domain differs by partition.
   */
  issuer: string;
  /** The app client id: ID tokens carry it as `aud`, access tokens as `client_id`. */
  clientId: string;
  fetchKeys?: JwksFetcher;
  now?: () => number;
  /** A token with an unknown `kid` refetches the key set at most this often (key rotation). */
  minRefreshIntervalMs?: number;
}

/**
 * Deployed with Cognito: the generic OpenID verifier (see `oidcVerifier`) on the
 * pool's fixed layout — keys at `<issuer>/.well-known/jwks.json`, RS256 only —
 * plus Cognito's `token_use`, which must be `id` or `access`.
 */
export function cognitoVerifier(options: CognitoVerifierOptions | { region: string; userPoolId: string; clientId: string }): TokenVerifier {
  const issuer = 'issuer' in options ? options.issuer.replace(/\/$/, '') : `https://cognito-idp.${options.region}.amazonaws.com/${options.userPoolId}`;
  const settings = 'issuer' in options ? options : ({} as Partial<CognitoVerifierOptions>);
  return oidcVerifier({
    issuer,
    audience: options.clientId,
    discovery: staticDiscovery({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json` }),
    algorithms: ['RS256'],
    fetchKeys: settings.fetchKeys,
    now: settings.now,
    minRefreshIntervalMs: settings.minRefreshIntervalMs,
    checkClaims: (payload) => {
      if (payload.token_use !== undefined && payload.token_use !== 'id' && payload.token_use !== 'access') {
        throw new UnauthenticatedError('The token is invalid or expired.', 'INVALID_TOKEN');
      }
    },
  });
}

/**
 * Cognito's hosted UI as the web pages' sign-in: the generic OpenID sign-in
 * (see `oidcHostedSignIn`) on the pool domain's fixed endpoints, for a public
 * client (no client secret anywhere), with Cognito's own logout query.
 */
export function cognitoHostedSignIn({
  baseUrl,
  clientId,
  fetch: fetchImpl = fetch,
}: {
  baseUrl: string;
  clientId: string;
  fetch?: typeof fetch;
}): HostedSignIn {
  const base = baseUrl.replace(/\/+$/, '');
  return oidcHostedSignIn({
    endpoints: { authorization_endpoint: `${base}/oauth2/authorize`, token_endpoint: `${base}/oauth2/token`, end_session_endpoint: `${base}/logout` },
    clientId,
    fetch: fetchImpl,
    logoutQuery: ({ clientId: id, redirectUri }) => ({ client_id: id, logout_uri: redirectUri }),
  });
}
