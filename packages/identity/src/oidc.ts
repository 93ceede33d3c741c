import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { webcrypto } from 'node:crypto';
import { decode, verify } from 'hono/utils/jwt/jwt';
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';
import type { SignatureAlgorithm } from 'hono/utils/jwt/jwa';
import { ServiceUnavailableError, UnauthenticatedError } from '@sharedtech/core';
import { subjectOf, type HostedSignIn, type JwksFetcher, type TokenVerifier } from './types.js';
import { verifiedTokens } from './verified.js';

/** What we read from `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0, section 3). */
export interface OidcProviderMetadata {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  end_session_endpoint?: string;
  id_token_signing_alg_values_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  code_challenge_methods_supported?: string[];
}

/** The signature algorithms we verify: asymmetric only, so a key set can never double as an HMAC secret. */
export const SUPPORTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
type SupportedAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];
const isSupported = (alg: unknown): alg is SupportedAlgorithm => SUPPORTED_ALGORITHMS.includes(alg as SupportedAlgorithm);

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https, or plain http on loopback only (the providers tests start). */
export function isTrustedUrl(value: unknown): value is string {
  if (typeof value !== 'string' || !URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/** The discovery document's address: the issuer without a trailing slash, then the well-known path. */
export const openidConfigurationUrl = (issuer: string) => `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;

const providerUnavailable = (detail: string) =>
  new ServiceUnavailableError(`The identity provider could not be reached (${detail}).`, 5, 'IDENTITY_PROVIDER_UNAVAILABLE');

const stringList = (value: unknown) => (Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined);

/**
 * Checks a discovery document the way the specification asks: its `issuer`
 * is exactly the one we were configured with (a document copied from another
 * provider is refused), and every endpoint is an https URL.
 */
export function parseProviderMetadata(issuer: string, body: unknown): OidcProviderMetadata {
  const doc = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (doc.issuer !== issuer) throw new Error(`the discovery document names issuer ${JSON.stringify(doc.issuer)}, not ${JSON.stringify(issuer)}`);
  if (!isTrustedUrl(doc.jwks_uri)) throw new Error('the discovery document has no https jwks_uri');
  const metadata: OidcProviderMetadata = { issuer, jwks_uri: doc.jwks_uri };
  for (const name of ['authorization_endpoint', 'token_endpoint', 'end_session_endpoint'] as const) {
    const value = doc[name];
    if (value === undefined) continue;
    if (!isTrustedUrl(value)) throw new Error(`the discovery document's ${name} is not an https URL`);
    metadata[name] = value;
  }
  for (const name of ['id_token_signing_alg_values_supported', 'token_endpoint_auth_methods_supported', 'code_challenge_methods_supported'] as const) {
    const list = stringList(doc[name]);
    if (list) metadata[name] = list;
  }
  return metadata;
}

/**
 * Reads an OpenID Provider's metadata from `<issuer>/.well-known/openid-configuration`.
 * A provider that does not answer, answers an error or answers something that
 * is not its own metadata is a ServiceUnavailableError (503): the caller's
 * token or sign-in may be fine, the provider is not usable right now.
 */
