import { ANSWER_VISIBILITIES } from '@sharedtech/core';
import { z } from './zod.js';

export const AskQuestionSchema = z
  .object({ text: z.string().trim().min(5).max(2000).openapi({ example: '节拍 3 秒是否包含上下料时间？' }) })
  .strict()
  .openapi('AskQuestion');

export const AnswerQuestionSchema = z
  .object({
    text: z.string().trim().min(1).max(4000),
    visibility: z.enum(ANSWER_VISIBILITIES).openapi({
      description: 'PUBLIC: every reader of the request’s details sees question and answer (not who asked); PRIVATE: only the asker.',
    }),
  })
  .strict()
  .openapi('AnswerQuestion');
