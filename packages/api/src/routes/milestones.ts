import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../deps.js';
import {
  AcceptMilestoneSchema, DisputeMilestoneSchema, FundMilestoneSchema, MilestoneParams, MilestoneResultSchema,
  OptionalIdempotencyHeaders, RequiredIdempotencyHeaders, RevisionSchema, SubmitMilestoneSchema, moneyErrorResponses,
} from '../money-schemas.js';
import { jsonBody, jsonResponse } from '../schemas.js';
import { actOnMilestone, type PartyCommand } from '../services/milestones.js';
import { idempotent } from './idempotency.js';
import { bearer, createRouter } from './router.js';

const tags = ['Milestones'];
const optionalBody = <T extends Parameters<typeof jsonBody>[0]>(schema: T) => ({ ...jsonBody(schema), required: false });
const ok = (description: string) => ({ 200: jsonResponse(MilestoneResultSchema, description), ...moneyErrorResponses });

/** Runs one milestone step for the route's contract and milestone, honouring the Idempotency-Key. */
const step = (c: Context, deps: AppDeps, params: { id: string; n: number }, key: string | undefined, body: unknown, command: PartyCommand) =>
  idempotent(c, key, body, (idempotency) => actOnMilestone(deps, c.get('principal'), params.id, params.n, command, idempotency));

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
        const body = c.req.valid('json') ?? {};
        return c.json(await step(c, deps, c.req.valid('param'), c.req.valid('header')['idempotency-key'], body, { action: 'fund', expectedAmount: body.amount?.amount, reference: body.reference }), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/submit', tags, security: bearer, summary: 'Studio: submit the work with a note and an optional link',
        request: { params: MilestoneParams, headers: OptionalIdempotencyHeaders, body: jsonBody(SubmitMilestoneSchema) },
        responses: ok('The milestone, SUBMITTED; the review window starts'),
      }),
      async (c) => {
        const body = c.req.valid('json');
        return c.json(await step(c, deps, c.req.valid('param'), c.req.valid('header')['idempotency-key'], body, { action: 'submit', ...body }), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/accept', tags, security: bearer, summary: 'Enterprise: accept; escrow is released to the studio’s earnings',
        request: { params: MilestoneParams, headers: RequiredIdempotencyHeaders, body: optionalBody(AcceptMilestoneSchema) },
        responses: ok('The milestone, RELEASED, with its RELEASE entry'),
      }),
      async (c) => {
        const body = c.req.valid('json') ?? {};
        return c.json(await step(c, deps, c.req.valid('param'), c.req.valid('header')['idempotency-key'], body, { action: 'accept', note: body.note }), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/request-revision', tags, security: bearer, summary: 'Enterprise: send a submission back (SUBMITTED → FUNDED)',
        request: { params: MilestoneParams, headers: OptionalIdempotencyHeaders, body: optionalBody(RevisionSchema) },
        responses: ok('The milestone, FUNDED again'),
      }),
      async (c) => {
        const body = c.req.valid('json') ?? {};
        return c.json(await step(c, deps, c.req.valid('param'), c.req.valid('header')['idempotency-key'], body, { action: 'requestRevision', reason: body.reason }), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/milestones/{n}/dispute', tags, security: bearer, summary: 'Enterprise or studio: dispute a FUNDED or SUBMITTED milestone; an association decides',
        request: { params: MilestoneParams, headers: OptionalIdempotencyHeaders, body: jsonBody(DisputeMilestoneSchema) },
        responses: ok('The milestone, DISPUTED, with the new disputeId'),
      }),
      async (c) => {
        const body = c.req.valid('json');
        return c.json(await step(c, deps, c.req.valid('param'), c.req.valid('header')['idempotency-key'], body, { action: 'dispute', reason: body.reason }), 200);
      },
    );
}
