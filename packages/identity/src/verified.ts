/** Tokens remembered at most (oldest forgotten first): a container serves a bounded set of callers at a time. */
export const MAX_REMEMBERED_TOKENS = 1_000;

interface Remembered {
  sub: string;
  /** Valid from this second (the later of `nbf` and `iat`)… */
  from: number;
  /** …until, not including, this one (`exp`). */
  until: number;
}

/**
 * The tokens a verifier has already accepted, so that the same bearer token on
 * the next request skips the signature check: a client sends one token for its
 * whole session, and checking it again (a WebCrypto job on the thread pool,
 * and for a JWKS key its import) was the largest part of a request's own work.
 *
 * Only what the signature check would answer again is remembered: a token that
 * passed every check of the verifier, with a finite `exp`. A remembered token
 * is accepted only inside the same time window the verifier enforces
 * (`nbf`/`iat` ≤ now < `exp`, in whole seconds like hono's `verify`), so an
 * expired token is refused on the very request it expires. A verifier whose
 * keys change forgets them all (`clear`), so a token of a dropped key is
 * refused from the first request after the new key set is read. Who the caller is
 * and what they may do is still read from the database on every request.
 */
export function verifiedTokens(max = MAX_REMEMBERED_TOKENS) {
  const entries = new Map<string, Remembered>();
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  return {
    /** The subject of a token accepted before and still inside its window, else undefined. */
    get(token: string): { sub: string } | undefined {
      const hit = entries.get(token);
      if (!hit) return undefined;
      const now = nowSeconds();
      if (now < hit.from || now >= hit.until) {
        entries.delete(token);
        return undefined;
      }
      return { sub: hit.sub };
    },
    /** Remembers a token the verifier has just accepted, given its verified payload. */
    remember(token: string, sub: string, payload: Record<string, unknown>) {
      const { exp, nbf, iat } = payload;
      if (typeof exp !== 'number' || !Number.isFinite(exp)) return;
      const bounds = [nbf, iat].filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(token, { sub, from: Math.max(Number.NEGATIVE_INFINITY, ...bounds), until: exp });
    },
    /** Forgets every token (the key set changed: each is checked against the new one). */
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
