import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import {
  AcceptMilestoneSchema, DisputeMilestoneSchema, FundMilestoneSchema, MilestoneParams, MilestoneResultSchema,
  OptionalIdempotencyHeaders, RequiredIdempotencyHeaders, RevisionSchema, SubmitMilestoneSchema, moneyErrorResponses,
} from '../money-schemas.js';
import { jsonBody, jsonResponse } from '../schemas.js';
import { actOnMilestone } from '../services/milestones.js';
import { idempotencyOf, sendResult } from './idempotency.js';
import { bearer, createRouter } from './router.js';

const tags = ['Milestones'];
const optionalBody = <T extends Parameters<typeof jsonBody>[0]>(schema: T) => ({ ...jsonBody(schema), required: false });
const ok = (description: string) => ({ 200: jsonResponse(MilestoneResultSchema, description), ...moneyErrorResponses });

/** `/v1/contracts/{id}/milestones/{n}/…`: the milestone steps of the contract parties. */
export function milestoneRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/fund', tags, security: bearer,
        summary: 'Enterprise: fund a milestone into escrow (with a subsidy, the government’s share is posted in the same entry)',
        request: { params: MilestoneParams, headers: RequiredIdempotencyHeaders, body: optionalBody(FundMilestoneSchema) },
        responses: ok('The milestone, FUNDED, with its FUND entry'),
      }),
      async (c) => {
        const { id, n } = c.req.valid('param');
        const body = c.req.valid('json') ?? {};
        const result = await actOnMilestone(deps, c.get('principal'), id, n,
          { action: 'fund', expectedAmount: body.amount?.amount, reference: body.reference },
          idempotencyOf(c, c.req.valid('header')['idempotency-key'], body));
        return c.json(sendResult(c, result).body, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/submit', tags, security: bearer, summary: 'Studio: submit the work with a note and an optional link',
        request: { params: MilestoneParams, headers: OptionalIdempotencyHeaders, body: jsonBody(SubmitMilestoneSchema) },
        responses: ok('The milestone, SUBMITTED; the review window starts'),
      }),
      async (c) => {
        const { id, n } = c.req.valid('param');
        const body = c.req.valid('json');
        const result = await actOnMilestone(deps, c.get('principal'), id, n, { action: 'submit', ...body },
          idempotencyOf(c, c.req.valid('header')['idempotency-key'], body));
        return c.json(sendResult(c, result).body, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/accept', tags, security: bearer, summary: 'Enterprise: accept; escrow is released to the studio’s earnings',
        request: { params: MilestoneParams, headers: RequiredIdempotencyHeaders, body: optionalBody(AcceptMilestoneSchema) },
        responses: ok('The milestone, RELEASED, with its RELEASE entry'),
      }),
      async (c) => {
        const { id, n } = c.req.valid('param');
        const body = c.req.valid('json') ?? {};
        const result = await actOnMilestone(deps, c.get('principal'), id, n, { action: 'accept', note: body.note },
          idempotencyOf(c, c.req.valid('header')['idempotency-key'], body));
        return c.json(sendResult(c, result).body, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/request-revision', tags, security: bearer, summary: 'Enterprise: send a submission back (SUBMITTED → FUNDED)',
        request: { params: MilestoneParams, headers: OptionalIdempotencyHeaders, body: optionalBody(RevisionSchema) },
        responses: ok('The milestone, FUNDED again'),
      }),
      async (c) => {
        const { id, n } = c.req.valid('param');
        const body = c.req.valid('json') ?? {};
        const result = await actOnMilestone(deps, c.get('principal'), id, n, { action: 'requestRevision', reason: body.reason },
          idempotencyOf(c, c.req.valid('header')['idempotency-key'], body));
        return c.json(sendResult(c, result).body, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/dispute', tags, security: bearer, summary: 'Enterprise or studio: dispute a FUNDED or SUBMITTED milestone; an association decides',
        request: { params: MilestoneParams, headers: OptionalIdempotencyHeaders, body: jsonBody(DisputeMilestoneSchema) },
        responses: ok('The milestone, DISPUTED, with the new disputeId'),
      }),
      async (c) => {
        const { id, n } = c.req.valid('param');
        const body = c.req.valid('json');
        const result = await actOnMilestone(deps, c.get('principal'), id, n, { action: 'dispute', reason: body.reason },
          idempotencyOf(c, c.req.valid('header')['idempotency-key'], body));
        return c.json(sendResult(c, result).body, 200);
      },
    );
}
