import { createRoute, z } from '@hono/zod-openapi';
import { ANSWER_VISIBILITIES, QUESTION_STATUSES } from '@sharedtech/core';
import { AnswerQuestionSchema, AskQuestionSchema, PageQuerySchema, answerQuestion, askQuestion, listQuestions } from '@sharedtech/services';
import type { ApiDeps } from '../deps.js';
import { errorResponses, idParam, jsonBody, jsonResponse, pageOf } from '../openapi.js';
import { bearer, createRouter } from './router.js';

export const QuestionSchema = z
  .object({
    id: z.string(),
    requestId: z.string(),
    requestOwnerOrgId: z.string(),
    askerOrgId: z.string().optional().openapi({ description: 'Only for the owner, the asker’s organisation and associations.' }),
    askedBy: z.string().optional(),
    askedByMe: z.boolean(),
    text: z.string(),
    status: z.enum(QUESTION_STATUSES),
    answer: z
      .object({ text: z.string(), visibility: z.enum(ANSWER_VISIBILITIES), answeredBy: z.string().optional(), at: z.string() })
      .optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Question');

const tags = ['Questions'];
const RequestIdParam = idParam('request');
const QuestionIdParam = idParam('question');

/** `/v1/requests/{id}/questions`: studios ask before bidding; each reader sees what is theirs to see. */
export function requestQuestionRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/questions', tags, security: bearer, summary: 'Verified studio: ask the owner of an OPEN request a question',
        request: { params: RequestIdParam, body: jsonBody(AskQuestionSchema) },
        responses: { 201: jsonResponse(QuestionSchema, 'The question, OPEN until answered'), ...errorResponses },
      }),
      async (c) => c.json(await askQuestion(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json').text), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/questions', tags, security: bearer,
        summary: 'Questions of a request, oldest first: all for the owner and associations; published answers and your own for studios',
        request: { params: RequestIdParam, query: PageQuerySchema },
        responses: { 200: jsonResponse(pageOf(QuestionSchema, 'QuestionPage'), 'A page of questions'), ...errorResponses },
      }),
      async (c) => c.json(await listQuestions(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query')), 200),
    );
}

/** `/v1/questions/{id}/answer`: the owner answers once, publicly or privately. */
export function questionRoutes(deps: ApiDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'post', path: '/{id}/answer', tags, security: bearer, summary: 'Request owner: answer a question, publicly (asker hidden) or privately',
      request: { params: QuestionIdParam, body: jsonBody(AnswerQuestionSchema) },
      responses: { 200: jsonResponse(QuestionSchema, 'The question, ANSWERED'), ...errorResponses },
    }),
    async (c) => c.json(await answerQuestion(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 200),
  );
}
