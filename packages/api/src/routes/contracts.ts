import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { JournalEntrySchema, RequiredIdempotencyHeaders, moneyErrorResponses } from '../money-schemas.js';
import {
  AwardSchema, ContractSchema, ContractSummarySchema, PageQuerySchema, RequiredReasonSchema, errorResponses, idParam, jsonBody, jsonResponse, pageOf,
} from '../schemas.js';
import { awardRequest, listMyContracts, readContract, signContract } from '../services/contracts.js';
import { terminateContract } from '../services/termination.js';
import { idempotent } from './idempotency.js';
import { bearer, createRouter } from './router.js';

const tags = ['Contracts'];

const TerminatedContractSchema = ContractSchema.extend({ refunds: z.array(JournalEntrySchema) }).openapi('TerminatedContract');

/** `/v1/requests/{id}/award`. */
export function awardRoutes(deps: AppDeps) {
  const RequestIdParam = idParam('request');
  return createRouter().openapi(
    createRoute({
      method: 'post', path: '/{id}/award', tags, security: bearer,
      summary: 'Owner: accept one bid with a share agreement; creates the contract and its milestones atomically',
      request: { params: RequestIdParam, body: jsonBody(AwardSchema) },
      responses: { 201: jsonResponse(ContractSchema, 'The contract, PENDING_SIGNATURES'), ...errorResponses },
    }),
    async (c) => c.json(await awardRequest(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 201),
  );
}

/** `/v1/contracts`. */
export function contractRoutes(deps: AppDeps) {
  const ContractIdParam = idParam('contract');
  return createRouter()
    .openapi(
      createRoute({
        method: 'get', path: '/', tags, security: bearer, summary: 'My organisation’s contracts, newest first',
        request: { query: PageQuerySchema },
        responses: { 200: jsonResponse(pageOf(ContractSummarySchema, 'ContractPage'), 'A page of contracts'), ...errorResponses },
      }),
      async (c) => c.json(await listMyContracts(deps, c.get('principal'), c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}', tags, security: bearer, summary: 'Read a contract with its milestones (parties and associations)',
        request: { params: ContractIdParam },
        responses: { 200: jsonResponse(ContractSchema, 'The contract'), ...errorResponses },
      }),
      async (c) => c.json(await readContract(deps, c.get('principal'), c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/sign', tags, security: bearer, summary: 'Owner of a signing party: sign; the last signature activates the contract',
        request: { params: ContractIdParam },
        responses: { 200: jsonResponse(ContractSchema, 'The contract after signing'), ...errorResponses },
      }),
      async (c) => c.json(await signContract(deps, c.get('principal'), c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/terminate', tags, security: bearer,
        summary: 'Association: terminate an ACTIVE contract; money held in escrow is refunded to the funders in proportion',
        request: { params: ContractIdParam, headers: RequiredIdempotencyHeaders, body: jsonBody(RequiredReasonSchema) },
        responses: { 200: jsonResponse(TerminatedContractSchema, 'The contract, TERMINATED, with its refund entries'), ...moneyErrorResponses },
      }),
      async (c) => {
        const body = c.req.valid('json');
        const terminated = await idempotent(c, c.req.valid('header')['idempotency-key'], body, (idempotency) =>
          terminateContract(deps, c.get('principal'), c.req.valid('param').id, body, idempotency));
        return c.json(terminated, 200);
      },
    );
}
