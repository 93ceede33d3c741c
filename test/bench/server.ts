/**
 * The app served on a loopback port as `npm start` serves it, each request
 * run inside its own DynamoDB trace (see trace.ts), and the HTTP callers the
 * bench drives it with: bearer tokens for the API, a session cookie for pages.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp, createDb, createLocalDeps, ensureTable, type AppDeps, type Db } from './app.js';
import { instrument, newTrace, withTrace, type RecordedCall, type Trace } from './trace.js';

export const TRACE_HEADER = 'x-bench-trace';

export interface BenchServer {
  base: string;
  deps: AppDeps;
  /** A second client on the same table, without the counting middleware: seeding, replays, checks. */
  plain: Db;
  tableName: string;
  shadowTable: string;
  /** The trace of a request sent with `TRACE_HEADER: id` (closed once taken). */
  takeTrace(id: string): Trace | undefined;
  /** Calls made outside any HTTP request (seeding through services). */
  untraced: RecordedCall[];
  close(): Promise<void>;
}

export async function startBenchServer(endpoint: string, tableName: string, secret = 'bench-only-secret-not-for-production'): Promise<BenchServer> {
  await ensureTable(endpoint, tableName);
  const shadowTable = `${tableName}-floor`;
  await ensureTable(endpoint, shadowTable);
  const deps = createLocalDeps({ endpoint, secret, tableName });
  const untraced: RecordedCall[] = [];
  instrument(deps.db.doc, (call) => {
    if (untraced.length < 10_000) untraced.push(call);
  });
  const app = createApp(deps);
  const traces = new Map<string, Trace>();
  const server: ServerType = await new Promise((resolve) => {
    const s = serve(
      {
        fetch: (request: Request, ...rest: unknown[]) => {
          const id = request.headers.get(TRACE_HEADER);
          if (!id) return (app.fetch as any)(request, ...rest);
          const trace = newTrace();
          traces.set(id, trace);
          return withTrace(trace, () => (app.fetch as any)(request, ...rest));
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(s),
    );
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    deps,
    plain: createDb({ tableName, endpoint, cursorSecret: secret, region: 'local' }),
    tableName,
    shadowTable,
    untraced,
    takeTrace(id) {
      const trace = traces.get(id);
      traces.delete(id);
      if (trace) trace.closed = true;
      return trace;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
  ms: number;
}

let traceCounter = 0;
export const nextTraceId = () => `t${++traceCounter}`;

/** One HTTP call; the time covers sending and reading the whole body. */
export async function http<T = any>(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; form?: Record<string, string>; traceId?: string } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (options.traceId) headers[TRACE_HEADER] = options.traceId;
  const started = performance.now();
  const response = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  const ms = performance.now() - started;
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text
    }
  }
  return { status: response.status, body: parsed as T, headers: response.headers, ms };
}

export interface Caller {
  sub: string;
  /** Headers for API calls (bearer token). */
  api: Record<string, string>;
  /** Headers for web pages (session cookie). */
  web: Record<string, string>;
  get<T = any>(path: string, traceId?: string): Promise<HttpResult<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>, traceId?: string): Promise<HttpResult<T>>;
  page(path: string, traceId?: string): Promise<HttpResult<string>>;
}

/**
 * A caller: a bearer token from `POST /dev/token`, and a web session from the
 * local sign-in form (`POST /signin`, same-origin), exactly as a browser gets one.
 */
export async function callerFor(base: string, sub: string): Promise<Caller> {
  const minted = await http<{ token: string }>(base, 'POST', '/dev/token', { body: { sub } });
  if (minted.status !== 200) throw new Error(`no token for ${sub}: ${minted.status} ${JSON.stringify(minted.body)}`);
  const api = { authorization: `Bearer ${minted.body.token}` };
  const signIn = await fetch(`${base}/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ identity: sub, next: '/' }).toString(),
    redirect: 'manual',
  });
  await signIn.arrayBuffer();
  const cookies = signIn.headers.getSetCookie().map((cookie) => cookie.split(';')[0]!);
  if (signIn.status !== 303 || cookies.length === 0) throw new Error(`web sign-in for ${sub} failed: HTTP ${signIn.status}`);
  const web = { cookie: cookies.join('; ') };
  return {
    sub,
    api,
    web,
    get: (path, traceId) => http(base, 'GET', path, { headers: api, traceId }),
    post: (path, body, headers, traceId) => http(base, 'POST', path, { headers: { ...api, ...headers }, body: body ?? {}, traceId }),
    page: (path, traceId) => http<string>(base, 'GET', path, { headers: { ...web, accept: 'text/html' }, traceId }),
  };
}
