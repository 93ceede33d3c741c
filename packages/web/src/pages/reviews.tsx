import type { Context, Hono } from 'hono';
import { HideReviewSchema, ReplyToReviewSchema, SubmitReviewSchema, getOrganisationOrThrow, getVisibleReview, hideReview, readContract, replyToReview, submitReview } from '@sharedtech/services';
import type { WebDeps } from '../deps.js';
import { Layout } from '../components/layout.js';
import { REVIEW_FIELDS, ReviewForm } from '../components/reviews.js';
import { PageHeader } from '../components/ui.js';
import { flash, formOf, pageKit, pathParam, render, type FormValues, type SignedInUi } from '../context.js';
import { formState, handleForm, parseInput, type WebIssue } from '../forms.js';

/** The posted review form as the input: scores as integers (a blank choice stays blank and is refused). */
const reviewInputOf = (values: FormValues) => {
  const score = (name: string) => (values[name]?.trim() ? Number(values[name]) : undefined);
  return {
    ratings: { quality: score('ratings.quality'), timeliness: score('ratings.timeliness'), communication: score('ratings.communication') },
    comment: values.comment ?? '',
  };
};

/**
 * Reviews on the pages: the review form posted from a finished contract's
 * page, replies and hiding posted from an organisation's profile, and a
 * review's own address (from notifications and the audit trail), which
 * leads to the profile it is shown on.
 */
export function reviewPages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);

  /** A refused review form, alone on its page with the messages beside its fields. */
  async function refusedReview(c: Context, ui: SignedInUi, contractId: string, values: FormValues, issues: WebIssue[]) {
    const contract = await readContract(deps, ui.principal, contractId);
    const subjectId = ui.principal.membership?.orgId === contract.enterpriseOrgId ? contract.studioOrgId : contract.enterpriseOrgId;
    const subject = await getOrganisationOrThrow(deps, subjectId).catch(() => undefined);
    const t = ui.t;
    return render(
      c,
      <Layout ui={ui} title={t('rating.formTitle')}>
        <PageHeader title={t('rating.formTitle')} lead={t('rating.lead')} back={{ href: `/contracts/${contractId}#reviews`, label: contract.title }} />
        <div class="card">
          <ReviewForm ui={ui} contractId={contractId} subjectName={subject?.name ?? subjectId} form={formState(ui, values, issues, REVIEW_FIELDS)} />
        </div>
      </Layout>,
      400,
    );
  }

  web.post(
    '/contracts/:id/reviews',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      return handleForm(
        async () => {
          await submitReview(deps, ui.principal, id, parseInput(SubmitReviewSchema, reviewInputOf(values)));
          flash(c, 'flash.reviewSubmitted');
          return c.redirect(`/contracts/${id}#reviews`, 303);
        },
        (issues) => refusedReview(c, ui, id, values, issues),
      );
    }),
  );

  web.post(
    '/reviews/:id/reply',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      const { text } = parseInput(ReplyToReviewSchema, { text: values.text ?? '' });
      const review = await replyToReview(deps, ui.principal, id, text);
      flash(c, 'flash.reviewReplied');
      return c.redirect(`/orgs/${review.subjectOrgId}#reviews`, 303);
    }),
  );

  web.post(
    '/reviews/:id/hide',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      const { reason } = parseInput(HideReviewSchema, { reason: values.reason ?? '' });
      const review = await hideReview(deps, ui.principal, id, reason);
      flash(c, 'flash.reviewHidden');
      return c.redirect(`/orgs/${review.subjectOrgId}#reviews`, 303);
    }),
  );

  // A review's address: its author reads it on the contract (sealed or not); everyone else on the reviewed profile.
  web.get(
    '/reviews/:id',
    page(async (c, ui) => {
      const review = await getVisibleReview(deps, ui.principal, pathParam(c));
      const own = ui.principal.membership?.orgId === review.authorOrgId;
      return c.redirect(own ? `/contracts/${review.contractId}#reviews` : `/orgs/${review.subjectOrgId}#reviews`, 303);
    }),
  );
}
