import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { addMarketplace } from '@sharedtech/infra';
import { oidcHostedSignIn } from '@sharedtech/identity';
import CDK_JSON from '../../cdk.json' with { type: 'json' };
import { startTestApi } from '../support/harness.js';
import { deployedEnvironment, httpApiEvent, startAwsStubs, startExecutionEnvironment } from '../support/lambda.js';
import { CookieJar, followToCallback, startOidcProvider } from '../support/oidc-provider.js';

/**
 * The China stage's API function as `cdk deploy -c stage=cn` would ship it (the
 * real bundle, its template environment), signing people in through a real
 * OpenID Provider on loopback: the pages' sign-in (authorization code + PKCE,
 * a confidential client whose secret comes from Secrets Manager), then the
 * JSON API with the provider's token, as API Gateway delivers it.
 */

const cn = (CDK_JSON.context.stages as Record<string, any>).cn;
const site = `https://${cn.domain.name}`;
const clientSecretArn = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:sharedtech/oidc-client-AbCdEf';
const clientSecret = randomBytes(24).toString('base64url');

// The cn stage with a confidential client, synthesized and bundled with the local esbuild.
const outdir = mkdtempSync(join(tmpdir(), 'sharedtech-cn-'));
process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const app = new App({
  outdir,
  builtinCloudFormationValidation: false,
  context: {
    ...CDK_JSON.context,
    stage: 'cn',
    stages: { ...CDK_JSON.context.stages, cn: { ...cn, identity: { ...cn.identity, clientSecretArn } } },
    'aws:cdk:enable-asset-metadata': true,
  },
});
const { api } = addMarketplace(app, { nag: false });
const template = app.synth().getStackByName(api.stackName).template as { Resources: Record<string, any> };
const apiResource = template.Resources[api.getLogicalId(api.apiFunction.node.defaultChild as never)];
const bundleEntry = join(outdir, apiResource.Metadata['aws:asset:path'], 'index.mjs');

// The provider, with the marketplace's client registered as the README's "Deploying" section says.
const op = await startOidcProvider({
  clients: [
    {
      clientId: cn.identity.clientId,
      clientSecret,
      redirectUris: [`${site}/auth/callback`],
      postLogoutRedirectUris: [`${site}/signin`],
    },
    { clientId: 'another-application', redirectUris: [`${site}/auth/callback`] },
  ],
});
const stranger = await startOidcProvider({ clients: [{ clientId: cn.identity.clientId, redirectUris: [`${site}/auth/callback`] }] });
afterAll(() => Promise.all([op.close(), stranger.close()]));

const seeder = await startTestApi();
const cursorSecretArn = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:CursorSigningKey-AbCdEf';
const aws = await startAwsStubs({ [cursorSecretArn]: randomBytes(32).toString('base64url'), [clientSecretArn]: JSON.stringify({ clientSecret }) });
afterAll(() => aws.close());

const environment = apiResource.Properties.Environment.Variables as Record<string, unknown>;
const apiFunction = await startExecutionEnvironment(
  bundleEntry,
  {
    ...deployedEnvironment(environment, {
      TABLE_NAME: seeder.tableName,
      CURSOR_SECRET_ARN: cursorSecretArn,
      EVENT_BUS_NAME: 'marketplace-test-bus',
      // Presigning is local: these tests never reach the bucket.
      ATTACHMENT_BUCKET: 'sharedtech-test-attachments',
    }),
    // The one value a test must replace: the provider runs on loopback, not at the stage's issuer.
    JWT_ISSUER: op.issuer,
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: aws.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  },
  'ApiFunction',
);
afterAll(() => apiFunction.stop());

/** A request to the site's custom domain, as API Gateway hands it to the function. */
async function request(method: string, path: string, options: { query?: string; cookie?: string; token?: string; claims?: Record<string, unknown> } = {}) {
  const headers: Record<string, string> = { host: cn.domain.name, 'x-forwarded-proto': 'https', accept: 'text/html,application/json' };
  if (options.cookie) headers.cookie = options.cookie;
  const { result } = await apiFunction.invoke(httpApiEvent(method, path, { query: options.query, token: options.token, claims: options.claims, headers }));
  const cookies = (result.cookies ?? []) as string[];
  return { status: result.statusCode as number, location: (result.headers?.location ?? result.headers?.Location) as string | undefined, cookies, body: result.body as string };
}

