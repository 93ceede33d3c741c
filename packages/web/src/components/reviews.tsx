import { RATING_ASPECTS, REVIEWABLE_CONTRACT_STATUSES, isAssociation, type ContractStatus, type RatingAverages, type ReviewView } from '@sharedtech/core';
import { listOrganisationReviews, readContractReviews } from '@sharedtech/services';
import type { SignedInUi, Ui } from '../context.js';
import type { WebDeps } from '../deps.js';
import { emptyForm, type FormState } from '../forms.js';
import { ErrorSummary, FormSubmit, Select, TextArea } from './form.js';
import { Badge, Empty, Pager, Section, Time } from './ui.js';

/** The form fields of a review, named as the input's paths so errors land beside them. */
export const REVIEW_FIELDS = ['ratings.quality', 'ratings.timeliness', 'ratings.communication', 'comment'] as const;

const scoreOptions = (ui: Ui) => [5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: ui.t('rating.score', { score: n }) }));

/** The review form of one party (also rendered alone, with its errors, when a post is refused). */
export function ReviewForm({ ui, contractId, subjectName, form }: { ui: Ui; contractId: string; subjectName: string; form: FormState }) {
  const t = ui.t;
  return (
    <form method="post" action={`/contracts/${contractId}/reviews`} class="stack" novalidate data-review-form>
      <h3>{t('rating.write', { name: subjectName })}</h3>
      <ErrorSummary ui={ui} form={form} />
      <div class="row three">
        {RATING_ASPECTS.map((aspect) => (
          <Select ui={ui} form={form} name={`ratings.${aspect}`} required label={t(`rating.aspect.${aspect}`)} blank={t('form.choose')} options={scoreOptions(ui)} />
        ))}
      </div>
      <TextArea ui={ui} form={form} name="comment" required rows={3} label={t('rating.comment')} hint={t('rating.commentHint')} maxlength={2000} />
      <FormSubmit label={t('rating.submit')} variant="primary" />
    </form>
  );
}

/** One review: who wrote it, its ratings, comment, reply; the reply and hide forms where the viewer may use them. */
export function ReviewItem({ ui, review, canReply, canHide, authorName }: { ui: Ui; review: ReviewView; canReply: boolean; canHide: boolean; authorName?: string }) {
  const t = ui.t;
  const scope = `review-${review.id}`;
  return (
    <li class="item" data-review-id={review.id}>
      <p class="item-meta">
        <strong>{t(`rating.by.${review.authorRole}`)}</strong>
        {authorName ? <span>{authorName}</span> : null}
        <span class="muted">{review.contractTitle}</span>
        <Badge status={review.status} label={t(`rating.status.${review.status}`)} />
        <Time ui={ui} iso={review.publishedAt ?? review.createdAt} />
      </p>
      <p data-ratings>
        {RATING_ASPECTS.map((aspect) => (
          <span class="tag">
            {t(`rating.aspect.${aspect}`)} {t('rating.score', { score: review.ratings[aspect] })}
          </span>
        ))}
      </p>
      <p class="prose">{review.comment}</p>
      {review.hidden ? <p class="notice bad">{t('rating.hidden', { reason: review.hidden.reason })}</p> : null}
      {review.reply ? (
        <p class="prose" data-reply>
          <strong>{t('rating.replyOf')}</strong> {review.reply.text}
        </p>
      ) : canReply ? (
        <form method="post" action={`/reviews/${review.id}/reply`} class="stack" novalidate>
          <TextArea ui={ui} form={emptyForm()} scope={scope} name="text" required rows={2} label={t('rating.replyLabel')} maxlength={2000} />
          <FormSubmit label={t('rating.replySubmit')} variant="secondary" />
        </form>
      ) : null}
      {canHide && !review.hidden ? (
        <form method="post" action={`/reviews/${review.id}/hide`} class="stack" novalidate>
          <TextArea ui={ui} form={emptyForm()} scope={`hide-${review.id}`} name="reason" required rows={2} label={t('rating.hideReason')} maxlength={1000} />
          <FormSubmit label={t('rating.hide')} variant="danger" />
        </form>
      ) : null}
    </li>
  );
}

