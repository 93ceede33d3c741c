import type { MiddlewareHandler } from 'hono';
import { UnauthenticatedError, type Principal } from '@sharedtech/core';
import { loadPrincipal, type ServiceDeps } from '@sharedtech/services';
import type { TokenVerifier } from '@sharedtech/identity';
import { bearerToken } from './bearer.js';

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal;
  }
}

/**
 * Authenticates the bearer token, then loads who the caller is from the
 * database: membership and organisation are never taken from token claims.
 * The same shape serves the local HS256 verifier and Cognito's JWKS verifier.
 */
export function authenticate({ verifyToken, db }: { verifyToken: TokenVerifier; db: ServiceDeps['db'] }): MiddlewareHandler {
  return async function authenticateBearer(c, next) {
    const token = bearerToken(c.req.header('Authorization'));
    if (!token) throw new UnauthenticatedError();
    const { sub } = await verifyToken(token);
    c.set('principal', await loadPrincipal(db, sub));
    await next();
  };
}