const cookieValue = (cookies: string[], name: string) => cookies.map((line) => line.split(';')[0]!).find((pair) => pair.startsWith(`${name}=`))?.slice(name.length + 1);
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/** Signs in through the pages: /auth/start → the provider → /auth/callback; returns the session token. */
async function signInThroughPages(provider: typeof op, sub: string) {
  const start = await request('GET', '/auth/start', { query: 'next=%2Fme' });
  expect(start.status).toBe(302);
  const signInCookie = start.cookies.map((line) => line.split(';')[0]!).find((pair) => pair.startsWith('st_signin='))!;
  provider.signInAs(sub);
  const callback = await followToCallback(start.location!, `${site}/auth/callback`, new CookieJar());
  const done = await request('GET', '/auth/callback', { query: callback.search.slice(1), cookie: signInCookie });
  return { start, done, token: cookieValue(done.cookies, 'st_session') };
}

describe('the China stage’s API function with an OpenID Provider', () => {
  it('starts the sign-in at the provider’s authorization endpoint, with PKCE, back to https://<domain>/auth/callback', async () => {
    const start = await request('GET', '/auth/start');
    const authorize = new URL(start.location!);
    expect(start.status).toBe(302);
    expect(authorize.origin).toBe(op.issuer);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: cn.identity.clientId,
      redirect_uri: `${site}/auth/callback`,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
  });

  it('signs a person in through the pages (the client secret read from Secrets Manager) and serves the API to their token', async () => {
    // Act
    const { done, token } = await signInThroughPages(op, 'oidc-teacher-wang');

    // Assess: a session on the site, holding the provider's ID token for this client.
    expect(done.status).toBe(303);
    expect(done.location).toBe('/me');
    expect(token).toBeDefined();
    expect(claimsOf(token!)).toMatchObject({ iss: op.issuer, aud: cn.identity.clientId, sub: 'oidc-teacher-wang' });
    expect(aws.secretReads).toContain(clientSecretArn);

    // The JSON API takes the same token as a bearer (API Gateway's authorizer passes the claims along).
    const me = await request('GET', '/v1/me', { token, claims: claimsOf(token!) });
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ sub: 'oidc-teacher-wang' });
  });

  it('shows the stage’s ICP recordal number in the page footer, linked to the MIIT registry', async () => {
    const signin = await request('GET', '/signin');
    expect(signin.status).toBe(200);
    expect(signin.body).toContain(`<a href="https://beian.miit.gov.cn/" rel="noopener" target="_blank">${cn.icpRecordNumber}</a>`);
  });

  it('refuses tokens of another issuer or issued to another client with 401', async () => {
    const strangerStart = await signInElsewhere(stranger, cn.identity.clientId);
    const otherClient = await signInElsewhere(op, 'another-application');
    for (const token of [strangerStart, otherClient]) {
      const me = await request('GET', '/v1/me', { token, claims: claimsOf(token) });
      expect(me.status).toBe(401);
    }
  });
});

/** A token the marketplace must not accept: from the stranger provider, or for another client of the same provider. */
async function signInElsewhere(provider: typeof op, clientId: string) {
  const hosted = oidcHostedSignIn({ issuer: provider.issuer, clientId });
  await hosted.ready();
  const verifier = randomBytes(32).toString('base64url');
  provider.signInAs('intruder');
  const callback = await followToCallback(
    hosted.authorizeUrl({ redirectUri: `${site}/auth/callback`, state: 's', codeChallenge: createHash('sha256').update(verifier).digest('base64url') }),
    `${site}/auth/callback`,
  );
  return hosted.exchangeCode({ code: callback.searchParams.get('code')!, redirectUri: `${site}/auth/callback`, codeVerifier: verifier });
}
