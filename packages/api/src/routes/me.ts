import { Hono, type Context } from 'hono';
import { publicOrganisation } from '@sharedtech/core';

/** Who the caller is, from what authentication already read (no further read). */
function answerMe(c: Context) {
  const { sub, membership, org } = c.get('principal');
  return c.json({ sub, membership: membership ?? null, organisation: org ? publicOrganisation(org) : null }, 200);
}

/**
 * `GET /v1/me`. It takes no input, so like `/health` it is served without the
 * validation layer: a cold start that answers it loads no zod and no OpenAPI
 * code. The reference describes it with its response schema (../reference.ts).
 */
export const meRoutes = () => new Hono().get('/', answerMe);
