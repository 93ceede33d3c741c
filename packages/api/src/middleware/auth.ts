import type { MiddlewareHandler } from 'hono';
import { UnauthenticatedError, type Principal } from '@sharedtech/core';
import { loadPrincipal, type ServiceDeps } from '@sharedtech/services';
import type { TokenVerifier } from '@sharedtech/identity';
import { bearerToken, callersReadEarly } from './bearer.js';

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal;
  }
}

type AuthDeps = { verifyToken: TokenVerifier; db: ServiceDeps['db'] };

/**
 * Who the bearer of `token` is: the token checked, then the caller read
 * (membership and organisation, one read). app.ts calls it early, while a
 * cold resource's routes load; authentication otherwise.
 */
export async function readCaller({ verifyToken, db }: AuthDeps, token: string): Promise<Principal> {
  const { sub } = await verifyToken(token);
  return loadPrincipal(db, sub);
}

/**
 * Authenticates the bearer token, then loads who the caller is from the
 * database: membership and organisation are never taken from token claims.
 * The same shape serves the local HS256 verifier and the OIDC/JWKS verifiers.
 * A reading begun before the request got here (see callersReadEarly) is used
 * instead of a second one.
 */
export function authenticate(deps: AuthDeps): MiddlewareHandler {
  return async function authenticateBearer(c, next) {
    const token = bearerToken(c.req.header('Authorization'));
    if (!token) throw new UnauthenticatedError();
    c.set('principal', await (callersReadEarly.get(c.req.raw) ?? readCaller(deps, token)));
    await next();
  };
}
