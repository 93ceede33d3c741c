import type { MiddlewareHandler } from 'hono';
import { UnauthenticatedError, type Principal } from '@sharedtech/core';
import { loadPrincipal, type ServiceDeps } from '@sharedtech/services';
import type { TokenVerifier } from '@sharedtech/identity';

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
    const header = c.req.header('Authorization');
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match?.[1]) throw new UnauthenticatedError();
    const { sub } = await verifyToken(match[1]);
    c.set('principal', await loadPrincipal(db, sub));
    await next();
  };
}
