import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { awardRequest, AwardSchema, ContractListQuerySchema, listContractsFor, MoneySchema, readContract, RequiredReasonSchema, ShareAgreementSchema, signContract, terminateContract } from '@sharedtech/services';
import { errorResponses, idParam, jsonBody, jsonResponse, moneyErrorResponses, pageOf } from '../openapi.js';
import { RequiredIdempotencyHeaders } from './idempotency.js';
import { JournalEntrySchema } from './ledger.js';
import { idempotent } from './idempotency.js';
import { bearer, createRouter } from './router.js';
import { TeamPersonSchema, TeamViewSchema } from './bids.js';

// ── Schemas of this resource ─────────────────────────────────────────────

export const ContractMilestoneSchema = z
  .object({
    n: z.number().int(),
    title: z.string(),
    amount: MoneySchema,
    dueInDays: z.number().int(),
    dueAt: z.string().optional().openapi({ description: 'Due instant (end of the Asia/Shanghai day), set when the contract became ACTIVE.' }),
    overdueAt: z.string().optional().openapi({ description: 'When the scheduled job found it past due while not settled.' }),
    status: z.enum(['PENDING', 'FUNDED', 'SUBMITTED', 'RELEASED', 'DISPUTED', 'REFUNDED', 'SPLIT']),
  })
  .passthrough()
  .openapi('ContractMilestone');

const contractShape = {
  id: z.string(),
  requestId: z.string(),
  bidId: z.string(),
  title: z.string(),
  enterpriseOrgId: z.string(),
  studioOrgId: z.string(),
  collegeOrgId: z.string().optional(),
  governmentOrgId: z.string().optional(),
  status: z.enum(['PENDING_SIGNATURES', 'ACTIVE', 'COMPLETED', 'TERMINATED']),
  price: MoneySchema,
  milestoneCount: z.number().int(),
  shares: ShareAgreementSchema,
  requiredSigners: z.array(z.string()),
  signatures: z.array(z.object({ orgId: z.string(), sub: z.string(), at: z.string() })),
  reviewWindowDays: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  activatedAt: z.string().optional(),
  cluster: z.string().optional(),
  planVersion: z.number().int().optional().openapi({ description: 'Change orders applied so far (absent: none).' }),
  grant: z
    .object({
      programmeId: z.string(), applicationId: z.string(), orgId: z.string(), bps: z.number().int(), reserved: z.number().int(),
      shares: z.record(z.string(), z.number().int()), approvedAt: z.string(), returned: z.number().int().optional(),
    })
    .optional()
    .openapi({ description: 'An approved programme subsidy: fen reserved per milestone number, and what was returned when the contract ended.' }),
  overhead: z
    .object({ collegeOrgId: z.string(), bps: z.number().int(), version: z.number().int() })
    .optional()
    .openapi({ description: 'The college overhead rate in force at the last signature.' }),
  lastMilestoneN: z.number().int().optional(),
  overdueMilestones: z.number().int().optional().openapi({ description: 'Milestones flagged overdue and not settled (absent: 0); meaningful while ACTIVE.' }),
  team: TeamViewSchema.optional(),
  enterpriseMentor: TeamPersonSchema.optional().openapi({ description: 'The enterprise mentor named at award (parties only).' }),
  pool: z
    .object({ members: z.array(z.object({ orgId: z.string(), bps: z.number().int() })) })
    .optional()
    .openapi({ description: 'A pooled request’s funders and their bps (enterprise first, totalling 10 000): each funds, signs and shares by it.' }),
};

export const ContractSummarySchema = z.object(contractShape).openapi('ContractSummary');

export const ContractSchema = z.object({ ...contractShape, milestones: z.array(ContractMilestoneSchema) }).openapi('Contract');

const tags = ['Contracts'];

const TerminatedContractSchema = ContractSchema.extend({ refunds: z.array(JournalEntrySchema) }).openapi('TerminatedContract');

/** `/v1/requests/{id}/award`. */
export function awardRoutes(deps: ApiDeps) {
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
export function contractRoutes(deps: ApiDeps) {
  const ContractIdParam = idParam('contract');
  return createRouter()
    .openapi(
      createRoute({
        method: 'get', path: '/', tags, security: bearer,
        summary: 'Contracts, newest first: associations every contract of the consortium, others their own; by status, cluster, or overdue (earliest due first)',
        request: { query: ContractListQuerySchema },
        responses: { 200: jsonResponse(pageOf(ContractSummarySchema, 'ContractPage'), 'A page of contracts'), ...errorResponses },
      }),
      async (c) => {
        const { cursor, limit, ...filter } = c.req.valid('query');
        return c.json(await listContractsFor(deps, c.get('principal'), filter, { cursor, limit }), 200);
      },
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
