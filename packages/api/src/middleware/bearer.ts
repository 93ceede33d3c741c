import type { TokenVerifier } from '@sharedtech/identity';

/** The token of an `Authorization: Bearer <token>` header, if it is one. */
export const bearerToken = (header: string | undefined) => header?.match(/^Bearer\s+(\S+)$/i)?.[1];

/**
 * A verifier that checks a token once however many ask while the check runs:
 * a cold start begins checking the caller's token (reading the provider's key
 * set, the signature) while the routes it needs load, and authentication then
 * awaits that same check instead of starting another.
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
