import { questionSchema, type Question } from '@sharedtech/core';
import type { Db } from './client.js';
import { putIfVersion, putNew, type Write } from './commit.js';
import { keys } from './keys.js';
import { getItem, onIndex, queryPage, type PageRequest } from './query.js';

const questionItem = (question: Question) => ({
  ...keys.question(question.id),
  ...keys.questionsOfRequest(question.requestId, question.id),
  ...question,
});

export const getQuestion = (db: Db, questionId: string, consistent = false) =>
  getItem(db, keys.question(questionId), questionSchema, consistent);

export const writeNewQuestion = (db: Db, question: Question): Write => putNew(db, questionItem(question));

export const writeQuestionChange = (db: Db, question: Question, onConflict?: Write['onConflict']): Write =>
  putIfVersion(db, questionItem(question), onConflict);

/**
 * Which questions of a request a reader gets: all of them (the owner,
 * associations), or the published ones plus those its own organisation asked.
 */
export type QuestionReader = { all: true } | { askerOrgId?: string };

/** A request's questions, oldest first, narrowed to what the reader may see. */
export function listQuestionsOfRequest(db: Db, requestId: string, reader: QuestionReader, page?: PageRequest) {
  const published = '#answer.#visibility = :public';
  const filter =
    'all' in reader
      ? undefined
      : {
          FilterExpression: reader.askerOrgId ? `${published} OR askerOrgId = :me` : published,
          ExpressionAttributeNames: { '#answer': 'answer', '#visibility': 'visibility' },
          ExpressionAttributeValues: { ':public': 'PUBLIC', ...(reader.askerOrgId ? { ':me': reader.askerOrgId } : {}) },
        };
  return queryPage(
    db,
    { ...onIndex('gsi1', keys.questionsOfRequest(requestId, '').gsi1pk), schema: questionSchema, newestFirst: false, filter },
    page,
  );
}
