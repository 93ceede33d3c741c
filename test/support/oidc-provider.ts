import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata, type Configuration } from 'oidc-provider';

/**
 * A real OpenID Provider for tests: the `oidc-provider` package (an OpenID
 * Certified implementation), on a loopback port, with the clients a test
 * registers. Every endpoint is the provider's own (discovery, JWKS, authorize,
 * token, end session); only the login page is ours:
 *
 * - `signInAs(sub)`: the next login completes itself as that subject (fetch-driven flows);
 * - otherwise `/interaction/<uid>` shows a form (field `sub`, button "Sign in") a browser
 *   fills in, so a Chromium journey signs in the way a person would.
 *
 * Consent is granted at once for the requested scopes: the marketplace is a first-party client.
 */

export type SigningAlgorithm = 'RS256' | 'ES256';

export interface TestClient {
  clientId: string;
  /** Set for a confidential client; a public client authenticates with PKCE alone. */
  clientSecret?: string;
  tokenEndpointAuthMethod?: 'none' | 'client_secret_basic' | 'client_secret_post';
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** Signature algorithm of this client's ID tokens (the provider holds an RSA and an EC key). */
  idTokenAlg?: SigningAlgorithm;
  /** Lifetime of this client's ID tokens (default one hour). */
  idTokenTtlSeconds?: number;
}

export interface OidcProviderOptions {
  clients: TestClient[];
  /** Claims of an account beyond `sub` (default: an email and a name derived from the subject). */
  claimsOf?: (sub: string) => Record<string, unknown>;
}

/** A signing key as the provider holds it: a private JWK with its `kid` and `alg`. */
function newSigningKey(alg: SigningAlgorithm) {
  const { privateKey } = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...(privateKey.export({ format: 'jwk' }) as Record<string, unknown>), kid: `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`, alg, use: 'sig' };
}

const readForm = (req: IncomingMessage) =>
  new Promise<URLSearchParams>((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });

/**
 * The provider's storage: one Map per test process, shared by every provider
 * instance, so a restart for key rotation keeps sessions, grants and codes.
 */
