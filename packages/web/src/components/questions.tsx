import { isAssociation, type QuestionView } from '@sharedtech/core';
import type { Ui } from '../context.js';
import { emptyForm, type FormState } from '../forms.js';
import { ErrorSummary, FormSubmit, Select, TextArea } from './form.js';
import { Badge, Empty, Section, Time } from './ui.js';

export interface QuestionForms {
  ask?: FormState;
  answer?: { questionId: string; form: FormState };
}

/**
 * The request page's questions and answers (答疑): what the reader may see,
 * the studios' ask form while the request is OPEN, and the owner's answer
 * form under each unanswered question.
 */
export function QuestionsSection({ ui, requestId, questions, canAsk, canAnswer, forms = {} }: {
  ui: Ui;
  requestId: string;
  questions: QuestionView[];
  canAsk: boolean;
  canAnswer: boolean;
  forms?: QuestionForms;
}) {
  const t = ui.t;
  return (
    <Section title={t('question.title')} id="questions">
      {questions.length === 0 ? <Empty>{t('question.empty')}</Empty> : null}
      <ol class="list questions">
        {questions.map((question) => {
          // Several answer forms share the page: the scope keeps their field ids apart.
          const scope = `answer-${question.id}`;
          const form = forms.answer?.questionId === question.id ? forms.answer.form : emptyForm({ visibility: 'PUBLIC' });
          return (
            <li class="item" id={`q-${question.id}`}>
              <p>
                <strong>{t('question.asked')}</strong> {question.text}{' '}
                {question.askedByMe ? <span class="muted">{t('question.mine')}</span> : null}{' '}
                <span class="muted">
                  <Time ui={ui} iso={question.createdAt} />
                </span>
                {/* Its trail is for the request owner, the asker and associations. */}
                {canAnswer || question.askedByMe || (ui.principal !== undefined && isAssociation(ui.principal)) ? (
                  <>
                    {' '}
                    <a href={`/audit?entity=question:${question.id}`}>{t('common.auditTrail')}</a>
                  </>
                ) : null}
              </p>
              {question.answer ? (
                <p>
                  <strong>{t('question.answer')}</strong> {question.answer.text}{' '}
                  <Badge status={question.answer.visibility} label={t(question.answer.visibility === 'PUBLIC' ? 'question.public' : 'question.private')} />
                </p>
              ) : canAnswer ? (
                <form method="post" action={`/questions/${question.id}/answer`} class="stack" novalidate>
                  <input type="hidden" name="requestId" value={requestId} />
                  <ErrorSummary ui={ui} form={form} scope={scope} />
                  <TextArea ui={ui} form={form} scope={scope} name="text" required rows={2} label={t('question.answer')} maxlength={4000} />
                  <Select
                    ui={ui}
                    form={form}
                    scope={scope}
                    name="visibility"
                    label={t('question.visibility')}
                    hint={t('question.visibilityHint')}
                    options={[
                      { value: 'PUBLIC', label: t('question.public') },
                      { value: 'PRIVATE', label: t('question.private') },
                    ]}
                  />
                  <FormSubmit label={t('question.answerSubmit')} variant="primary" />
                </form>
              ) : (
                <p class="muted">{t('question.unanswered')}</p>
              )}
            </li>
          );
        })}
      </ol>
      {canAsk ? (
        <form method="post" action={`/requests/${requestId}/questions`} class="stack" novalidate>
          <ErrorSummary ui={ui} form={forms.ask ?? emptyForm()} />
          <TextArea ui={ui} form={forms.ask ?? emptyForm()} name="question" required rows={3} label={t('question.ask')} hint={t('question.askHint')} maxlength={2000} />
          <FormSubmit label={t('question.askSubmit')} variant="secondary" />
        </form>
      ) : null}
    </Section>
  );
}
