import type { Principal } from '@sharedtech/core';
import type { TokenVerifier } from '@sharedtech/identity';

/** The token of an `Authorization: Bearer <token>` header, if it is one. */
export const bearerToken = (header: string | undefined) => header?.match(/^Bearer\s+(\S+)$/i)?.[1];

/**
 * Callers whose reading began before their request reached authentication:
 * while a cold resource's routes load, the token is checked and the caller
 * read meanwhile (see app.ts), and authentication awaits that same reading.
 * Keyed by the request itself, so a reading is never shared with another
 * request: each sees the caller as stored when it arrived.
 */
export const callersReadEarly = new WeakMap<Request, Promise<Principal>>();

/**
 * A verifier that checks a token once however many ask while the check runs:
 * a cold start begins checking the caller's token (reading the provider's key
 * set, the signature) at once, before even the code that reads the caller has
 * loaded, and that reading then awaits the same check instead of starting another.
 */
export function verifyingOnce(verify: TokenVerifier): TokenVerifier {
  const running = new Map<string, ReturnType<TokenVerifier>>();
  return (token) => {
    let check = running.get(token);
    if (!check) {
      check = verify(token).finally(() => running.delete(token));
      running.set(token, check);
    }
    return check;
  };
}