const storage = new Map<string, { payload: Record<string, any>; expiresAt?: number }>();
class TestAdapter {
  constructor(private readonly model: string) {}
  private key(id: string) {
    return `${this.model}:${id}`;
  }
  async upsert(id: string, payload: Record<string, any>, expiresIn?: number) {
    storage.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
    if (payload.grantId) storage.set(`grant:${payload.grantId}:${this.key(id)}`, { payload: { ref: this.key(id) } });
    if (payload.uid) storage.set(`${this.model}:uid:${payload.uid}`, { payload: { ref: this.key(id) } });
    if (payload.userCode) storage.set(`${this.model}:userCode:${payload.userCode}`, { payload: { ref: this.key(id) } });
  }
  private read(key: string | undefined) {
    const entry = key === undefined ? undefined : storage.get(key);
    if (!entry || (entry.expiresAt !== undefined && entry.expiresAt <= Date.now())) return undefined;
    return entry.payload;
  }
  async find(id: string) {
    return this.read(this.key(id));
  }
  async findByUid(uid: string) {
    return this.read(this.read(`${this.model}:uid:${uid}`)?.ref);
  }
  async findByUserCode(userCode: string) {
    return this.read(this.read(`${this.model}:userCode:${userCode}`)?.ref);
  }
  async consume(id: string) {
    const entry = storage.get(this.key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string) {
    storage.delete(this.key(id));
  }
  async revokeByGrantId(grantId: string) {
    for (const key of [...storage.keys()].filter((name) => name.startsWith(`grant:${grantId}:`))) {
      storage.delete(storage.get(key)!.payload.ref);
      storage.delete(key);
    }
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export async function startOidcProvider(options: OidcProviderOptions) {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const claimsOf = options.claimsOf ?? ((sub: string) => ({ email: `${sub}@example.cn`, email_verified: true, name: sub }));
  const ttlByClient = new Map(options.clients.map((client) => [client.clientId, client.idTokenTtlSeconds ?? 3600]));

  /** Published keys, the signing key of each algorithm first. */
  let keys = [newSigningKey('RS256'), newSigningKey('ES256')];
  let nextSubject: string | undefined;

  const configure = (): Configuration => ({
    clients: options.clients.map(
      (client): ClientMetadata => ({
        client_id: client.clientId,
        ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
        token_endpoint_auth_method: client.tokenEndpointAuthMethod ?? (client.clientSecret ? 'client_secret_basic' : 'none'),
        redirect_uris: client.redirectUris,
        post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        id_token_signed_response_alg: client.idTokenAlg ?? 'RS256',
      }),
    ),
    adapter: TestAdapter as never,
    jwks: { keys: keys as never },
    cookies: { keys: cookieKeys },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, ...claimsOf(sub) }) }),
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // The provider's own confirmation form, without its default page around it.
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = `<!doctype html><html lang="en"><head><title>Sign out</title></head><body><h1>Sign out of the test identity provider?</h1>${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button></body></html>`;
        },
      },
    },
    pkce: { required: () => true },
    ttl: {
      IdToken: (_ctx, _token, client) => ttlByClient.get(client.clientId) ?? 3600,
      AccessToken: 3600,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Quiet: no "cookies.keys"/"findAccount" advice on stdout.
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>error</title><h1>${escapeHtml(String(out.error))}</h1><p>${escapeHtml(String(out.error_description ?? ''))}</p>`;
    },
  });

  let provider = new Provider(issuer, configure());
  let handle = provider.callback();

  /** Completes the login as `sub`, and the consent for what the client asked. */
  async function finishLogin(req: IncomingMessage, res: ServerResponse, sub: string) {
    await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
  }
  async function finishConsent(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    const { accountId } = details.session!;
    const clientId = String(details.params.client_id);
    const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId, clientId });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  server.on('request', async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    const interaction = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
    if (!interaction) return handle(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'consent') return await finishConsent(req, res);
      if (interaction[2] && req.method === 'POST') {
        const sub = (await readForm(req)).get('sub')?.trim();
        if (!sub) return void res.writeHead(400, { 'content-type': 'text/plain' }).end('sub is required');
        return await finishLogin(req, res, sub);
      }
      if (nextSubject !== undefined) {
        const sub = nextSubject;
        nextSubject = undefined;
        return await finishLogin(req, res, sub);
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
        `<!doctype html><html lang="en"><head><title>Test identity provider: sign in</title></head><body>
<h1>Test identity provider</h1>
<form method="post" action="/interaction/${escapeHtml(details.uid)}/login">
<label>Subject <input name="sub" autocomplete="username" required></label>
<button type="submit">Sign in</button>
</form></body></html>`,
      );
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`interaction failed: ${(error as Error).message}`);
    }
  });

  return {
    issuer,
    port,
    /** The next login completes by itself as this subject (no form). */
    signInAs(sub: string) {
      nextSubject = sub;
    },
    /** The key ids the provider publishes now. */
    get keyIds() {
      return keys.map((key) => String(key.kid));
    },
    /**
     * Key rotation: new signing keys (they sign from now on), the old ones still published for
     * tokens in flight unless `dropOld`. The provider restarts on the same issuer and port;
     * sessions and grants survive (its memory adapter is per process).
     */
    rotateKeys({ dropOld = false }: { dropOld?: boolean } = {}) {
      const fresh = [newSigningKey('RS256'), newSigningKey('ES256')];
      keys = dropOld ? fresh : [...fresh, ...keys];
      provider = new Provider(issuer, configure());
      handle = provider.callback();
      return fresh.map((key) => String(key.kid));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type TestOidcProvider = Awaited<ReturnType<typeof startOidcProvider>>;

/** A minimal cookie jar for driving the provider's pages with fetch: name=value per origin, no attributes. */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  store(url: string, response: Response) {
    const origin = new URL(url).origin;
    const jar = this.cookies.get(origin) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(origin, jar);
  }

  header(url: string) {
    const jar = this.cookies.get(new URL(url).origin);
    return jar ? [...jar].map(([name, value]) => `${name}=${value}`).join('; ') : '';
  }
}

/**
 * Follows a browser's redirects from `startUrl` until one leaves for `redirectUri`
 * (the relying party's callback) and returns that URL, with `code` and `state`.
 * The provider's login must be set up first (`signInAs`).
 */
export async function followToCallback(startUrl: string, redirectUri: string, jar = new CookieJar(), maxHops = 12) {
  let url = startUrl;
  for (let hop = 0; hop < maxHops; hop += 1) {
    if (url.startsWith(redirectUri)) return new URL(url);
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
    jar.store(url, response);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(`${url} answered ${response.status} instead of a redirect: ${(await response.text()).slice(0, 300)}`);
    }
    url = new URL(location, url).toString();
  }
  throw new Error(`no redirect to ${redirectUri} within ${maxHops} hops`);
}
