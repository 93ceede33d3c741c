import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES, createApp } from '@sharedtech/app';
import { createLocalDeps, ensureTable, serveLocal } from '@sharedtech/local';

/**
 * Issue 16, defect 3: with `npm start`, a JSON body over the 64 KiB limit must
 * always reach the client as the 413 — never an EPIPE or a reset because the
 * server answered and closed while the client was still uploading. This is the
 * server `npm start` runs (`serveLocal`), driven with raw `http.request` so
 * every socket error is seen, on a fresh table of the run's DynamoDB Local.
 */
let server: Server;
let port: number;

beforeAll(async () => {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `t_${randomUUID().slice(0, 8)}`;
  await ensureTable(endpoint, tableName);
  const app = createApp(createLocalDeps({ endpoint, secret: 'test-secret-not-for-production', tableName }));
  server = await new Promise<Server>((listening) => {
    const s = serveLocal({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', maxBodyBytes: DEFAULT_MAX_BODY_BYTES, drainTimeoutMs: 1_000 }, () => listening(s));
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))));

interface Outcome {
  status?: number;
  headers?: IncomingHttpHeaders;
  body?: string;
  /** A socket error before the whole answer was read (the defect). */
  error?: string;
}

/** A JSON body of `bytes` bytes (a valid document, so only its size is wrong). */
const jsonOf = (bytes: number) => Buffer.from(JSON.stringify({ title: 'x'.repeat(Math.max(0, bytes - 12)) }));

/** Sends `body` to POST /dev/token; `chunked` streams it without a Content-Length, `expectContinue` asks first. */
function send(body: Buffer, options: { chunked?: boolean; expectContinue?: boolean; stallAfter?: number; paced?: boolean } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const outcome: Outcome = {};
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (!options.chunked) headers['content-length'] = body.length;
    if (options.expectContinue) headers.expect = '100-continue';
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/dev/token', headers, agent: false });
    req.on('response', (response) => {
      outcome.status = response.statusCode;
      outcome.headers = response.headers;
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => ((outcome.body = text), resolve(outcome)));
      response.on('error', (error) => ((outcome.error = `${(error as NodeJS.ErrnoException).code ?? error.message} while reading`), resolve(outcome)));
    });
    req.on('error', (error) => {
      if (outcome.body === undefined) {
        outcome.error = (error as NodeJS.ErrnoException).code ?? error.message;
        resolve(outcome);
      }
    });
    if (options.expectContinue) {
      req.on('continue', () => req.end(body));
      return;
    }
    if (options.stallAfter !== undefined) {
      req.write(body.subarray(0, options.stallAfter));
      return; // never finishes the upload
    }
    if (options.chunked) {
      for (let offset = 0; offset < body.length; offset += 64 * 1024) req.write(body.subarray(offset, offset + 64 * 1024));
      req.end();
      return;
    }
    if (options.paced) {
      // Like a client on a real network: the upload takes a while, so the server answers long before it ends.
      const CHUNK = 64 * 1024;
      const next = (offset: number) => {
        if (outcome.error || req.destroyed) return;
        if (offset >= body.length) return void req.end();
        req.write(body.subarray(offset, offset + CHUNK), () => setTimeout(() => next(offset + CHUNK), 5));
      };
      next(0);
      return;
    }
    req.end(body);
  });
}

/** The same with fetch (undici), which gives up on the whole exchange when its upload hits a reset. */
async function viaFetch(body: Buffer): Promise<Outcome> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { error: cause?.code ?? (error as Error).message };
  }
}

const expectTooLarge = (outcome: Outcome, label: string) => {
  expect(outcome.error, `${label}: ${outcome.error}`).toBeUndefined();
  expect(outcome.status, label).toBe(413);
  expect(outcome.headers?.['content-type'], label).toMatch(/application\/json/);
  expect(JSON.parse(outcome.body!), label).toEqual({
    error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining(String(DEFAULT_MAX_BODY_BYTES)), details: { limitBytes: DEFAULT_MAX_BODY_BYTES } },
  });
};

describe('a body over the 64 KiB limit (npm start server)', () => {
  it.each([
    ['100 KB', 100_000],
    ['1 MB', 1_000_000],
    ['5 MB', 5_000_000],
  ])('of %s always reaches the client as the 413 with the JSON error, five times in a row, three at once and three uploaded at the pace of a network', { timeout: 60_000 }, async (label, bytes) => {
    const body = jsonOf(bytes);
    for (let attempt = 0; attempt < 5; attempt++) expectTooLarge(await send(body), `${label} #${attempt + 1}`);
    const together = await Promise.all([send(body), send(body), send(body)]);
    together.forEach((outcome, index) => expectTooLarge(outcome, `${label} concurrent #${index + 1}`));
    for (let attempt = 0; attempt < 3; attempt++) expectTooLarge(await send(body, { paced: true }), `${label} paced upload #${attempt + 1}`);
  });

  it.each([
    ['100 KB', 100_000],
    ['1 MB', 1_000_000],
    ['5 MB', 5_000_000],
  ])('of %s sent with fetch is answered 413 every time (ten in a row), never a socket error', { timeout: 60_000 }, async (label, bytes) => {
    const body = jsonOf(bytes);
    const outcomes: Outcome[] = [];
    for (let attempt = 0; attempt < 10; attempt++) outcomes.push(await viaFetch(body));
    expect(outcomes.filter((outcome) => outcome.error).map((outcome) => outcome.error), label).toEqual([]);
    outcomes.forEach((outcome, index) => expectTooLarge(outcome, `${label} fetch #${index + 1}`));
  });

  it('sent chunked (no Content-Length) is refused while it streams, and the client still reads the 413', { timeout: 60_000 }, async () => {
    for (const bytes of [100_000, 1_000_000, 5_000_000]) {
      for (let attempt = 0; attempt < 3; attempt++) expectTooLarge(await send(jsonOf(bytes), { chunked: true }), `chunked ${bytes} #${attempt + 1}`);
    }
  });

  it('announced with Expect: 100-continue is refused before the client sends it', async () => {
    const outcome = await send(jsonOf(5_000_000), { expectContinue: true });
    expectTooLarge(outcome, 'expect-continue');
    expect(outcome.headers?.connection).toBe('close');
  });

  it('uploaded slowly is not waited for: after the drain bound the client gets the 413 or a closed connection, and the server moves on', { timeout: 20_000 }, async () => {
    const stalled = await send(jsonOf(1_000_000), { stallAfter: 10_000 });
    // The server gave up on the upload (bounded): either the answer made it out before the close, or the socket was closed.
    expect(stalled.status === 413 || stalled.error !== undefined).toBe(true);
    const fine = await send(Buffer.from(JSON.stringify({ sub: 'after-the-flood' })));
    expect(fine.status).toBe(200);
  });

  it('leaves a body within the limit alone', async () => {
    const minted = await send(Buffer.from(JSON.stringify({ sub: 'demo-enterprise' })));
    expect(minted.error).toBeUndefined();
    expect(minted.status).toBe(200);
    expect(JSON.parse(minted.body!).token).toEqual(expect.any(String));
  });
});
