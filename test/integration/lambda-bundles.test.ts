import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createAssociation, type JobReport } from '@sharedtech/services';
import { startTestApi, testClock } from '../support/harness.js';
import { consortium, creditCode, openRequest, requestBody, uniqueSub } from '../support/fixtures.js';
import { cognitoAccessToken, rsaSigningKey, startJwksServer } from '../support/jwks.js';
import { deployedEnvironment, httpApiEvent, initFiles, startAwsStubs, startExecutionEnvironment, synthesiseFunctionBundles, type Invocation } from '../support/lambda.js';

// The deployed artefacts, built once for this file: CDK synthesises the real app
// and bundles both functions with the local esbuild, exactly as `cdk deploy` would.
const bundles = synthesiseFunctionBundles();
afterAll(() => bundles.cleanup());

// A table in the shared DynamoDB Local. The harness seeds it through the local
// app with a clock 30 days back, which gives the jobs function a request whose
// bidding deadline has passed; everything else goes through the Lambda bundles.
const seeder = await startTestApi({ clock: testClock(Date.now() - 30 * 86_400_000) });
const seeded = await consortium(seeder);
const expiredRequestId = await openRequest(seeder, seeded.enterprise.caller, seeded.moderator);

// The user pool stand-in: a signing key whose JWKS a loopback server publishes under the issuer URL.
const poolKey = rsaSigningKey();
const jwks = await startJwksServer([poolKey.publicJwk]);
const clientId = 'web-client-id-1234';
afterAll(() => jwks.close());

const cursorSecretArn = 'arn:aws:secretsmanager:cn-north-1:123456789012:secret:CursorSigningKey-AbCdEf';
const aws = await startAwsStubs({ [cursorSecretArn]: randomBytes(32).toString('base64url') });
afterAll(() => aws.close());

/**
 * A function's environment: the variables its template sets (CloudFormation
 * references resolved to this test's resources), what the Lambda runtime adds,
 * and the SDK's standard endpoint overrides pointing at loopback.
 */
const environmentOf = ({ environment, runtimeEnvironment }: { environment: Record<string, unknown>; runtimeEnvironment: Record<string, string> }) => ({
  ...runtimeEnvironment,
  ...deployedEnvironment(environment, {
    TABLE_NAME: seeder.tableName,
    CURSOR_SECRET_ARN: cursorSecretArn,
    EVENT_BUS_NAME: 'marketplace-test-bus',
    JWT_ISSUER: jwks.issuer,
    JWT_AUDIENCE: clientId,
    // The hosted sign-in is only redirected to by the pages, never called by these tests.
    AUTH_BASE_URL: 'https://sharedtech-test.auth.cn-north-1.amazoncognito.com',
    // Presigning is local: these tests never reach the bucket.
    ATTACHMENT_BUCKET: 'sharedtech-test-attachments',
  }),
  AWS_REGION: 'cn-north-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
  AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoint,
  AWS_ENDPOINT_URL_EVENTBRIDGE: aws.endpoint,
  // Node 20 runs the bundle here, Node 22 on Lambda: the SDK's upgrade notice is not the function's output.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

const apiFunction = await startExecutionEnvironment(bundles.api.entry, environmentOf(bundles.api), 'ApiFunction');
afterAll(() => apiFunction.stop());

/** Every invocation of the API function, for the logging tests. */
const apiInvocations: Invocation[] = [];
async function invokeApi(event: ReturnType<typeof httpApiEvent>) {
  const invocation = await apiFunction.invoke(event);
  apiInvocations.push(invocation);
  return invocation as Invocation & { context: { awsRequestId: string } };
}

/** A Cognito user: an access token signed by the pool key, and calls through the API bundle as API Gateway makes them. */
async function cognitoUser(sub = uniqueSub('cognito')) {
  const claims = { sub, iss: jwks.issuer, client_id: clientId, token_use: 'access' };
  const token = await cognitoAccessToken(poolKey, { sub, issuer: jwks.issuer, clientId });
  const call = async (method: string, path: string, body?: unknown, query?: string) => {
    const { result } = await invokeApi(httpApiEvent(method, path, { token, claims, body, query }));
    return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
  };
  return { sub, token, call };
}

const detailOf = (entry: { Detail: string }) => JSON.parse(entry.Detail) as { type: string; entity: { type: string; id: string }; data: Record<string, unknown> };

describe('the bundles CDK staged', () => {
  it.each([
    ['api', bundles.api.entry],
    ['jobs', bundles.jobs.entry],
  ])('%s: minified ES modules, code-split (chunks load on first use), each with the CommonJS shim and a source map into the TypeScript sources', (name, entry) => {
    const chunkDir = join(dirname(entry), 'chunks');
    const files = [entry, ...(existsSync(chunkDir) ? readdirSync(chunkDir).filter((file) => file.endsWith('.mjs')).map((file) => join(chunkDir, file)) : [])];
    expect(files.length).toBeGreaterThan(1);
    const sources = new Set<string>();
    let chars = 0;
    let lines = 0;
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[]; sourcesContent?: unknown };
      chars += code.length;
      lines += code.split('\n').length;
      expect(code.startsWith("import { createRequire as __sharedtechCreateRequire } from 'node:module';")).toBe(true);
      expect(map.sourcesContent).toBeUndefined();
      for (const source of map.sources) sources.add(source);
    }
    expect(chars / lines).toBeGreaterThan(500); // minified: long lines (only template literals keep newlines)
    expect(readFileSync(entry, 'utf8')).toMatch(/export\s*\{[^}]*\bhandler\b/);
    expect([...sources].some((source) => source.endsWith(`functions/${name}.ts`))).toBe(true);
    expect([...sources].some((source) => source.includes('packages/core/src/'))).toBe(true);
    expect(existsSync(entry.replace(/index\.mjs$/, 'package.json'))).toBe(false);
  });
});