/** "Rated 4.67 from 3 reviews", or "No reviews yet". */
export function AveragesLine({ ui, averages }: { ui: Ui; averages: RatingAverages | null }) {
  const t = ui.t;
  if (!averages) return <p class="muted" data-averages="none">{t('rating.none')}</p>;
  return (
    <p data-averages={averages.overall}>
      <strong>{t('rating.averages', { overall: averages.overall.toFixed(2), count: averages.count })}</strong>{' '}
      {RATING_ASPECTS.map((aspect) => (
        <span class="tag">
          {t(`rating.aspect.${aspect}`)} {averages[aspect].toFixed(2)}
        </span>
      ))}
    </p>
  );
}

/**
 * The reviews block of a contract's page: for a finished contract, each
 * reviewing party's form (or its sealed review and whether the other side is
 * in), and the published reviews. Nothing for contracts still running.
 */
export async function ContractReviews({ ui, deps, contract, orgName, form }: {
  ui: SignedInUi;
  deps: WebDeps;
  contract: { id: string; status: ContractStatus };
  orgName: (orgId: string) => string;
  form?: FormState;
}) {
  if (!REVIEWABLE_CONTRACT_STATUSES.includes(contract.status)) return null;
  const t = ui.t;
  const data = await readContractReviews(deps, ui.principal, contract.id);
  const mine = data.items.find((review) => review.mine);
  const subject = data.subjectOrgId ? orgName(data.subjectOrgId) : '';
  return (
    <div id="reviews">
      <Section title={t('rating.title')} id="reviews">
        <p class="muted">{t('rating.lead')}</p>
        {data.closesAt ? <p class="muted">{t('rating.closesAt', { date: ui.dateTime(data.closesAt) })}</p> : null}
        {data.role && !mine ? <p class="notice">{t(data.otherSubmitted ? 'rating.otherSubmitted' : 'rating.otherPending')}</p> : null}
        {data.canReview ? <ReviewForm ui={ui} contractId={contract.id} subjectName={subject} form={form ?? emptyForm()} /> : null}
        {data.role && !mine && !data.canReview ? <p class="muted">{t('rating.closed')}</p> : null}
        {mine?.status === 'SEALED' ? <p class="notice" data-sealed>{t('rating.sealed', { date: ui.dateTime(mine.publishDueAt) })}</p> : null}
        {data.items.length === 0 && !data.role ? <Empty>{t('rating.empty')}</Empty> : null}
        <ol class="list reviews">
          {data.items.map((review) => (
            <ReviewItem ui={ui} review={review} canReply={false} canHide={false} authorName={orgName(review.authorOrgId)} />
          ))}
        </ol>
      </Section>
    </div>
  );
}

/**
 * The reviews block of an organisation's profile: its averages and published
 * reviews; the reviewed organisation's reply forms; associations' hide forms
 * (and the hidden reviews, marked).
 */
export async function OrganisationReviews({ ui, deps, orgId, cursor }: { ui: SignedInUi; deps: WebDeps; orgId: string; cursor?: string }) {
  const t = ui.t;
  const page = await listOrganisationReviews(deps, ui.principal, orgId, { limit: 20, cursor });
  const ownProfile = ui.principal.membership?.orgId === orgId && ui.principal.org?.status === 'VERIFIED';
  const moderator = isAssociation(ui.principal);
  return (
    <div id="reviews">
      <Section title={t('rating.title')} id="reviews">
        <AveragesLine ui={ui} averages={page.averages} />
        {page.items.length === 0 ? <Empty>{t('rating.empty')}</Empty> : null}
        <ol class="list reviews">
          {page.items.map((review) => (
            <ReviewItem ui={ui} review={review} canReply={ownProfile && review.subjectOrgId === orgId && !review.hidden} canHide={moderator} />
          ))}
        </ol>
        <Pager ui={ui} nextCursor={page.nextCursor} />
      </Section>
    </div>
  );
}
