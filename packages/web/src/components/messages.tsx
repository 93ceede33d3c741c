import type { ContractMessage } from '@sharedtech/core';
import type { Ui } from '../context.js';
import type { FormState } from '../forms.js';
import { ErrorSummary, FormSubmit, TextArea } from './form.js';
import { Empty, Section, Time } from './ui.js';

/** A contract's thread on its page: newest first, with the write form for the parties. */
export function MessagesSection({ ui, contractId, messages, orgName, canWrite, form }: {
  ui: Ui;
  contractId: string;
  messages: ContractMessage[];
  orgName: (orgId: string) => string;
  canWrite: boolean;
  form: FormState;
}) {
  const t = ui.t;
  return (
    <Section title={t('message.title')} id="messages">
      {canWrite ? (
        <form method="post" action={`/contracts/${contractId}/messages`} class="stack" novalidate>
          <ErrorSummary ui={ui} form={form} />
          <TextArea ui={ui} form={form} name="text" required rows={3} label={t('message.write')} hint={t('message.hint')} maxlength={4000} />
          <FormSubmit label={t('message.send')} variant="secondary" />
        </form>
      ) : (
        <p class="muted">{t('message.readOnly')}</p>
      )}
      {messages.length === 0 ? <Empty>{t('message.empty')}</Empty> : null}
      <ol class="list messages">
        {messages.map((message) => (
          <li class="item" data-message-id={message.id}>
            <p class="item-meta">
              <strong>{orgName(message.authorOrgId)}</strong>
              {message.authorName ? <span>{message.authorName}</span> : null}
              <Time ui={ui} iso={message.at} />
            </p>
            <p class="prose">{message.text}</p>
          </li>
        ))}
      </ol>
    </Section>
  );
}