describe('what the API function loads at init', () => {
  it('is the entry and the chunks it imports statically: no page code, no S3, EventBridge or Secrets Manager client (those load on first use)', () => {
    const sources = initFiles(bundles.api.entry).flatMap((file) => (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources);
    expect(sources.some((source) => source.includes('packages/api/src/'))).toBe(true);
    expect(sources.filter((source) => /packages\/web\/src\/(pages|components|i18n)\/|@aws-sdk\/client-(s3|eventbridge|secrets-manager)\//.test(source))).toEqual([]);
  });

  /** The sources a first request loads: the init's, and the chunks holding `modules` with what they import statically. */
  const sourcesOfFirstRequest = (...modules: string[]) => {
    const chunks = readdirSync(join(dirname(bundles.api.entry), 'chunks')).filter((name) => name.endsWith('.mjs')).map((name) => join(dirname(bundles.api.entry), 'chunks', name));
    const sourcesOf = (file: string) => (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources;
    const holding = modules.map((module) => chunks.find((chunk) => sourcesOf(chunk).some((source) => source.endsWith(module)))!);
    expect(holding.every(Boolean)).toBe(true);
    return [bundles.api.entry, ...holding].flatMap(initFiles).flatMap(sourcesOf);
  };
  const VALIDATION_LAYER = /node_modules\/zod\/|shims\/zod\/|zod-to-openapi|@hono\/zod-openapi/;

  it('answers a first GET /v1/me without loading zod or the OpenAPI layer (authentication reads the caller without them)', () => {
    expect(sourcesOfFirstRequest('packages/api/src/middleware/auth.ts', 'packages/api/src/routes/me.ts').filter((source) => VALIDATION_LAYER.test(source))).toEqual([]);
    // A route with input does load them: the check above could fail.
    expect(sourcesOfFirstRequest('packages/api/src/middleware/auth.ts', 'packages/api/src/routes/requests.ts').some((source) => VALIDATION_LAYER.test(source))).toBe(true);
  });
});

describe('the API bundle behind API Gateway', () => {
  it('initialised once: configuration, no Secrets Manager call before a page needs a cursor, and no output but JSON', () => {
    expect(aws.secretReads).toEqual([]);
    expect(apiFunction.initOutput.text).toEqual([]);
  });

  it('creates an organisation, has it verified, posts a request — all through the Lambda entry point', async () => {
    // Prepare: an association made by the operator command, and an enterprise user.
    const moderator = await cognitoUser();
    await createAssociation(seeder.deps, { name: '部署测试协会', ownerSub: moderator.sub });
    const owner = await cognitoUser();

    // Act
    const created = await owner.call('POST', '/v1/orgs', { type: 'ENTERPRISE', name: '云端精密制造有限公司', cluster: 'smart-manufacturing', creditCode: creditCode() });
    const verified = await moderator.call('POST', `/v1/orgs/${created.json.id}/verification`, { decision: 'VERIFY' });
    const posted = await owner.call('POST', '/v1/requests', requestBody({ clock: () => new Date() } as never, { title: '部署环境中的需求' }));
    const submitted = await owner.call('POST', `/v1/requests/${posted.json.id}/submit`, {});
    const me = await owner.call('GET', '/v1/me');

    // Assess
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json).toMatchObject({ type: 'ENTERPRISE', status: 'PENDING' });
    expect(created.headers['content-type']).toMatch(/^application\/json/);
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json.status).toBe('VERIFIED');
    expect(posted.statusCode, posted.body).toBe(201);
    expect(posted.json).toMatchObject({ status: 'DRAFT', ownerOrgId: created.json.id, title: '部署环境中的需求' });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json.status).toBe('SUBMITTED');
    expect(me.json).toMatchObject({ sub: owner.sub });

    // Each committed change went to the bus the stack names, as a marketplace event.
    const mine = new Set([created.json.id, posted.json.id]);
    const published = aws.putEvents.filter((entry) => mine.has(detailOf(entry).entity.id));
    expect(published.map((entry) => entry.DetailType)).toEqual(['organisation.register', 'organisation.verify', 'request.create', 'request.submit']);
    for (const entry of published) expect(entry).toMatchObject({ EventBusName: 'marketplace-test-bus', Source: 'sharedtech.marketplace' });
    expect(detailOf(published[1]!)).toMatchObject({ type: 'organisation.verify', data: { before: 'PENDING', after: 'VERIFIED', actor: { sub: moderator.sub } } });
  });

  it('pages with cursors signed by the key from Secrets Manager, and refuses a forged one', async () => {
    const reader = await cognitoUser();
    const first = await reader.call('GET', '/v1/requests', undefined, 'status=OPEN&limit=1');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json.items).toHaveLength(1);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await reader.call('GET', '/v1/requests', undefined, `status=OPEN&limit=1&cursor=${encodeURIComponent(first.json.nextCursor)}`);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json.items.map((request: { id: string }) => request.id)).not.toContain(first.json.items[0].id);
    const forged = await reader.call('GET', '/v1/requests', undefined, `status=OPEN&cursor=${encodeURIComponent(`${first.json.nextCursor.slice(0, -1)}x`)}`);
    expect(forged.statusCode).toBe(400);
    expect(forged.json.error.code).toBe('INVALID_CURSOR');
    // The key was read for the first cursor, once for the container.
    expect(aws.secretReads).toEqual([cursorSecretArn]);
  });

  it('refuses tokens that are missing, signed by another key, for another client, expired or from another pool', async () => {
    // Prepare
    const sub = uniqueSub('intruder');
    const impostorKey = rsaSigningKey(poolKey.kid); // same kid, different key
    const tokens = [
      undefined,
      await cognitoAccessToken(impostorKey, { sub, issuer: jwks.issuer, clientId }),
      await cognitoAccessToken(poolKey, { sub, issuer: jwks.issuer, clientId: 'another-client' }),
      await cognitoAccessToken(poolKey, { sub, issuer: jwks.issuer, clientId, exp: Math.floor(Date.now() / 1000) - 1 }),
      await cognitoAccessToken(poolKey, { sub, issuer: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_other', clientId }),
    ];

    // Act
    const responses = await Promise.all(tokens.map(async (token) => (await invokeApi(httpApiEvent('GET', '/v1/me', { token }))).result));

    // Assess
    expect(responses.map((response) => response.statusCode)).toEqual([401, 401, 401, 401, 401]);
    expect(responses.slice(1).map((response) => JSON.parse(response.body).error.code)).toEqual(['INVALID_TOKEN', 'INVALID_TOKEN', 'INVALID_TOKEN', 'INVALID_TOKEN']);
  });

  it('read the pool keys once for all the calls above (cached per container)', () => {
    expect(jwks.requests).toBe(1);
  });

  it('serves the public routes and has no /dev/token in the deployed stage', async () => {
    const health = (await invokeApi(httpApiEvent('GET', '/health'))).result;
    const devToken = (await invokeApi(httpApiEvent('POST', '/dev/token', { body: { sub: 'anyone' } }))).result;
    const openapi = (await invokeApi(httpApiEvent('GET', '/openapi.json'))).result;

    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
    expect(devToken.statusCode).toBe(404);
    expect(openapi.statusCode).toBe(200);
    expect(Object.keys(JSON.parse(openapi.body).paths)).not.toContain('/dev/token');
  });

  it('ships the API reference script beside the bundle and serves /docs from it', async () => {
    const shipped = readFileSync(join(dirname(bundles.api.entry), 'api-reference.js'), 'utf8');
    const docs = (await invokeApi(httpApiEvent('GET', '/docs'))).result;
    const script = (await invokeApi(httpApiEvent('GET', '/docs/reference.js'))).result;

    expect(docs.statusCode).toBe(200);
    expect(docs.headers?.['content-security-policy']).toContain("script-src 'self'");
    expect(script.statusCode).toBe(200);
    const body = script.isBase64Encoded ? Buffer.from(script.body, 'base64').toString('utf8') : script.body;
    expect(body.length).toBe(shipped.length);
  });

  it('logs structured JSON with the Lambda and API Gateway request ids, and emits EMF metrics', async () => {
    // Prepare
    const user = await cognitoUser();
    const event = httpApiEvent('POST', '/v1/orgs', { token: user.token, claims: { sub: user.sub }, body: { type: 'COLLEGE', name: '日志测试职业技术学院', creditCode: creditCode() } });

    // Act
    const { result, json, context } = await invokeApi(event);

    // Assess
    expect(result.statusCode).toBe(201);
    expect(json.find((line) => line.message === 'Request handled')).toMatchObject({
      level: 'INFO',
      service: 'marketplace-api',
      function_name: 'ApiFunction',
      function_request_id: context.awsRequestId,
      apiRequestId: event.requestContext.requestId,
      routeKey: 'POST /v1/{proxy+}',
      method: 'POST',
      path: '/v1/orgs',
      status: 201,
      stage: 'dev',
    });
    const emf = json.find((line) => line._aws && 'DomainEventsPublished' in line);
    expect(emf?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'SharedTechMarketplace', Dimensions: [['service']] });
    expect(emf).toMatchObject({ service: 'marketplace-api', DomainEventsPublished: 1 });
  });

  it('marked only the first invocation as a cold start, and wrote nothing but JSON', () => {
    const handled = apiInvocations.flatMap((invocation) => invocation.json.filter((line) => line.message === 'Request handled'));
    expect(handled).toHaveLength(apiInvocations.length);
    expect(handled.map((line) => line.cold_start)).toEqual(handled.map((_line, index) => index === 0));
    const coldStartMetrics = apiInvocations.flatMap((invocation) => invocation.json.filter((line) => line._aws && 'ColdStart' in line));
    expect(coldStartMetrics).toHaveLength(1);
    expect(apiInvocations.flatMap((invocation) => invocation.text)).toEqual([]);
  });
});

