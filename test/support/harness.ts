import { serve, type ServerType } from '@hono/node-server';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, inject } from 'vitest';
import { createApp, type AppDeps } from '@sharedtech/app';
import { createLocalDeps, ensureTable } from '@sharedtech/local';

/** A clock tests can move: starts at the real time, `advance` jumps forward. */
export function testClock(start = Date.now()) {
  let now = start;
  const clock = () => new Date(now);
  return Object.assign(clock, {
    advance: (ms: number) => void (now += ms),
    advanceDays: (days: number) => void (now += days * 86_400_000),
  });
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Caller {
  sub: string;
  token: string;
  get<T = any>(path: string): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  patch<T = any>(path: string, body?: unknown): Promise<ApiResponse<T>>;
}

/**
 * Starts the real app on a loopback port against a fresh table in the shared
 * DynamoDB Local, so each test file is isolated and every call crosses HTTP.
 */
export async function startTestApi(options: { clock?: ReturnType<typeof testClock>; customise?: (deps: AppDeps) => AppDeps } = {}) {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `t_${randomUUID().slice(0, 8)}`;
  await ensureTable(endpoint, tableName);
  const clock = options.clock ?? testClock();
  const baseDeps = createLocalDeps({ endpoint, secret: 'test-secret-not-for-production', tableName, clock });
  const deps = options.customise ? options.customise(baseDeps) : baseDeps;
  const app = createApp(deps);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function call<T>(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (HTML pages); keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  async function as(sub: string): Promise<Caller> {
    const minted = await call<{ token: string }>('POST', '/dev/token', undefined, { sub });
    if (minted.status !== 200) throw new Error(`could not mint a token for ${sub}: ${JSON.stringify(minted.body)}`);
    const token = minted.body.token;
    return {
      sub,
      token,
      get: (path) => call('GET', path, token),
      post: (path, body, headers) => call('POST', path, token, body ?? {}, headers),
      patch: (path, body) => call('PATCH', path, token, body),
    };
  }

  return { baseUrl, deps, clock, tableName, call, as };
}

export type TestApi = Awaited<ReturnType<typeof startTestApi>>;
