import { CURRENCIES, ENTRY_KINDS, STATEMENT_KINDS } from '@sharedtech/core';
import { createRoute, z } from '@hono/zod-openapi';
import type { StatementKind } from '@sharedtech/core';
import type { ApiDeps } from '../deps.js';
import {
  DistributionQuerySchema, exportDistributionCsv, idSchema, listStatements, MoneySchema, PageQuerySchema, readContractLedger, readDistribution, readOrganisationAccounts, readStatementSummary,
  reportShareStatement, StatementInputSchema, StatementPeriodSchema,
} from '@sharedtech/services';
import { errorResponses, idParam, jsonBody, jsonResponse, moneyErrorResponses, pageOf, PartyRefSchema } from '../openapi.js';
import { OptionalIdempotencyHeaders } from './idempotency.js';
import { idempotent } from './idempotency.js';
import { bearer, createRouter } from './router.js';
import { csvFile, csvResponse } from '../csv.js';

// ── Schemas of this resource ─────────────────────────────────────────────

export const PostingSchema = z
  .object({ account: z.string().openapi({ example: 'escrow:ctr_01JD0000000000000000000000' }), amount: z.number().int().openapi({ description: 'Signed minor units: positive arrives in the account.' }) })
  .openapi('Posting');

export const JournalEntrySchema = z
  .object({
    id: z.string(),
    contractId: z.string(),
    kind: z.enum(ENTRY_KINDS),
    currency: z.enum(CURRENCIES),
    postings: z.array(PostingSchema).openapi({ description: 'They sum to zero.' }),
    milestoneN: z.number().int().optional(),
    disputeId: z.string().optional(),
    studioBps: z.number().int().optional(),
    at: z.string(),
  })
  .openapi('JournalEntry');

export const BalanceSchema = z.object({ account: z.string(), amount: z.number().int() }).openapi('Balance');

export const LedgerSchema = z
  .object({
    contractId: z.string(),
    currency: z.enum(CURRENCIES),
    items: z.array(JournalEntrySchema),
    nextCursor: z.string().nullable(),
    balances: z.array(BalanceSchema).openapi({ description: 'Every account this contract touched; they sum to zero.' }),
  })
  .openapi('ContractLedger');

export const AccountsSchema = z
  .object({
    orgId: z.string(),
    accounts: z.array(z.object({ account: z.string(), currency: z.enum(CURRENCIES), amount: z.number().int() })).openapi({
      description: '`external:<orgId>` is negative by what the organisation has paid in net of refunds; `earnings:<orgId>` is what it has been paid.',
    }),
    byContract: z.array(z.object({ account: z.string(), contractId: z.string(), currency: z.enum(CURRENCIES), amount: z.number().int() })).openapi({
      description: 'A page of the per-contract balances the totals add up from, by account kind and contract; `nextCursor` for the next.',
    }),
    nextCursor: z.string().nullable(),
  })
  .openapi('OrganisationAccounts');

export const StatementSchema = z
  .object({
    id: z.string(),
    contractId: z.string(),
    kind: z.enum(STATEMENT_KINDS),
    amount: MoneySchema,
    note: z.string().optional(),
    allocations: z.array(z.object({ orgId: z.string(), bps: z.number().int(), amount: MoneySchema })).openapi({
      description: 'Largest-remainder shares: they sum exactly to the amount.',
    }),
    reportedBy: PartyRefSchema,
    at: z.string(),
    period: StatementPeriodSchema.optional().openapi({ description: 'Absent on statements recorded before periods: they count in the (Asia/Shanghai) year of `at`.' }),
  })
  .openapi('ShareStatement');

const PartyYearSchema = z.object({ orgId: z.string(), benefit: z.number().int(), risk: z.number().int() });

export const StatementSummarySchema = z
  .object({
    contractId: z.string(),
    currency: z.enum(CURRENCIES),
    termYears: z.number().int().openapi({ description: 'Years after the contract ends that benefits are still reported.' }),
    termEndsAt: z.string().nullable().openapi({ description: 'When reporting ends (null while the contract has not ended).' }),
    years: z.array(
      z.object({ year: z.number().int(), statements: z.number().int(), benefit: z.number().int(), risk: z.number().int(), parties: z.array(PartyYearSchema) }),
    ).openapi({ description: 'Newest year first; amounts in fen; each party’s allocations sum to the year’s totals.' }),
  })
  .openapi('StatementSummary');

export const DistributionSchema = z
  .object({
    contractId: z.string(),
    title: z.string(),
    currency: z.enum(CURRENCIES),
    orgId: z.string(),
    orgName: z.string(),
    year: z.number().int(),
    lines: z.array(
      z.object({
        statementId: z.string(), at: z.string(), period: StatementPeriodSchema, kind: z.enum(STATEMENT_KINDS), reported: z.number().int(),
        reportedByOrgId: z.string(), bps: z.number().int(), allocated: z.number().int(), note: z.string().optional(),
      }),
    ),
    ledger: z.array(
      z.object({ entryId: z.string(), kind: z.string(), at: z.string(), milestoneN: z.number().int().optional(), paid: z.number().int(), received: z.number().int() }),
    ).openapi({ description: 'Journal entries of that year that moved the party’s money: paid into escrow (negative: refunded) and received as earnings.' }),
    totals: z.object({
      benefitReported: z.number().int(), benefitAllocated: z.number().int(), riskReported: z.number().int(), riskAllocated: z.number().int(),
      paid: z.number().int(), received: z.number().int(),
    }),
  })
  .openapi('DistributionStatement');