export async function discoverOidc(issuer: string, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<OidcProviderMetadata> {
  const { fetch: fetchImpl = fetch, timeoutMs = 3_000 } = options;
  let response: Response;
  try {
    response = await fetchImpl(openidConfigurationUrl(issuer), { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw providerUnavailable(`discovery: ${(error as Error).message}`);
  }
  if (!response.ok) throw providerUnavailable(`discovery answered ${response.status}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw providerUnavailable('discovery answered something that is not JSON');
  }
  try {
    return parseProviderMetadata(issuer, body);
  } catch (error) {
    throw providerUnavailable((error as Error).message);
  }
}

/** A provider's metadata as the verifier and the hosted sign-in share it. */
export interface OidcDiscovery {
  readonly issuer: string;
  /** The metadata: read once and kept; concurrent callers share one request; a failure is not kept. */
  metadata(): Promise<OidcProviderMetadata>;
  /** The metadata if it has been read (for synchronous callers: the authorize and logout URLs). */
  current(): OidcProviderMetadata | undefined;
}

/**
 * Discovery read once per container. After a failure the next attempt waits
 * `retryAfterMs` (callers get the same 503 meanwhile), so an outage of the
 * provider does not turn every request into a request to it.
 */
export function oidcDiscovery(
  issuer: string,
  options: { fetch?: typeof fetch; timeoutMs?: number; retryAfterMs?: number; now?: () => number } = {},
): OidcDiscovery {
  const { retryAfterMs = 5_000, now = Date.now } = options;
  let known: OidcProviderMetadata | undefined;
  let inFlight: Promise<OidcProviderMetadata> | undefined;
  let failure: { at: number; error: unknown } | undefined;
  return {
    issuer,
    current: () => known,
    metadata: () => {
      if (known) return Promise.resolve(known);
      if (failure && now() - failure.at < retryAfterMs) return Promise.reject(failure.error);
      inFlight ??= discoverOidc(issuer, options)
        .then((metadata) => {
          known = metadata;
          failure = undefined;
          return metadata;
        })
        .catch((error: unknown) => {
          failure = { at: now(), error };
          throw error;
        })
        .finally(() => (inFlight = undefined));
      return inFlight;
    },
  };
}

/** Metadata known in advance (Cognito's fixed layout, or a provider without discovery): nothing is fetched. */
export function staticDiscovery(metadata: OidcProviderMetadata): OidcDiscovery {
  return { issuer: metadata.issuer, current: () => metadata, metadata: async () => metadata };
}

/** A key set is a few KiB; anything much larger is not one. */
const MAX_JWKS_BYTES = 256 * 1024;

/**
 * GET of a JSON document with Node's own http(s) client (the one the AWS SDK
 * has loaded already), not `fetch`: the first `fetch` of a process loads
 * undici, tens of milliseconds on the first authenticated request of every
 * cold start.
 */
function getJson(uri: string, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const get = uri.startsWith('https:') ? httpsGet : httpGet;
    const request = get(uri, { headers: { accept: 'application/json' }, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_JWKS_BYTES) request.destroy(new Error('JWKS response is too large'));
        else chunks.push(chunk);
      });
      response.on('error', reject);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 299) return resolve({ status, body: undefined });
        try {
          resolve({ status, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch {
          reject(new Error('JWKS response is not JSON'));
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`JWKS request timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/** Reads a JSON Web Key Set over HTTPS (with a given `fetch`, or Node's http client). */
export const fetchJwks =
  (fetchImpl?: typeof fetch): JwksFetcher =>
  async (uri) => {
    let status: number;
    let body: { keys?: unknown } | undefined;
    if (fetchImpl) {
      const response = await fetchImpl(uri, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(3_000) });
      status = response.status;
      body = response.ok ? ((await response.json()) as { keys?: unknown }) : undefined;
    } else {
      ({ status, body } = (await getJson(uri, 3_000)) as { status: number; body: { keys?: unknown } | undefined });
    }
    if (status < 200 || status > 299) throw new Error(`JWKS request answered ${status}`);
    if (!Array.isArray(body?.keys)) throw new Error('JWKS response has no "keys" array');
    return body.keys as HonoJsonWebKey[];
  };

export interface OidcVerifierOptions {
  /** The issuer URL exactly as the provider's tokens carry it in `iss`. */
  issuer: string;
  /** The client id the tokens are issued for: ID tokens carry it in `aud`, OAuth JWT access tokens in `client_id` or `aud`. */
  audience: string;
  /** Shared with the hosted sign-in; by default read from `<issuer>/.well-known/openid-configuration`. */
  discovery?: OidcDiscovery;
  fetch?: typeof fetch;
  fetchKeys?: JwksFetcher;
  now?: () => number;
  /** A token with an unknown `kid` refetches the key set at most this often (key rotation). */
  minRefreshIntervalMs?: number;
  /** Signature algorithms to accept; by default those the provider advertises for ID tokens (RS256 if it says nothing). */
  algorithms?: readonly SupportedAlgorithm[];
  /** Further checks of the verified payload (Cognito's `token_use`); throw to refuse. */
  checkClaims?: (payload: Record<string, unknown>) => void;
}

const invalid = () => new UnauthenticatedError('The token is invalid or expired.', 'INVALID_TOKEN');

/** WebCrypto parameters of each algorithm we verify (as hono's `verify` imports a JWK for it). */
const IMPORT_PARAMETERS: Record<SupportedAlgorithm, webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams> = {
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  RS384: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  RS512: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  PS384: { name: 'RSA-PSS', hash: 'SHA-384' },
  PS512: { name: 'RSA-PSS', hash: 'SHA-512' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  ES384: { name: 'ECDSA', namedCurve: 'P-384' },
  ES512: { name: 'ECDSA', namedCurve: 'P-521' },
};

/** Each key of a key set is imported once per algorithm, not once per token. */
const imported = new WeakMap<HonoJsonWebKey, Map<SupportedAlgorithm, Promise<webcrypto.CryptoKey>>>();
function importedKey(jwk: HonoJsonWebKey, alg: SupportedAlgorithm): Promise<webcrypto.CryptoKey> {
  let byAlg = imported.get(jwk);
  if (!byAlg) imported.set(jwk, (byAlg = new Map()));
  let key = byAlg.get(alg);
  if (!key) {
    key = webcrypto.subtle.importKey('jwk', jwk as webcrypto.JsonWebKey, IMPORT_PARAMETERS[alg], false, ['verify']);
    // A key that cannot be imported is refused now and tried afresh next time.
    key.catch(() => byAlg.delete(alg));
    byAlg.set(alg, key);
  }
  return key;
}

/** Key types that can verify each algorithm family. */
const keyTypeOf = (alg: SupportedAlgorithm) => (alg.startsWith('ES') ? 'EC' : 'RSA');

/** The key a token names: by `kid`; without one, the only signing key of the right type (single-key providers). */
function keyFor(keys: HonoJsonWebKey[], header: { alg: SupportedAlgorithm; kid?: unknown }) {
  const usable = keys.filter((key) => {
    const { use, kty, alg } = key as { use?: unknown; kty?: unknown; alg?: unknown };
    return (use === undefined || use === 'sig') && kty === keyTypeOf(header.alg) && (alg === undefined || alg === header.alg);
  });
  if (header.kid !== undefined) return usable.find((key) => key.kid === header.kid);
  return usable.length === 1 ? usable[0] : undefined;
}

/**
 * Tokens of any OpenID Provider, checked against its key set for signature
 * (the asymmetric algorithms the provider advertises), issuer, expiry
 * (required), not-before and audience.
 *
 * The discovery document and the key set are read once per container and
 * kept: a token signed with a `kid` we do not hold triggers one refetch of the
 * keys (the provider rotated them), but no more often than
 * `minRefreshIntervalMs`, so forged kids cannot make us hammer the provider.
 * A provider that cannot be reached is a 503, not a 401: the token may be fine.
 */
export function oidcVerifier(options: OidcVerifierOptions): TokenVerifier {
  const { issuer, audience, now = Date.now, minRefreshIntervalMs = 60_000, checkClaims } = options;
  const discovery = options.discovery ?? oidcDiscovery(issuer, { fetch: options.fetch, now });
  if (discovery.issuer !== issuer) throw new Error(`The discovery of ${discovery.issuer} cannot verify tokens of ${issuer}`);
  const fetchKeys = options.fetchKeys ?? fetchJwks(options.fetch);

  let keys: HonoJsonWebKey[] | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<HonoJsonWebKey[]> | undefined;
  const accepted = verifiedTokens();
  /** Counts key sets read, so a check that began on an older one is not remembered. */
  let keySet = 0;
  const refresh = (jwksUri: string) => {
    inFlight ??= fetchKeys(jwksUri)
      .then((fresh) => {
        keys = fresh;
        // Tokens accepted with the old key set are checked again against this one.
        accepted.clear();
        keySet += 1;
        fetchedAt = now();
        return fresh;
      })
      .catch((error: unknown) => {
        throw providerUnavailable(`keys: ${(error as Error).message}`);
      })
      .finally(() => (inFlight = undefined));
    return inFlight;
  };

  const verifier: TokenVerifier = async (token) => {
    const known = accepted.get(token);
    if (known) return known;
    // Cheap refusals first, before anything is fetched: not a JWT, a symmetric or unknown algorithm, another issuer.
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      ({ header, payload: claims } = decode(token) as unknown as { header: Record<string, unknown>; payload: Record<string, unknown> });
    } catch {
      throw invalid();
    }
    const { alg, kid, typ } = header;
    if (!isSupported(alg) || claims.iss !== issuer) throw invalid();

    const metadata = await discovery.metadata();
    const allowed = options.algorithms ?? (metadata.id_token_signing_alg_values_supported?.filter(isSupported) ?? ['RS256']);
    if (!allowed.includes(alg)) throw invalid();

    let current = keys ?? (await refresh(metadata.jwks_uri));
    let key = keyFor(current, { alg, kid });
    if (!key && kid !== undefined && !current.some((known) => known.kid === kid) && now() - fetchedAt >= minRefreshIntervalMs) {
      current = await refresh(metadata.jwks_uri);
      key = keyFor(current, { alg, kid });
    }
    if (!key) throw invalid();
    const checkedWith = keySet;

    let payload: Record<string, unknown>;
    try {
      // JWT access tokens (RFC 9068) say so in `typ`; anything else must be a plain JWT.
      const accessTokenTyp = typeof typ === 'string' && /^(application\/)?at\+jwt$/i.test(typ) ? typ : undefined;
      payload = (await verify(token, await importedKey(key, alg), { alg: alg as SignatureAlgorithm, iss: issuer, typ: accessTokenTyp })) as Record<string, unknown>;
    } catch {
      throw invalid();
    }
    // hono checks `exp` only when present; a provider's token always has one, so a missing one is a forgery.
    if (typeof payload.exp !== 'number') throw invalid();
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const forUs = audiences.includes(audience) || payload.client_id === audience;
    // With several audiences, OpenID Connect names the one it was issued to in `azp`.
    const authorisedParty = audiences.length > 1 && payload.azp !== undefined ? payload.azp === audience : true;
    if (!forUs || !authorisedParty) throw new UnauthenticatedError('The token was issued for another client.', 'INVALID_TOKEN');
    checkClaims?.(payload);
    const subject = subjectOf(payload);
    if (checkedWith === keySet) accepted.remember(token, subject.sub, payload);
    return subject;
  };
  // A failed read here is only a missed head start: the first token reads the keys again and reports it.
  verifier.warm = () => {
    if (!keys && !inFlight) void discovery.metadata().then((metadata) => refresh(metadata.jwks_uri)).catch(() => undefined);
  };
  return verifier;
}

/** The endpoints of a sign-in, when they are known without discovery (Cognito's hosted UI). */
export interface SignInEndpoints {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

export interface OidcHostedSignInOptions {
  /** The provider's metadata (shared with the verifier); or give `issuer` to discover it, or `endpoints` directly. */
  discovery?: OidcDiscovery;
  issuer?: string;
  endpoints?: SignInEndpoints;
  clientId: string;
  /** A confidential client's secret; none for a public client (PKCE alone). */
  clientSecret?: string;
  /** How the secret goes to the token endpoint; by default basic, or post if the provider supports only that. */
  tokenEndpointAuthMethod?: Exclude<ClientAuthMethod, 'none'>;
  /** Default `openid email profile`. */
  scope?: string;
  fetch?: typeof fetch;
  /** The end-session endpoint's query: OpenID RP-initiated logout by default; Cognito takes `logout_uri`. */
  logoutQuery?: (input: { clientId: string; redirectUri: string }) => Record<string, string>;
}

export interface OidcHostedSignIn extends HostedSignIn {
  /** Reads the provider's metadata now (at cold start), so the first sign-in does not wait for it. */
  ready(): Promise<void>;
}

const signInUnavailable = (detail = 'try again') => new ServiceUnavailableError(`The sign-in service is unavailable; ${detail}.`, 5, 'SIGN_IN_UNAVAILABLE');

/** The client authentication to use at the token endpoint for this client and provider. */
export function clientAuthMethod(options: Pick<OidcHostedSignInOptions, 'clientSecret' | 'tokenEndpointAuthMethod'>, supported?: string[]): ClientAuthMethod {
  if (!options.clientSecret) return 'none';
  if (options.tokenEndpointAuthMethod) return options.tokenEndpointAuthMethod;
  // The specification's default is client_secret_basic; use post only where the provider offers nothing else.
  return supported && !supported.includes('client_secret_basic') && supported.includes('client_secret_post') ? 'client_secret_post' : 'client_secret_basic';
}

/**
 * The web pages' sign-in through any OpenID Provider: the authorization-code
 * flow with PKCE (S256). The code is redeemed server-side at the provider's
 * token endpoint (with the client secret, if the client has one), so no token
 * ever appears in a URL or in browser history. Sign-out ends the provider's
 * session too, through its end-session endpoint when it has one.
 *
 * The authorize and logout URLs are synchronous: they use the metadata read at
 * cold start (`ready()`). If the provider could not be reached then, starting a
 * sign-in answers 503 and reads the metadata again in the background.
 */
export function oidcHostedSignIn(options: OidcHostedSignInOptions): OidcHostedSignIn {
  const { clientId, clientSecret, scope = 'openid email profile', fetch: fetchImpl = fetch } = options;
  const logoutQuery = options.logoutQuery ?? (({ clientId: id, redirectUri }) => ({ client_id: id, post_logout_redirect_uri: redirectUri }));
  const discovery: OidcDiscovery | undefined = options.endpoints
    ? undefined
    : (options.discovery ?? (options.issuer ? oidcDiscovery(options.issuer, { fetch: fetchImpl }) : undefined));
  if (!options.endpoints && !discovery) throw new Error('oidcHostedSignIn needs a discovery, an issuer or the endpoints');

  const known = (): Partial<OidcProviderMetadata> | undefined => options.endpoints ?? discovery?.current();
  const load = async (): Promise<Partial<OidcProviderMetadata>> => options.endpoints ?? (await discovery!.metadata());
  const endpointsNow = () => {
    const metadata = known();
    if (!metadata) {
      // Not read at cold start (provider down then): try again in the background for the next attempt.
      load().catch(() => undefined);
      throw signInUnavailable();
    }
    return metadata;
  };

  return {
    ready: async () => {
      await load();
    },
    authorizeUrl: ({ redirectUri, state, codeChallenge }) => {
      const { authorization_endpoint: endpoint } = endpointsNow();
      if (!endpoint) throw signInUnavailable('the identity provider has no authorization endpoint');
      const url = new URL(endpoint);
      const query = { response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope, state, code_challenge: codeChallenge, code_challenge_method: 'S256' };
      for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
      return url.toString();
    },
    logoutUrl: ({ redirectUri }) => {
      // Without the provider's metadata (it was down at cold start) the local session still ends.
      const endpoint = known()?.end_session_endpoint;
      if (!endpoint) return redirectUri;
      const url = new URL(endpoint);
      for (const [name, value] of Object.entries(logoutQuery({ clientId, redirectUri }))) url.searchParams.set(name, value);
      return url.toString();
    },
    exchangeCode: async ({ code, redirectUri, codeVerifier }) => {
      const metadata = await load().catch(() => {
        throw signInUnavailable();
      });
      if (!metadata.token_endpoint) throw signInUnavailable('the identity provider has no token endpoint');
      const method = clientAuthMethod(options, metadata.token_endpoint_auth_methods_supported);
      const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier });
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
      if (method === 'client_secret_basic') {
        // RFC 6749 section 2.3.1: both parts form-encoded before Base64.
        const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
        headers.authorization = `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret!)}`).toString('base64')}`;
      } else {
        body.set('client_id', clientId);
        if (method === 'client_secret_post') body.set('client_secret', clientSecret!);
      }
      let response: Response;
      try {
        response = await fetchImpl(metadata.token_endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) });
      } catch {
        throw new ServiceUnavailableError('The sign-in service did not answer; try again.', 5, 'SIGN_IN_UNAVAILABLE');
      }
      if (response.status >= 500) throw signInUnavailable();
      const answer = (await response.json().catch(() => ({}))) as { id_token?: unknown };
      if (!response.ok || typeof answer.id_token !== 'string') {
        throw new UnauthenticatedError('The sign-in could not be completed; please sign in again.', 'SIGN_IN_FAILED');
      }
      return answer.id_token;
    },
  };
}
