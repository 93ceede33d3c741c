import { z } from 'zod';
import { defineStateMachine } from './state-machine.js';

/**
 * Questions a studio asks about an open request before bidding (答疑), and the
 * owner's answers. An answer is either published to everyone who may read the
 * request's details — with the asker's name left out, so no studio learns who
 * its rivals are — or given privately to the asker alone.
 */
export const QUESTION_STATUSES = ['OPEN', 'ANSWERED'] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];

export const ANSWER_VISIBILITIES = ['PUBLIC', 'PRIVATE'] as const;
export type AnswerVisibility = (typeof ANSWER_VISIBILITIES)[number];

export const questionLifecycle = defineStateMachine<QuestionStatus, 'answer'>('question', {
  answer: { from: ['OPEN'], to: 'ANSWERED' },
});

export const questionSchema = z.object({
  id: z.string(),
  requestId: z.string(),
  requestOwnerOrgId: z.string(),
  askerOrgId: z.string(),
  askedBy: z.string(),
  text: z.string(),
  status: z.enum(QUESTION_STATUSES),
  answer: z
    .object({ text: z.string(), visibility: z.enum(ANSWER_VISIBILITIES), answeredBy: z.string(), at: z.string() })
    .optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Question = z.infer<typeof questionSchema>;

/** Who is looking at a request's questions, as far as the rules below care. */
export interface QuestionViewer {
  orgId?: string;
  /** Associations moderate: they read every question. */
  isAssociation: boolean;
  /** Whether the viewer may read the request's details (verified studios, the owner, associations). */
  maySeeDetails: boolean;
}

/**
 * How much of a question the viewer may see: all of it (the owner, the asker's
 * organisation, associations), the published answer without the asker, or nothing.
 */
export function questionAudience(viewer: QuestionViewer, question: Question): 'FULL' | 'PUBLISHED' | 'NONE' {
  if (viewer.isAssociation || viewer.orgId === question.requestOwnerOrgId || viewer.orgId === question.askerOrgId) return 'FULL';
  if (viewer.maySeeDetails && question.answer?.visibility === 'PUBLIC') return 'PUBLISHED';
  return 'NONE';
}

/** The question as the viewer may see it, or undefined when it is not theirs to see. */
export function viewOfQuestion(viewer: QuestionViewer, question: Question) {
  const audience = questionAudience(viewer, question);
  if (audience === 'NONE') return undefined;
  const { version: _version, askedBy, askerOrgId, answer, ...rest } = question;
  const publicAnswer = answer && { text: answer.text, visibility: answer.visibility, at: answer.at };
  if (audience === 'PUBLISHED') return { ...rest, answer: publicAnswer, askedByMe: false };
  return { ...rest, askerOrgId, askedBy, answer, askedByMe: viewer.orgId === askerOrgId };
}
export type QuestionView = NonNullable<ReturnType<typeof viewOfQuestion>>;
