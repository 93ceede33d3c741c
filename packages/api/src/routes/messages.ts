import { createRoute, z } from '@hono/zod-openapi';
import { PageQuerySchema, PostMessageSchema, postContractMessage, readContractMessages } from '@sharedtech/services';
import type { ApiDeps } from '../deps.js';
import { errorResponses, idParam, jsonBody, jsonResponse } from '../openapi.js';
import { bearer, createRouter } from './router.js';

export const ContractMessageSchema = z
  .object({
    id: z.string(),
    contractId: z.string(),
    authorOrgId: z.string(),
    authorSub: z.string(),
    authorName: z.string().optional(),
    text: z.string(),
    at: z.string(),
  })
  .openapi('ContractMessage');

const ContractMessagePageSchema = z
  .object({
    items: z.array(ContractMessageSchema),
    nextCursor: z.string().nullable(),
    canWrite: z.boolean().openapi({ description: 'False for an association reading the thread of a disputed contract.' }),
  })
  .openapi('ContractMessagePage');

const tags = ['Messages'];
const ContractIdParam = idParam('contract');

/** `/v1/contracts/{id}/messages`: one thread per contract for its parties. */
export function contractMessageRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/messages', tags, security: bearer, summary: 'A party writes to the contract’s thread (the other parties are notified)',
        request: { params: ContractIdParam, body: jsonBody(PostMessageSchema) },
        responses: { 201: jsonResponse(ContractMessageSchema, 'The message'), ...errorResponses },
      }),
      async (c) => c.json(await postContractMessage(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json').text), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/messages', tags, security: bearer,
        summary: 'The contract’s thread, newest first (its parties; associations while a dispute on it is open)',
        request: { params: ContractIdParam, query: PageQuerySchema },
        responses: { 200: jsonResponse(ContractMessagePageSchema, 'A page of messages'), ...errorResponses },
      }),
      async (c) => c.json(await readContractMessages(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query')), 200),
    );
}
