import {
  ConflictError, ForbiddenError, NotFoundError, isAssociation, questionLifecycle, requireVerified, viewOfQuestion,
  type AnswerVisibility, type Principal, type Question, type QuestionView, type QuestionViewer, type TechnicalRequest,
} from '@sharedtech/core';
import { getQuestion, listBidsOfRequest, listQuestionsOfRequest, writeNewQuestion, writeQuestionChange, type PageRequest } from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toOrg, type NotificationSpec } from './change.js';
import { getVisibleRequest, maySeeRequestDetails } from './requests.js';

/** A public answer tells the studios bidding at the time; beyond this many it stays on the request page only. */
export const MAX_BIDDERS_NOTIFIED = 40;

const viewerOf = (principal: Principal, request: TechnicalRequest): QuestionViewer => ({
  orgId: principal.membership?.orgId,
  isAssociation: isAssociation(principal),
  maySeeDetails: maySeeRequestDetails(principal, request),
});

/** A verified studio that may read the request asks its owner a question; only while the request is OPEN. */
export async function askQuestion(deps: ServiceDeps, principal: Principal, requestId: string, text: string): Promise<QuestionView> {
  const acting = requireVerified(principal, ['STUDIO']);
  const request = await getVisibleRequest(deps, principal, requestId, true);
  if (request.status !== 'OPEN') {
    throw new ConflictError('REQUEST_NOT_OPEN', `Questions are taken while a request is OPEN; this one is ${request.status}.`, { status: request.status });
  }
  const now = deps.clock().toISOString();
  const question: Question = {
    id: deps.ids('question'),
    requestId: request.id,
    requestOwnerOrgId: request.ownerOrgId,
    askerOrgId: acting.org.id,
    askedBy: principal.sub,
    text,
    status: 'OPEN',
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await applyChange(deps, principal, {
    writes: [writeNewQuestion(deps.db, question)],
    transitions: [
      { entity: { type: 'question', id: question.id }, action: 'ask', after: 'OPEN', details: { requestId: request.id }, creates: true },
    ],
    notify: [{ to: toOrg(request.ownerOrgId), type: 'QUESTION_ASKED', params: { title: request.title } }],
  });
  return viewOfQuestion(viewerOf(principal, request), question)!;
}

/**
 * The owner answers once: publicly (every reader of the request's details
 * sees question and answer, not who asked; current bidders are told) or
 * privately to the asker.
 */
export async function answerQuestion(
  deps: ServiceDeps,
  principal: Principal,
  questionId: string,
  answer: { text: string; visibility: AnswerVisibility },
): Promise<QuestionView> {
  const question = await getQuestion(deps.db, questionId, true);
  const request = question && (await getVisibleRequest(deps, principal, question.requestId, true).catch(() => undefined));
  if (!question || !request || !viewOfQuestion(viewerOf(principal, request), question)) throw new NotFoundError('Question', questionId);
  if (principal.membership?.orgId !== question.requestOwnerOrgId) {
    throw new ForbiddenError('NOT_REQUEST_OWNER', 'Only the enterprise that posted the request answers its questions.');
  }
  requireVerified(principal, ['ENTERPRISE']);
  const status = questionLifecycle.next(question.status, 'answer');
  const now = deps.clock().toISOString();
  const next: Question = {
    ...question,
    status,
    answer: { ...answer, answeredBy: principal.sub, at: now },
    updatedAt: now,
    version: question.version + 1,
  };
  const notify: NotificationSpec[] = [{ to: toOrg(question.askerOrgId), type: 'QUESTION_ANSWERED', params: { title: request.title } }];
  if (answer.visibility === 'PUBLIC') {
    // One bounded read: the newest bids; a studio with several appears once (notifications are deduplicated).
    const { items: bids } = await listBidsOfRequest(deps.db, request.id, { limit: MAX_BIDDERS_NOTIFIED });
    const bidders = bids.filter((bid) => bid.status === 'SUBMITTED' && bid.studioOrgId !== question.askerOrgId).map((bid) => bid.studioOrgId);
    for (const orgId of bidders) notify.push({ to: toOrg(orgId), type: 'QUESTION_PUBLISHED', params: { title: request.title } });
  }
  await applyChange(deps, principal, {
    writes: [
      writeQuestionChange(deps.db, next, () => new ConflictError('CONCURRENT_UPDATE', 'The question was answered meanwhile; reload it.')),
    ],
    transitions: [
      { entity: { type: 'question', id: question.id }, action: 'answer', before: question.status, after: status, details: { visibility: answer.visibility } },
    ],
    notify,
  });
  return viewOfQuestion(viewerOf(principal, request), next)!;
}

/** The request a question belongs to, if the caller may see that question (404 otherwise). */
export async function requestIdOfQuestion(deps: ServiceDeps, principal: Principal, questionId: string): Promise<string> {
  const question = await getQuestion(deps.db, questionId);
  const request = question && (await getVisibleRequest(deps, principal, question.requestId).catch(() => undefined));
  if (!question || !request || !viewOfQuestion(viewerOf(principal, request), question)) throw new NotFoundError('Question', questionId);
  return request.id;
}

/** A request's questions as the caller may see them, oldest first. */
export async function listQuestions(deps: ServiceDeps, principal: Principal, requestId: string, page: PageRequest) {
  const request = await getVisibleRequest(deps, principal, requestId);
  const viewer = viewerOf(principal, request);
  const readsAll = viewer.isAssociation || viewer.orgId === request.ownerOrgId;
  if (!readsAll && !viewer.maySeeDetails && !viewer.orgId) return { items: [], nextCursor: null };
  const result = await listQuestionsOfRequest(deps.db, request.id, readsAll ? { all: true } : { askerOrgId: viewer.orgId }, page);
  return { items: result.items.flatMap((question) => viewOfQuestion(viewer, question) ?? []), nextCursor: result.nextCursor };
}
