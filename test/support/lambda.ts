import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { addMarketplace } from '@sharedtech/infra';
import CDK_JSON from '../../cdk.json' with { type: 'json' };

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, string> }> };

export interface FunctionBundle {
  /** index.mjs of the asset CDK staged for deployment. */
  entry: string;
  /** The function's environment as the template sets it; CloudFormation references stay objects. */
  environment: Record<string, unknown>;
  /** What the Lambda runtime adds from the function's logging configuration. */
  runtimeEnvironment: Record<string, string>;
}

/**
 * The code files a bundle's init loads: its entry and, transitively, the chunks it imports
 * statically (`import … from"./chunks/…"`); chunks named only in `import("…")` load on first use.
 */
export function initFiles(entry: string): string[] {
  const loaded = new Set<string>();
  const visit = (file: string) => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+)["']/g)) visit(join(dirname(file), match[1]!));
  };
  visit(entry);
  return [...loaded];
}

/**
 * Synthesises the real CDK app with bundling on — the same `addMarketplace`
 * that `cdk synth` runs, hence the same construct, the same shared bundling
 * options and the same local esbuild — into a temporary cloud assembly, and
 * returns the staged asset of each function. Built-in CloudFormation
 * validation is off (it adds seconds and is not what this test is about).
 */
export function synthesiseFunctionBundles() {
  const outdir = mkdtempSync(join(tmpdir(), 'sharedtech-cdk-'));
  const cleanup = () => rmSync(outdir, { recursive: true, force: true });
  // Also on exit: a test file that fails while loading never runs its afterAll hooks.
  process.once('exit', cleanup);
  const app = new App({
    outdir,
    builtinCloudFormationValidation: false,
    context: { ...CDK_JSON.context, 'aws:cdk:enable-asset-metadata': true },
  });
  const { api } = addMarketplace(app);
  const assembly = app.synth();
  const template = assembly.getStackByName(api.stackName).template as Template;
  const bundleOf = (construct: { node: { defaultChild?: unknown } }): FunctionBundle => {
    const resource = template.Resources[api.getLogicalId(construct.node.defaultChild as never)]!;
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (!assetPath) throw new Error('The function has no staged asset');
    const logging = resource.Properties.LoggingConfig ?? {};
    return {
      entry: join(outdir, assetPath, 'index.mjs'),
      environment: resource.Properties.Environment.Variables,
      runtimeEnvironment: {
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(resource.Properties.MemorySize),
        ...(logging.LogFormat ? { AWS_LAMBDA_LOG_FORMAT: logging.LogFormat } : {}),
        ...(logging.ApplicationLogLevel ? { AWS_LAMBDA_LOG_LEVEL: logging.ApplicationLogLevel } : {}),
      },
    };
  };
  return {
    outdir,
    api: bundleOf(api.apiFunction),
    jobs: bundleOf(api.jobsFunction),
    cleanup,
  };
}

/**
 * Turns a template's environment into a process environment: literal values
 * are kept as deployed, each CloudFormation reference must be given a value in
 * `resolved` (so a variable the stack adds cannot be silently missing here).
 */
export function deployedEnvironment(template: Record<string, unknown>, resolved: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(template)) {
    if (typeof value === 'string') env[name] = value;
    else if (resolved[name] !== undefined) env[name] = resolved[name];
    else throw new Error(`${name} is a CloudFormation reference in the template; the test must resolve it`);
  }
  return env;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => resolve(body));
  });

/**
 * Loopback stand-ins for the two AWS JSON APIs the functions call besides
 * DynamoDB: Secrets Manager's GetSecretValue and EventBridge's PutEvents. The
 * SDK reaches them through its standard AWS_ENDPOINT_URL_<SERVICE> variables,
 * so the functions' code is the deployed code.
 */
export async function startAwsStubs(secrets: Record<string, string>) {
  const putEvents: { EventBusName: string; Source: string; DetailType: string; Detail: string }[] = [];
  const secretReads: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = JSON.parse((await readBody(req)) || '{}');
    const reply = (status: number, payload: unknown) =>
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(payload));
    if (target === 'secretsmanager.GetSecretValue') {
      secretReads.push(body.SecretId);
      const value = secrets[body.SecretId];
      if (value === undefined) return reply(400, { __type: 'ResourceNotFoundException', message: 'Secrets Manager can’t find the specified secret.' });
      return reply(200, { ARN: body.SecretId, Name: 'cursor', SecretString: value, VersionId: randomUUID() });
    }
    if (target === 'AWSEvents.PutEvents') {
      putEvents.push(...body.Entries);
      return reply(200, { FailedEntryCount: 0, Entries: body.Entries.map(() => ({ EventId: randomUUID() })) });
    }
    return reply(400, { __type: 'UnknownOperationException', message: target });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    putEvents,
    secretReads,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The context object the Lambda runtime passes to a handler. */
