import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import { CHANGE_STATUSES } from '@sharedtech/core';
import {
  ChangeOperationSchema, decideChangeOrder, idSchema, listContractChanges, MoneySchema, PageQuerySchema, ProposeChangeSchema, proposeChange, ReasonSchema,
} from '@sharedtech/services';
import type { ApiDeps } from '../deps.js';
import { errorResponses, idParam, jsonBody, jsonResponse, pageOf } from '../openapi.js';
import { bearer, createRouter } from './router.js';

// ── Schemas of this resource ─────────────────────────────────────────────

const ActorSchema = z.object({ orgId: z.string(), sub: z.string(), at: z.string() });

export const ChangeOrderSchema = z
  .object({
    id: z.string(),
    contractId: z.string(),
    status: z.enum(CHANGE_STATUSES).openapi({ description: 'A PENDING change proposed against an older plan reads as SUPERSEDED.' }),
    operations: z.array(ChangeOperationSchema),
    reason: z.string(),
    proposedBy: ActorSchema,
    basePlanVersion: z.number().int().openapi({ description: 'The contract’s plan version it was proposed against.' }),
    approvals: z.array(ActorSchema).openapi({ description: 'Signers that approved (the proposer first).' }),
    awaiting: z.array(z.string()).openapi({ description: 'Signers whose approval is still missing (PENDING only).' }),
    decision: z.object({ orgId: z.string().optional(), sub: z.string(), at: z.string(), reason: z.string().optional() }).optional(),
    applied: z.object({ at: z.string(), priceBefore: MoneySchema, priceAfter: MoneySchema, addedMilestones: z.array(z.number().int()) }).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ChangeOrder');

const ChangeParams = z.object({
  id: idSchema('contract').openapi({ param: { name: 'id', in: 'path' } }),
  changeId: idSchema('change').openapi({ param: { name: 'changeId', in: 'path' } }),
});

const tags = ['Change orders'];
const optionalBody = <T extends Parameters<typeof jsonBody>[0]>(schema: T) => ({ ...jsonBody(schema), required: false });

const ContractIdParam = idParam('contract');
const changed = (description: string) => ({ 200: jsonResponse(ChangeOrderSchema, description), ...errorResponses });

/** Rejecting and withdrawing: the same shape, an optional reason. */
function ending(deps: ApiDeps, action: 'reject' | 'withdraw', summary: string, description: string) {
  const route = createRoute({
    method: 'post', path: `/{id}/changes/{changeId}/${action}`, tags, security: bearer, summary,
    request: { params: ChangeParams, body: optionalBody(ReasonSchema) },
    responses: changed(description),
  });
  const handler: RouteHandler<typeof route> = async (c) => {
    const { id, changeId } = c.req.valid('param');
    const reason = c.req.valid('json')?.reason;
    return c.json(await decideChangeOrder(deps, c.get('principal'), id, changeId, { action, reason }), 200);
  };
  return [route, handler] as const;
}

/** `/v1/contracts/{id}/changes…`: change orders of an ACTIVE contract, approved by every signer. */
export function contractChangeRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/changes', tags, security: bearer,
        summary: 'A signer proposes a change order (counts as its approval; the other parties are notified)',
        request: { params: ContractIdParam, body: jsonBody(ProposeChangeSchema) },
        responses: { 201: jsonResponse(ChangeOrderSchema, 'The change order, PENDING'), ...errorResponses },
      }),
      async (c) => c.json(await proposeChange(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/changes', tags, security: bearer, summary: 'The contract’s change orders, newest first (parties and associations)',
        request: { params: ContractIdParam, query: PageQuerySchema },
        responses: { 200: jsonResponse(pageOf(ChangeOrderSchema, 'ChangeOrderPage'), 'A page of change orders'), ...errorResponses },
      }),
      async (c) => c.json(await listContractChanges(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/changes/{changeId}/approve', tags, security: bearer,
        summary: 'A signer approves; the last approval applies the change (409 CHANGE_SUPERSEDED if another change applied first)',
        request: { params: ChangeParams },
        responses: changed('The change order after the approval (APPLIED after the last one)'),
      }),
      async (c) => {
        const { id, changeId } = c.req.valid('param');
        return c.json(await decideChangeOrder(deps, c.get('principal'), id, changeId, { action: 'approve' }), 200);
      },
    )
    .openapi(...ending(deps, 'reject', 'A signer rejects the change order', 'The change order, REJECTED'))
    .openapi(...ending(deps, 'withdraw', 'The proposer withdraws the change order', 'The change order, WITHDRAWN'));
}
