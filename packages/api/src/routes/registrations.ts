import { CONTRACT_STATUSES, IP_OWNERSHIP, TECH_CONTRACT_TYPES } from '@sharedtech/core';
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import {
  exportRegistrationsCsv, listRegistrations, MoneySchema, readContractRegistration, RegistrationListQuerySchema, RegistrationRangeSchema,
} from '@sharedtech/services';
import { errorResponses, idParam, jsonResponse } from '../openapi.js';
import { bearer, createRouter } from './router.js';
import { csvFile, csvResponse } from '../csv.js';

// ── Schemas of this resource ─────────────────────────────────────────────

export const RegistrationSchema = z
  .object({
    contractId: z.string(),
    subject: z.string().openapi({ description: 'The contract’s title (项目名称).' }),
    cluster: z.string().optional(),
    status: z.enum(CONTRACT_STATUSES),
    contractType: z.enum(TECH_CONTRACT_TYPES).optional().openapi({ description: 'Absent on contracts awarded before registration was asked for.' }),
    price: MoneySchema,
    technologyAmount: MoneySchema.optional().openapi({ description: '技术交易额, chosen at award.' }),
    technologyIncome: MoneySchema.openapi({ description: '技术性收入: of what the studio and its college were paid, the technology part (in proportion to technologyAmount / price).' }),
    parties: z.array(
      z.object({
        role: z.enum(['BUYER', 'SELLER', 'SELLER_COLLEGE', 'CO_FUNDER']),
        orgId: z.string(),
        name: z.string(),
        creditCode: z.string().optional().openapi({ description: '统一社会信用代码 (absent for studios, which have none of their own).' }),
      }),
    ),
    signedOn: z.string().optional().openapi({ description: 'Date of the last signature (Asia/Shanghai).' }),
    activatedOn: z.string().optional(),
    dueOn: z.string().optional().openapi({ description: 'Due date of the last milestone (Asia/Shanghai).' }),
    ipOwnership: z.enum(IP_OWNERSHIP),
  })
  .openapi('ContractRegistration');

const RegistrationPageSchema = z
  .object({
    scope: z.union([z.object({ cluster: z.string() }), z.object({ collegeOrgId: z.string() })]),
    items: z.array(RegistrationSchema),
    nextCursor: z.string().nullable(),
  })
  .openapi('RegistrationPage');

const ContractIdParam = idParam('contract');

/** `/v1/contracts/{id}/registration` (mounted under `/v1/contracts`). */
export function contractRegistrationRoutes(deps: ApiDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'get', path: '/{id}/registration', tags: ['Technology contract registration'], security: bearer,
      summary: 'What the contract’s technology contract registration (技术合同认定登记) needs: parties with credit codes, type, amounts, dates, IP',
      request: { params: ContractIdParam },
      responses: { 200: jsonResponse(RegistrationSchema, 'The registration record'), ...errorResponses },
    }),
    async (c) => c.json(await readContractRegistration(deps, c.get('principal'), c.req.valid('param').id), 200),
  );
}

/** `/v1/registrations` and `/v1/registrations.csv` (mounted under `/v1`). */
export function registrationRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get', path: '/registrations', tags: ['Technology contract registration'], security: bearer,
        summary: 'Contracts activated in a date range, oldest first: an association’s cluster or a college’s studios',
        request: { query: RegistrationListQuerySchema },
        responses: { 200: jsonResponse(RegistrationPageSchema, 'A page of registration records'), ...errorResponses },
      }),
      async (c) => {
        const { cursor, limit, ...range } = c.req.valid('query');
        return c.json(await listRegistrations(deps, c.get('principal'), range, { cursor, limit }), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/registrations.csv', tags: ['Technology contract registration'], security: bearer,
        summary: 'The same contracts as a CSV file for registration: UTF-8 with BOM, Chinese headers, amounts in yuan (two decimals), Shanghai dates',
        request: { query: RegistrationRangeSchema },
        responses: {
          200: csvResponse('One row per contract (at most 2,000: a wider range is a 400).'),
          ...errorResponses,
        },
      }),
      async (c) => {
        const file = await exportRegistrationsCsv(deps, c.get('principal'), c.req.valid('query'));
        return csvFile(c, file);
      },
    );
}
