import { decodeHeader, sign, verify, verifyWithJwks } from 'hono/utils/jwt/jwt';
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';
import { ServiceUnavailableError, UnauthenticatedError } from '@sharedtech/core';

/** Verifies a bearer token and returns its subject; throws UnauthenticatedError otherwise. */
export type TokenVerifier = (token: string) => Promise<{ sub: string }>;

/** An OAuth 2.0 authorization server the web pages sign in through (Cognito's hosted UI when deployed). */
export interface HostedSignIn {
  /** Where to send the browser: the authorize URL for this redirect, state and S256 code challenge. */
  authorizeUrl(input: { redirectUri: string; state: string; codeChallenge: string }): string;
  /** Where to send the browser to end the hosted session too, coming back to `redirectUri`. */
  logoutUrl(input: { redirectUri: string }): string;
  /** Redeems an authorization code for the ID token of the person who signed in. */
  exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string }): Promise<string>;
}

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

/** Where a JWKS verifier gets its keys; swapped in tests, `fetch` otherwise. */
export type JwksFetcher = (uri: string) => Promise<HonoJsonWebKey[]>;

const fetchJwks: JwksFetcher = async (uri) => {
  const response = await fetch(uri, { signal: AbortSignal.timeout(3_000) });
  if (!response.ok) throw new Error(`JWKS request answered ${response.status}`);
  const body = (await response.json()) as { keys?: unknown };
  if (!Array.isArray(body.keys)) throw new Error('JWKS response has no "keys" array');
  return body.keys as HonoJsonWebKey[];
};

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
 * Deployed mode: Cognito user-pool tokens, checked against the pool's JWKS for
 * signature (RS256 only), issuer, expiry (required) and client id.
 *
 * The key set is fetched once per container and kept: a token signed with a
 * `kid` we do not hold triggers one refetch (Cognito rotated its keys), but no
 * more often than `minRefreshIntervalMs`, so forged kids cannot make us hammer
 * the JWKS endpoint. A JWKS outage is a 503, not a 401: the token may be fine.
 */
export function cognitoVerifier(options: CognitoVerifierOptions | { region: string; userPoolId: string; clientId: string }): TokenVerifier {
  const issuer = 'issuer' in options ? options.issuer.replace(/\/$/, '') : `https://cognito-idp.${options.region}.amazonaws.com/${options.userPoolId}`;
  const { clientId } = options;
  const settings = 'issuer' in options ? options : ({} as Partial<CognitoVerifierOptions>);
  const fetchKeys = settings.fetchKeys ?? fetchJwks;
  const now = settings.now ?? Date.now;
  const minRefreshIntervalMs = settings.minRefreshIntervalMs ?? 60_000;
  const jwksUri = `${issuer}/.well-known/jwks.json`;

  let keys: HonoJsonWebKey[] | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<HonoJsonWebKey[]> | undefined;
  const refresh = () => {
    inFlight ??= fetchKeys(jwksUri)
      .then((fresh) => {
        keys = fresh;
        fetchedAt = now();
        return fresh;
      })
      .catch((error: unknown) => {
        throw new ServiceUnavailableError(`The identity provider's keys could not be read (${(error as Error).message}).`, 5, 'IDENTITY_PROVIDER_UNAVAILABLE');
      })
      .finally(() => (inFlight = undefined));
    return inFlight;
  };
  const invalid = () => new UnauthenticatedError('The token is invalid or expired.', 'INVALID_TOKEN');

  return async (token) => {
    let kid: unknown;
    try {
      kid = decodeHeader(token).kid;
    } catch {
      throw invalid();
    }
    let current = keys ?? (await refresh());
    if (!current.some((key) => key.kid === kid) && now() - fetchedAt >= minRefreshIntervalMs) current = await refresh();
    let payload: Record<string, unknown>;
    try {
      payload = await verifyWithJwks(token, { keys: current, verification: { iss: issuer }, allowedAlgorithms: ['RS256'] });
    } catch {
      throw invalid();
    }
    // hono checks `exp` only when present; a Cognito token always has one, so a missing one is a forgery.
    if (typeof payload.exp !== 'number') throw invalid();
    if (payload.token_use !== undefined && payload.token_use !== 'id' && payload.token_use !== 'access') throw invalid();
    if (payload.aud !== clientId && payload.client_id !== clientId) {
      throw new UnauthenticatedError('The token was issued for another client.', 'INVALID_TOKEN');
    }
    return subjectOf(payload);
  };
}

/**
 * Cognito's hosted UI as the web pages' sign-in: the authorization-code flow
 * with PKCE for a public client (no client secret anywhere). The code is
 * redeemed server-side at the pool domain's token endpoint, so no token ever
 * appears in a URL or in browser history.
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
  return {
    authorizeUrl: ({ redirectUri, state, codeChallenge }) => {
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        state,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
      });
      return `${base}/oauth2/authorize?${query}`;
    },
    logoutUrl: ({ redirectUri }) => `${base}/logout?${new URLSearchParams({ client_id: clientId, logout_uri: redirectUri })}`,
    exchangeCode: async ({ code, redirectUri, codeVerifier }) => {
      let response: Response;
      try {
        response = await fetchImpl(`${base}/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: redirectUri, code_verifier: codeVerifier }),
          signal: AbortSignal.timeout(5_000),
        });
      } catch {
        throw new ServiceUnavailableError('The sign-in service did not answer; try again.', 5, 'SIGN_IN_UNAVAILABLE');
      }
      if (response.status >= 500) throw new ServiceUnavailableError('The sign-in service is unavailable; try again.', 5, 'SIGN_IN_UNAVAILABLE');
      const body = (await response.json().catch(() => ({}))) as { id_token?: unknown };
      if (!response.ok || typeof body.id_token !== 'string') {
        throw new UnauthenticatedError('The sign-in could not be completed; please sign in again.', 'SIGN_IN_FAILED');
      }
      return body.id_token;
    },
  };
}
