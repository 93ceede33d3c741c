import { createRoute, z } from '@hono/zod-openapi';
import type { StatementKind } from '@sharedtech/core';
import type { AppDeps } from '../deps.js';
import { AccountsSchema, LedgerSchema, OptionalIdempotencyHeaders, StatementInputSchema, StatementSchema, moneyErrorResponses } from '../money-schemas.js';
import { PageQuerySchema, errorResponses, idParam, idSchema, jsonBody, jsonResponse, pageOf } from '../schemas.js';
import { listStatements, readContractLedger, readOrganisationAccounts, reportShareStatement } from '../services/ledger.js';
import { idempotent } from './idempotency.js';
import { bearer, createRouter } from './router.js';

const ContractIdParam = idParam('contract');
const StatementPageSchema = pageOf(StatementSchema, 'ShareStatementPage');

/** `/v1/contracts/{id}/ledger`, `/benefits`, `/risks`. */
export function contractLedgerRoutes(deps: AppDeps) {
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
  return router;
}

/** `/v1/accounts/me` and `/v1/accounts/{orgId}`: an organisation's balances across its contracts. */
export function accountRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get', path: '/me', tags: ['Ledger'], security: bearer, summary: 'My organisation’s account balances across contracts',
        responses: { 200: jsonResponse(AccountsSchema, 'Totals per account and per contract'), ...errorResponses },
      }),
      async (c) => c.json(await readOrganisationAccounts(deps, c.get('principal')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{orgId}', tags: ['Ledger'], security: bearer, summary: 'An organisation’s balances (its members and associations)',
        request: { params: z.object({ orgId: idSchema('org').openapi({ param: { name: 'orgId', in: 'path' } }) }) },
        responses: { 200: jsonResponse(AccountsSchema, 'Totals per account and per contract'), ...errorResponses },
      }),
      async (c) => c.json(await readOrganisationAccounts(deps, c.get('principal'), c.req.valid('param').orgId), 200),
    );
}
