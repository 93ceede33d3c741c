import type { Principal } from '@sharedtech/core';

/** The token of an `Authorization: Bearer <token>` header, if it is one. */
export const bearerToken = (header: string | undefined) => header?.match(/^Bearer\s+(\S+)$/i)?.[1];

/**
 * Callers whose reading began before their request reached authentication:
 * while a cold resource's routes load, the token is checked (the key set read,
 * the signature) and the caller read meanwhile (see app.ts), and
 * authentication awaits that reading instead of checking and reading again.
 * Keyed by the request itself, so a reading is never shared with another
 * request: each sees the caller as stored when it arrived.
 */
export const callersReadEarly = new WeakMap<Request, Promise<Principal>>();