const ContractIdParam = idParam('contract');
const StatementPageSchema = pageOf(StatementSchema, 'ShareStatementPage');

/** `/v1/contracts/{id}/ledger`, `/benefits`, `/risks`. */
export function contractLedgerRoutes(deps: ApiDeps) {
  const router = createRouter().openapi(
    createRoute({
      method: 'get', path: '/{id}/ledger', tags: ['Ledger'], security: bearer,
      summary: 'The contract’s journal entries (oldest first) with postings, and its account balances (parties and associations)',
      request: { params: ContractIdParam, query: PageQuerySchema },
      responses: { 200: jsonResponse(LedgerSchema, 'Entries and balances'), ...errorResponses },
    }),
    async (c) => c.json(await readContractLedger(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query')), 200),
  );
  const statementRoutes = (path: 'benefits' | 'risks', kind: StatementKind, what: string) =>
    router
      .openapi(
        createRoute({
          method: 'post', path: `/{id}/${path}`, tags: ['Benefit and risk sharing'], security: bearer,
          summary: `A party: report ${what}; it is allocated by the contract’s ${kind === 'BENEFIT' ? 'benefitShares' : 'riskShares'} (largest remainder, exact sum)`,
          request: { params: ContractIdParam, headers: OptionalIdempotencyHeaders, body: jsonBody(StatementInputSchema) },
          responses: { 201: jsonResponse(StatementSchema, 'The recorded statement with each party’s allocation'), ...moneyErrorResponses },
        }),
        async (c) => {
          const body = c.req.valid('json');
          const statement = await idempotent(c, c.req.valid('header')['idempotency-key'], body, (idempotency) =>
            reportShareStatement(deps, c.get('principal'), c.req.valid('param').id, kind, body, idempotency));
          return c.json(statement, 201);
        },
      )
      .openapi(
        createRoute({
          method: 'get', path: `/{id}/${path}`, tags: ['Benefit and risk sharing'], security: bearer,
          summary: `The contract’s ${kind.toLowerCase()} statements, newest first (parties and associations)`,
          request: { params: ContractIdParam, query: PageQuerySchema },
          responses: { 200: jsonResponse(StatementPageSchema, 'A page of statements'), ...errorResponses },
        }),
        async (c) => c.json(await listStatements(deps, c.get('principal'), c.req.valid('param').id, kind, c.req.valid('query')), 200),
      );
  statementRoutes('benefits', 'BENEFIT', 'downstream revenue (a benefit event)');
  statementRoutes('risks', 'RISK', 'a loss (a risk event)');
  return router
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/statements/summary', tags: ['Benefit and risk sharing'], security: bearer,
        summary: 'Benefit and risk totals per year and party (parties and associations)',
        request: { params: ContractIdParam },
        responses: { 200: jsonResponse(StatementSummarySchema, 'Totals per year, newest first'), ...errorResponses },
      }),
      async (c) => c.json(await readStatementSummary(deps, c.get('principal'), c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/statements/distribution', tags: ['Benefit and risk sharing'], security: bearer,
        summary: 'A party’s distribution statement of one year: reported, allocated and, from the ledger, paid and received',
        request: { params: ContractIdParam, query: DistributionQuerySchema },
        responses: { 200: jsonResponse(DistributionSchema, 'The distribution statement'), ...errorResponses },
      }),
      async (c) => c.json(await readDistribution(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/statements/distribution.csv', tags: ['Benefit and risk sharing'], security: bearer,
        summary: 'The distribution statement as CSV (UTF-8 with BOM, Chinese headers, yuan with two decimals)',
        request: { params: ContractIdParam, query: DistributionQuerySchema },
        responses: { 200: csvResponse('The CSV file'), ...errorResponses },
      }),
      async (c) => {
        const file = await exportDistributionCsv(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query'));
        return csvFile(c, file);
      },
    );
}

/** `/v1/accounts/me` and `/v1/accounts/{orgId}`: an organisation's balances across its contracts. */
export function accountRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get', path: '/me', tags: ['Ledger'], security: bearer, summary: 'My organisation’s account balances across contracts',
        request: { query: PageQuerySchema },
        responses: { 200: jsonResponse(AccountsSchema, 'Totals per account and per contract'), ...errorResponses },
      }),
      async (c) => c.json(await readOrganisationAccounts(deps, c.get('principal'), undefined, c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{orgId}', tags: ['Ledger'], security: bearer, summary: 'An organisation’s balances (its members and associations)',
        request: { params: z.object({ orgId: idSchema('org').openapi({ param: { name: 'orgId', in: 'path' } }) }), query: PageQuerySchema },
        responses: { 200: jsonResponse(AccountsSchema, 'Totals per account and per contract'), ...errorResponses },
      }),
      async (c) => c.json(await readOrganisationAccounts(deps, c.get('principal'), c.req.valid('param').orgId, c.req.valid('query')), 200),
    );
}
