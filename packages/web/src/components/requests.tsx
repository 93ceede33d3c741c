import type { Child } from 'hono/jsx';
import { type Money, type TechnicalRequest } from '@sharedtech/core';
import { ErrorSummary, SubmitButton, TextArea } from './form.js';
import { ItemTitle, Tags, Time } from './ui.js';
import { type Ui } from '../context.js';
import { type FormState } from '../forms.js';
import { clusterLabel, requestStatusLabel } from '../labels.js';
import { highlightSegments } from '../format.js';

/** A request as the pages receive it from the services (details only when the viewer may see them). */
export type RequestView = Omit<TechnicalRequest, 'version' | 'createdBy' | 'details'> & { details?: string; bidCount?: number; matched?: string[] };

/** Text with the search words it contains in <mark>. */
const Marked = ({ text, words }: { text: string; words?: string[] }) =>
  words?.length ? (
    <>
      {highlightSegments(text, words).map((segment) => (segment.mark ? <mark>{segment.text}</mark> : segment.text))}
    </>
  ) : (
    <>{text}</>
  );

/** The budget as "¥80,000.00 – ¥150,000.00". */
export const budgetText = (ui: Ui, budget: { min: Money; max: Money }) => `${ui.money(budget.min)} – ${ui.money(budget.max)}`;

/**
 * One request in a list: the feed, my requests, the review queue. A search
 * result (`request.matched`) shows the words it matched, marked in its text.
 */
export function RequestCard({ ui, request, highlight = [], children }: { ui: Ui; request: RequestView; highlight?: string[]; children?: Child }) {
  const t = ui.t;
  const matched = request.matched;
  return (
    <li class="item request-card" data-request-id={request.id}>
      <ItemTitle
        href={`/requests/${request.id}`}
        title={<Marked text={request.title} words={matched} />}
        status={request.status}
        label={requestStatusLabel(ui, request.status)}
      />
      <p class="item-meta">
        <span>{clusterLabel(ui, request.cluster)}</span>
        <span>
          {t('request.field.budget')}: <span class="amount">{budgetText(ui, request.budget)}</span>
        </span>
        <span>
          {t('request.field.deadline')}: <Time ui={ui} iso={request.biddingDeadline} />
        </span>
      </p>
      <Tags tags={request.tags.map((tag) => (highlight.includes(tag) ? `★ ${tag}` : tag))} />
      <p>
        <Marked text={request.summary} words={matched} />
      </p>
      {matched?.length ? (
        <p class="matched" data-matched={matched.join(' ')}>
          {t('feed.matched')}{' '}
          {matched.map((word, index) => (
            <>
              {index > 0 ? ' · ' : ''}
              <mark>{word}</mark>
            </>
          ))}
        </p>
      ) : null}
      {children}
    </li>
  );
}

/** Association: approve, or reject with a reason the owner will read. */
export function ReviewForm({ ui, request, form }: { ui: Ui; request: RequestView; form: FormState }) {
  const t = ui.t;
  return (
    <form method="post" action={`/requests/${request.id}/review`} class="stack" novalidate>
      <ErrorSummary ui={ui} form={form} scope={request.id} />
      <TextArea ui={ui} form={form} scope={request.id} name="reason" rows={2} label={t('review.reason')} hint={t('review.reasonHint')} maxlength={1000} />
      <div class="form-actions">
        <SubmitButton label={t('review.approve')} variant="primary" name="decision" value="APPROVE" />
        <SubmitButton label={t('review.reject')} variant="danger" name="decision" value="REJECT" />
      </div>
    </form>
  );
}
