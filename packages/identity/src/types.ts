import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';
import { UnauthenticatedError } from '@sharedtech/core';

/**
 * Verifies a bearer token and returns its subject; throws UnauthenticatedError otherwise.
 * `warm`, where there is one, starts reading what verifying needs (a provider's key set)
 * without waiting for it, so a cold start has it by its first token.
 */
export type TokenVerifier = ((token: string) => Promise<{ sub: string }>) & { warm?: () => void };

/** An OAuth 2.0 authorization server the web pages sign in through (Cognito's hosted UI or any OpenID Provider). */
export interface HostedSignIn {
  /** Where to send the browser: the authorize URL for this redirect, state and S256 code challenge. */
  authorizeUrl(input: { redirectUri: string; state: string; codeChallenge: string }): string;
  /** Where to send the browser to end the hosted session too, coming back to `redirectUri`. */
  logoutUrl(input: { redirectUri: string }): string;
  /** Redeems an authorization code for the ID token of the person who signed in. */
  exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string }): Promise<string>;
}

/** Where a JWKS verifier gets its keys; swapped in tests, `fetch` otherwise. */
export type JwksFetcher = (uri: string) => Promise<HonoJsonWebKey[]>;

/** The longest subject we accept: it becomes a key (`USER#<sub>`) and is shown on pages and in audit records. */
export const MAX_SUBJECT_LENGTH = 128;

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators: none belongs in an identifier.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The caller's subject from a verified payload. Every verifier ends here, so a
 * subject that is missing, empty, longer than 128 characters or carries control
 * characters is a 401 whoever signed it: it would become a database key, a log
 * field and page text.
 */
export function subjectOf(payload: Record<string, unknown>): { sub: string } {
  const { sub } = payload;
  if (typeof sub !== 'string' || sub.length === 0) throw new UnauthenticatedError('The token has no subject.');
  if (sub.length > MAX_SUBJECT_LENGTH) throw new UnauthenticatedError(`The token's subject is longer than ${MAX_SUBJECT_LENGTH} characters.`, 'INVALID_TOKEN');
  if (CONTROL_CHARACTERS.test(sub)) throw new UnauthenticatedError("The token's subject contains control characters.", 'INVALID_TOKEN');
  return { sub };
}