describe('the jobs bundle on its schedule', () => {
  it('closes requests whose bidding deadline passed, publishes the change and reports it', async () => {
    // Prepare
    const jobsFunction = await startExecutionEnvironment(bundles.jobs.entry, environmentOf(bundles.jobs), 'JobsFunction');
    expect((await seeder.call<{ status: string }>('GET', `/v1/requests/${expiredRequestId}`, seeded.enterprise.caller.token)).body.status).toBe('OPEN');

    try {
      // Act: the payload EventBridge Scheduler sends.
      const { result: report, json, text } = await jobsFunction.invoke<JobReport>({ source: 'sharedtech.scheduler', job: 'all' });

      // Assess
      expect(report.closedRequests).toBeGreaterThanOrEqual(1);
      expect(report.failures).toEqual([]);
      expect((await seeder.call<{ status: string }>('GET', `/v1/requests/${expiredRequestId}`, seeded.enterprise.caller.token)).body.status).toBe('CLOSED');
      expect(aws.putEvents.some((entry) => entry.DetailType === 'request.close' && detailOf(entry).entity.id === expiredRequestId)).toBe(true);
      expect(json.find((line) => line.message === 'Scheduled jobs finished')).toMatchObject({ service: 'marketplace-jobs', level: 'INFO', cold_start: true });
      const emf = json.find((line) => line._aws && 'JobItemFailures' in line);
      expect(emf).toMatchObject({ service: 'marketplace-jobs', JobItemFailures: 0, closedRequests: report.closedRequests });
      expect(text).toEqual([]);
    } finally {
      await jobsFunction.stop();
    }
  });

  it('upgrades existing data when an operator invokes it with {"job": "upgrade-data"}', async () => {
    const jobsFunction = await startExecutionEnvironment(bundles.jobs.entry, environmentOf(bundles.jobs), 'JobsFunction');
    try {
      const { result: upgrade, json } = await jobsFunction.invoke<{ deadlineTimers: number; studioCapabilities: number; bidsReindexed: number; requestsNormalised: number }>({ job: 'upgrade-data' });
      expect(upgrade).toEqual({
        requestsNormalised: 0,
        deadlineTimers: expect.any(Number),
        studioCapabilities: expect.any(Number),
        bidsReindexed: expect.any(Number),
        searchReindexed: expect.any(Number),
        auditRecordsChained: 0,
        rostersBackfilled: expect.any(Number),
        rostersTooLarge: [],
        bidCountsSet: expect.any(Number),
        statsClustersRecounted: expect.any(Number),
        accountTotalsSet: expect.any(Number),
        appointmentsIndexed: expect.any(Number),
        contractsIndexed: expect.any(Number),
        studiosIndexed: expect.any(Number),
        governmentsRecounted: expect.any(Number),
        milestonesDated: expect.any(Number),
        registrationsIndexed: expect.any(Number),
        statementsIndexed: expect.any(Number),
        trackRecordsSet: expect.any(Number),
      });
      expect(upgrade.studioCapabilities).toBeGreaterThanOrEqual(1);
      expect(json.find((line) => line.message === 'Data upgrade finished')).toMatchObject({ service: 'marketplace-jobs', level: 'INFO' });
    } finally {
      await jobsFunction.stop();
    }
  });
});
