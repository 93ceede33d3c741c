import { createHmac, timingSafeEqual } from 'node:crypto';
import { ServiceUnavailableError, ValidationError } from '@sharedtech/core';

/** A cursor's signed body: the query it belongs to and the start key (string or number attributes). */
interface CursorPayload {
  q: string;
  k: Record<string, string | number>;
}

/*
 * Checked by hand, not with a schema: the body is only read once its HMAC
 * matched (we wrote it), every paged request decodes one, and this module is
 * on the init path of a cold start, which then loads no zod.
 */
function isCursorPayload(value: unknown): value is CursorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const { q, k } = value as Record<string, unknown>;
  if (typeof q !== 'string' || typeof k !== 'object' || k === null || Array.isArray(k)) return false;
  return Object.values(k).every((part) => typeof part === 'string' || typeof part === 'number');
}

export interface CursorCodec {
  /** Opaque cursor for a page's LastEvaluatedKey, bound to the query it came from. */
  encode(query: string, lastKey: Record<string, unknown>): string;
  /** The start key, or a 400 when the cursor was forged, altered or belongs to another query. */
  decode(query: string, cursor: string): Record<string, unknown>;
}

/**
 * Cursors are the DynamoDB start key plus an HMAC over it and the query's
 * partition. Without the signature a client could hand us any start key —
 * including one from a partition it may not read.
 */
export function createCursorCodec(secret: string): CursorCodec {
  const sign = (body: string) => createHmac('sha256', secret).update(body).digest('base64url');
  const invalid = () => ValidationError.field('cursor', 'The cursor is not valid for this list.', 'INVALID_CURSOR');
  return {
    encode(query, lastKey) {
      const body = Buffer.from(JSON.stringify({ q: query, k: lastKey })).toString('base64url');
      return `${body}.${sign(body)}`;
    },
    decode(query, cursor) {
      const [body, signature, ...rest] = cursor.split('.');
      if (!body || !signature || rest.length > 0) throw invalid();
      const expected = Buffer.from(sign(body));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        throw invalid();
      }
      if (!isCursorPayload(parsed)) throw invalid();
      if (parsed.q !== query) throw invalid();
      return parsed.k;
    },
  };
}

/** The cursor signer as the data functions use it: the same codec, its key possibly read on first use. */
export interface Cursors {
  encode(query: string, lastKey: Record<string, unknown>): Promise<string>;
  decode(query: string, cursor: string): Promise<Record<string, unknown>>;
}

/** Where the cursor key comes from: the key itself, or a read of it (a deployed function's secret). */
export type CursorSecret = string | (() => Promise<string>);

/**
 * Cursors whose key is read the first time a page needs one, not before: a
 * deployed function then starts (and answers `/health` or `/v1/me`) without
 * a Secrets Manager round trip. A failed read is not kept — the next page
 * tries again — and answers 503 meanwhile.
 */
export function cursorsWithSecret(secret: CursorSecret): Cursors {
  let codec: Promise<CursorCodec> | undefined = typeof secret === 'string' ? Promise.resolve(createCursorCodec(secret)) : undefined;
  const ready = () =>
    (codec ??= (secret as () => Promise<string>)().then(createCursorCodec, (error: unknown) => {
      codec = undefined;
      throw new ServiceUnavailableError(`The cursor key could not be read: ${(error as Error).message}`);
    }));
  return {
    encode: async (query, lastKey) => (await ready()).encode(query, lastKey),
    decode: async (query, cursor) => (await ready()).decode(query, cursor),
  };
}
