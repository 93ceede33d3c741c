import { getRequestListener } from '@hono/node-server';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** How much of an oversized body the server reads (and throws away) so the client can read the 413. */
export const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
/** How long the server keeps reading an oversized or abandoned body before it closes the connection. */
export const DRAIN_TIMEOUT_MS = 10_000;
/** The whole request, headers and body, must arrive within this (slow uploads hold nothing for long). */
export const REQUEST_TIMEOUT_MS = 60_000;

export interface LocalServerOptions {
  fetch: Parameters<typeof getRequestListener>[0];
  port: number;
  hostname: string;
  /**
   * The app's body limit (or the limit for a request path, where uploads may be larger): a request
   * declaring more is answered 413 by the app, after the body was read and discarded.
   */
  maxBodyBytes: number | ((path: string) => number);
  /** Bounds of the drain (defaults DRAIN_MAX_BYTES, DRAIN_TIMEOUT_MS); tests shorten the timeout. */
  drainMaxBytes?: number;
  drainTimeoutMs?: number;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function declaredLength(incoming: IncomingMessage): number | undefined {
  if (incoming.headers['transfer-encoding'] !== undefined) return undefined;
  const value = incoming.headers['content-length'];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/**
 * Reads and discards what is left of a request body, up to the bounds; calls `done(true)` when the body ended, `done(false)` when
 * a bound was hit (the caller then closes the connection).
 */
function drain(incoming: IncomingMessage, bounds: { maxBytes: number; timeoutMs: number }, done: (ended: boolean) => void): void {
  if (incoming.readableEnded) return done(true);
  let bytes = 0;
  let settled = false;
  const finish = (ended: boolean) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    incoming.off('data', onData);
    incoming.off('end', onEnd);
    incoming.off('error', onError);
    incoming.off('close', onClose);
    done(ended);
  };
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > bounds.maxBytes) finish(false);
  };
  const onEnd = () => finish(true);
  const onError = () => finish(false);
  const onClose = () => finish(incoming.readableEnded);
  const timer = setTimeout(() => finish(false), bounds.timeoutMs);
  timer.unref();
  incoming.on('data', onData);
  incoming.once('end', onEnd);
  incoming.once('error', onError);
  incoming.once('close', onClose);
  incoming.resume();
}

/**
 * The HTTP server of `npm start`: the app's fetch handler behind Node's http
 * server, with one thing @hono/node-server does not do: a body over the limit
 * always reaches the client as the app's 413.
 *
 * Answering while the client is still uploading and then closing the socket
 * makes the kernel reset the connection over the unread bytes, and the client
 * sees EPIPE / ECONNRESET instead of the answer. So:
 * - a request that declares a Content-Length over the limit with
 *   `Expect: 100-continue` is answered at once (the client never sends the body);
 * - otherwise such a body is read and thrown away (never buffered) up to
 *   DRAIN_MAX_BYTES within DRAIN_TIMEOUT_MS, and only then does the app answer
 *   its 413 (it refuses on the declared length without reading), with
 *   `Connection: close`; past either bound the connection is closed;
 * - a chunked body the app refuses half-way (or any body a handler leaves
 *   unread) is drained within the same bounds after the answer was sent.
 */
export function serveLocal(options: LocalServerOptions, onListening?: () => void): Server {
  const listener = getRequestListener(options.fetch, { hostname: options.hostname, autoCleanupIncoming: false });

  const bounds = { maxBytes: options.drainMaxBytes ?? DRAIN_MAX_BYTES, timeoutMs: options.drainTimeoutMs ?? DRAIN_TIMEOUT_MS };
  const limitFor = (incoming: IncomingMessage) => {
    if (typeof options.maxBodyBytes === 'number') return options.maxBodyBytes;
    return options.maxBodyBytes(new URL(incoming.url ?? '/', 'http://local.invalid').pathname);
  };
  const handle = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const declared = BODY_METHODS.has(incoming.method ?? '') ? declaredLength(incoming) : undefined;
    if (declared !== undefined && declared > limitFor(incoming)) {
      outgoing.setHeader('Connection', 'close');
      if (declared > bounds.maxBytes) {
        // Too much to read for nothing: answer and close.
        outgoing.once('finish', () => incoming.socket.destroySoon());
        void refuse(incoming, outgoing);
        return;
      }
      drain(incoming, bounds, (ended) => {
        if (!ended) outgoing.once('finish', () => incoming.socket.destroy());
        void refuse(incoming, outgoing);
      });
      return;
    }
    if (BODY_METHODS.has(incoming.method ?? '')) {
      outgoing.once('finish', () => {
        if (!incoming.readableEnded && !incoming.destroyed) drain(incoming, bounds, (ended) => ended || incoming.socket.destroy());
      });
    }
    void listener(incoming, outgoing);
  };

  /**
   * The app's own answer to a body it refuses on its declared length (the same
   * 413 as everywhere), for a request whose body was already thrown away: the
   * app sees the method, path and headers, and an empty body it never reads.
   */
  const refuse = async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (value !== undefined && name !== 'expect') headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = new URL(incoming.url ?? '/', `http://${incoming.headers.host ?? options.hostname}`);
    const fetchApp = options.fetch as unknown as (request: Request, env: unknown) => Response | Promise<Response>;
    let response: Response;
    try {
      response = await fetchApp(new Request(url, { method: incoming.method, headers, body: new Uint8Array(0) }), { incoming, outgoing });
    } catch {
      response = new Response(null, { status: 413 });
    }
    const body = Buffer.from(await response.arrayBuffer());
    const answer: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'transfer-encoding') answer[name] = value;
    });
    outgoing.writeHead(response.status, { ...answer, 'content-length': String(body.length), connection: 'close' });
    outgoing.end(body);
  };

  const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS }, handle);
  // curl and others ask before sending a body: refuse an oversized one before it is sent.
  server.on('checkContinue', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const declared = declaredLength(incoming);
    if (declared !== undefined && declared > limitFor(incoming)) {
      void refuse(incoming, outgoing);
      return;
    }
    outgoing.writeContinue();
    handle(incoming, outgoing);
  });
  server.listen(options.port, options.hostname, onListening);
  return server;
}
