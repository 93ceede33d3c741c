import { createRoute, z } from '@hono/zod-openapi';
import { REVIEWER_ROLES, REVIEW_STATUSES } from '@sharedtech/core';
import {
  HideReviewSchema, PageQuerySchema, ReplyToReviewSchema, SubmitReviewSchema, hideReview, listOrganisationReviews, readContractReviews, replyToReview,
  submitReview,
} from '@sharedtech/services';
import type { ApiDeps } from '../deps.js';
import { errorResponses, idParam, jsonBody, jsonResponse } from '../openapi.js';
import { bearer, createRouter } from './router.js';

const RatingsSchema = z.object({ quality: z.number().int(), timeliness: z.number().int(), communication: z.number().int() });

export const RatingAveragesSchema = z
  .object({
    count: z.number().int().openapi({ description: 'Published reviews not hidden.' }),
    quality: z.number(),
    timeliness: z.number(),
    communication: z.number(),
    overall: z.number().openapi({ description: 'Mean of the three aspects, two decimals.' }),
  })
  .openapi('RatingAverages');

export const ReviewSchema = z
  .object({
    id: z.string(),
    contractId: z.string().optional().openapi({ description: 'Only for its author and associations.' }),
    contractTitle: z.string(),
    authorOrgId: z.string(),
    authorRole: z.enum(REVIEWER_ROLES),
    authoredBy: z.string().optional(),
    subjectOrgId: z.string(),
    ratings: RatingsSchema,
    comment: z.string(),
    status: z.enum(REVIEW_STATUSES).openapi({ description: 'SEALED: seen by its author only, until both parties reviewed or the review window ended.' }),
    createdAt: z.string(),
    publishDueAt: z.string(),
    publishedAt: z.string().optional(),
    updatedAt: z.string(),
    reply: z.object({ text: z.string(), by: z.string().optional(), at: z.string() }).optional(),
    hidden: z.object({ reason: z.string(), by: z.string(), at: z.string() }).optional().openapi({ description: 'Associations only.' }),
    mine: z.boolean(),
  })
  .openapi('Review');

const ContractReviewsSchema = z
  .object({
    items: z.array(ReviewSchema),
    role: z.enum(REVIEWER_ROLES).nullable().openapi({ description: 'The side the caller reviews from, if any.' }),
    subjectOrgId: z.string().nullable().openapi({ description: 'The organisation the caller reviews, if it reviews.' }),
    canReview: z.boolean(),
    otherSubmitted: z.boolean().openapi({ description: 'Whether the other side has reviewed (its review stays sealed until both are in).' }),
    closesAt: z.string().nullable().openapi({ description: 'End of the review window (14 days after the contract ended).' }),
  })
  .openapi('ContractReviews');

const OrgReviewPageSchema = z
  .object({ items: z.array(ReviewSchema), nextCursor: z.string().nullable(), averages: RatingAveragesSchema.nullable() })
  .openapi('OrganisationReviewPage');

const ContractIdParam = idParam('contract');
const OrgIdParam = idParam('org', 'orgId');
const ReviewIdParam = idParam('review');
const tags = ['Reviews'];

/** `/v1/contracts/{id}/reviews`: each party reviews the other once after the contract ended (double-blind). */
export function contractReviewRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/reviews', tags, security: bearer,
        summary: 'Enterprise or studio of a COMPLETED or TERMINATED contract: review the other party, once (sealed until both are in or 14 days passed)',
        request: { params: ContractIdParam, body: jsonBody(SubmitReviewSchema) },
        responses: { 201: jsonResponse(ReviewSchema, 'The review: SEALED, or PUBLISHED with the other party’s'), ...errorResponses },
      }),
      async (c) => c.json(await submitReview(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/reviews', tags, security: bearer,
        summary: 'Reviews of a contract as the caller may see them: its own, and published ones',
        request: { params: ContractIdParam },
        responses: { 200: jsonResponse(ContractReviewsSchema, 'The reviews and what is still to do'), ...errorResponses },
      }),
      async (c) => c.json(await readContractReviews(deps, c.get('principal'), c.req.valid('param').id), 200),
    );
}

/** `/v1/orgs/{orgId}/reviews`: published reviews of an organisation and its averages. */
export function organisationReviewRoutes(deps: ApiDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'get', path: '/{orgId}/reviews', tags, security: bearer,
      summary: 'Published reviews of an organisation, newest first, with its averages (hidden ones: associations only)',
      request: { params: OrgIdParam, query: PageQuerySchema },
      responses: { 200: jsonResponse(OrgReviewPageSchema, 'A page of reviews'), ...errorResponses },
    }),
    async (c) => c.json(await listOrganisationReviews(deps, c.get('principal'), c.req.valid('param').orgId, c.req.valid('query')), 200),
  );
}

/** `/v1/reviews/{id}/{reply,hide}`: the reviewed organisation replies once; an association hides for cause. */
export function reviewRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/reply', tags, security: bearer, summary: 'The reviewed organisation: reply to a published review, once',
        request: { params: ReviewIdParam, body: jsonBody(ReplyToReviewSchema) },
        responses: { 200: jsonResponse(ReviewSchema, 'The review with its reply'), ...errorResponses },
      }),
      async (c) => c.json(await replyToReview(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json').text), 200),
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/hide', tags, security: bearer,
        summary: 'Association: hide a published review for cause (audited; the averages leave it out)',
        request: { params: ReviewIdParam, body: jsonBody(HideReviewSchema) },
        responses: { 200: jsonResponse(ReviewSchema, 'The hidden review'), ...errorResponses },
      }),
      async (c) => c.json(await hideReview(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json').reason), 200),
    );
}