export function lambdaContext(functionName: string) {
  const awsRequestId = randomUUID();
  return {
    awsRequestId,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:cn-north-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2026/01/01/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 15_000,
  };
}

/**
 * An API Gateway HTTP API (payload 2.0) event as the stage delivers it: routed
 * `/v1/*` calls carry the JWT authorizer's claims next to the Authorization header.
 */
export function httpApiEvent(
  method: string,
  path: string,
  options: { token?: string; claims?: Record<string, unknown>; body?: unknown; query?: string; headers?: Record<string, string> } = {},
) {
  const versioned = path.startsWith('/v1/');
  const headers: Record<string, string> = {
    accept: 'application/json',
    host: 'abc123.execute-api.cn-north-1.amazonaws.com.cn',
    'user-agent': 'vitest',
    'x-forwarded-for': '198.51.100.7',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  return {
    version: '2.0',
    routeKey: versioned ? `${method} /v1/{proxy+}` : '$default',
    rawPath: path,
    rawQueryString: options.query ?? '',
    headers,
    queryStringParameters: options.query ? Object.fromEntries(new URLSearchParams(options.query)) : undefined,
    pathParameters: versioned ? { proxy: path.slice('/v1/'.length) } : undefined,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: headers.host!,
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'vitest' },
      requestId: `${randomUUID().slice(0, 8)}=`,
      routeKey: versioned ? `${method} /v1/{proxy+}` : '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      ...(versioned && options.claims ? { authorizer: { jwt: { claims: options.claims, scopes: null } } } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    isBase64Encoded: false,
  };
}

export interface Invocation<T = any> {
  result: T;
  /** JSON lines the invocation wrote: Powertools log records and EMF metric blobs. */
  json: Record<string, any>[];
  /** Anything else it wrote (nothing, when all goes well). */
  text: string[];
}

const splitOutput = (output: string) => {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const isJson = (line: string) => line.trim().startsWith('{');
  return { json: lines.filter(isJson).map((line) => JSON.parse(line) as Record<string, any>), text: lines.filter((line) => !isJson(line)) };
};

/**
 * Starts one execution environment for a bundled handler: a fresh Node process
 * (test/support/lambda-runtime.mjs) with only the function's environment — no
 * test-runner transform, no inherited state — that imports the bundle and then
 * serves invocations one at a time, as Lambda does. `stop()` ends it; it also
 * exits by itself if this process goes away.
 */
export async function startExecutionEnvironment(entry: string, env: Record<string, string>, functionName: string) {
  const child: ChildProcess = fork(fileURLToPath(new URL('./lambda-runtime.mjs', import.meta.url)), [entry], {
    env: { PATH: process.env.PATH ?? '', ...env },
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (message: any) => void>();
  let exited = false;
  const init = new Promise<{ json: Record<string, any>[]; text: string[] }>((resolve, reject) => {
    child.once('exit', (code) => {
      exited = true;
      reject(new Error(`the execution environment exited with ${code} during init`));
      for (const settle of pending.values()) settle({ error: `the execution environment exited with ${code}` });
    });
    child.on('message', (message: any) => {
      if (message.type === 'ready') resolve(splitOutput(message.output));
      else if (message.type === 'init-error') reject(new Error(`init failed: ${message.error}\n${message.output}`));
      else pending.get(message.id)?.(message);
    });
  });
  const initOutput = await init;
  let nextId = 0;
  return {
    initOutput,
    /** Invokes the handler with an event and a runtime-like context; rejects if the handler threw. */
    invoke<T = any>(event: unknown, timeoutMs = 15_000): Promise<Invocation<T>> {
      const id = ++nextId;
      const { getRemainingTimeInMillis: _remaining, ...context } = lambdaContext(functionName);
      return new Promise((resolve, reject) => {
        pending.set(id, (message) => {
          pending.delete(id);
          const output = splitOutput(message.output ?? '');
          if (message.error) reject(Object.assign(new Error(`handler failed: ${message.error}`), output));
          else resolve({ result: message.result, ...output, context } as Invocation<T> & { context: typeof context });
        });
        child.send({ id, event, context, timeoutMs });
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
