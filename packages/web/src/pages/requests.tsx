import { AttachmentsSection } from '../components/attachments.js';
import { attachmentsFor } from './attachments.js';
import type { Context, Hono } from 'hono';
import { EDITABLE_REQUEST_STATUSES, IP_PREFERENCES, PUBLIC_REQUEST_STATUSES, REQUEST_STATUSES, isAssociation, requestLifecycle } from '@sharedtech/core';
import {
  AnswerQuestionSchema, AskQuestionSchema, CreateRequestSchema, RequiredReasonSchema, ReviewSchema, UpdateRequestSchema, answerQuestion, askQuestion,
  cancelRequest, closeRequest, createRequest, listBidsForRequest, listQuestions, listRequests, matchStudiosForRequest, readRequest, requestIdOfQuestion,
  reviewRequest, submitRequest, suspendRequest, updateRequest, listRequestInvitations, myInvitationTo, readPool, forOnePage,
} from '@sharedtech/services';
import type { WebDeps } from '../deps.js';
import { ActionButton, ErrorSummary, FormSubmit, MoneyInput, Select, StatusFilter, SubmitButton, TextArea, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Badge, Empty, Facts, PageHeader, Pager, Section, Tags, Time } from '../components/ui.js';
import { flash, formOf, pageKit, queryChoice, render, type FormValues, type SignedInUi, pathParam } from '../context.js';
import { fenToYuanInput, isoToLocalInput } from '../format.js';
import { emptyForm, formReader, formState, handleForm, parseInput, type FormState } from '../forms.js';
import { clusterLabel, ipLabel, requestStatusLabel } from '../labels.js';
import { clusterOptions } from '../components/organisations.js';
import { MyBidsOnRequest } from '../components/bids.js';
import { QuestionsSection, type QuestionForms } from '../components/questions.js';
import { MatchesSection } from '../components/matches.js';
import { PoolSummarySection } from '../components/pools.js';
import { type RequestView, budgetText, RequestCard, ReviewForm } from '../components/requests.js';

const FIELDS = ['title', 'summary', 'details', 'cluster', 'tags', 'budget.min', 'budget.max', 'biddingDeadline', 'wantedBy', 'ipPreference'] as const;

/** A request's form values, for editing it. */
const valuesOf = (request: RequestView): FormValues => ({
  title: request.title,
  summary: request.summary,
  details: request.details ?? '',
  cluster: request.cluster,
  tags: request.tags.join(', '),
  'budget.min': fenToYuanInput(request.budget.min.amount),
  'budget.max': fenToYuanInput(request.budget.max.amount),
  biddingDeadline: isoToLocalInput(request.biddingDeadline),
  wantedBy: request.wantedBy ? isoToLocalInput(request.wantedBy) : '',
  ipPreference: request.ipPreference ?? '',
});

/** Turns the typed values into the API's request content: yuan → fen, Shanghai wall time → ISO. */
function contentOf(values: FormValues) {
  const read = formReader(values);
  const content = {
    title: read.text('title'),
    summary: read.text('summary'),
    details: read.text('details'),
    cluster: read.text('cluster'),
    tags: read.list('tags'),
    budget: { min: read.money('budget.min'), max: read.money('budget.max') },
    biddingDeadline: read.time('biddingDeadline'),
    wantedBy: read.time('wantedBy', false),
    ipPreference: read.optional('ipPreference'),
  };
  return { content, issues: read.issues };
}

function RequestForm({ ui, form, action, title, lead, back }: { ui: SignedInUi; form: FormState; action: string; title: string; lead: string; back: { href: string; label: string } }) {
  const t = ui.t;
  const label: Record<(typeof FIELDS)[number], string> = {
    title: t('request.field.title'),
    summary: t('request.field.summary'),
    details: t('request.field.details'),
    cluster: t('request.field.cluster'),
    tags: t('request.field.tags'),
    'budget.min': t('request.field.budgetMin'),
    'budget.max': t('request.field.budgetMax'),
    biddingDeadline: t('request.field.deadline'),
    wantedBy: t('request.field.wantedBy'),
    ipPreference: t('request.field.ip'),
  };
  return (
    <Layout ui={ui} title={title}>
      <PageHeader title={title} lead={lead} back={back} />
      <form method="post" action={action} class="stack card" novalidate>
        <ErrorSummary ui={ui} form={form} labels={label} />
        <TextInput ui={ui} form={form} name="title" required label={label.title} maxlength={120} />
        <TextArea ui={ui} form={form} name="summary" required rows={3} label={label.summary} hint={t('request.field.summaryHint')} maxlength={1000} />
        <TextArea ui={ui} form={form} name="details" required rows={6} label={label.details} hint={t('request.field.detailsHint')} maxlength={10000} />
        <div class="row two">
          <Select ui={ui} form={form} name="cluster" required label={label.cluster} blank={t('form.choose')} options={clusterOptions(ui, form.values.cluster)} />
          <TextInput ui={ui} form={form} name="tags" required label={label.tags} hint={t('request.field.tagsHint')} />
        </div>
        <fieldset>
          <legend>{t('request.field.budget')}</legend>
          <div class="row two">
            <MoneyInput ui={ui} form={form} name="budget.min" required label={label['budget.min']} hint={t('form.yuanHint')} />
            <MoneyInput ui={ui} form={form} name="budget.max" required label={label['budget.max']} hint={t('form.yuanHint')} />
          </div>
        </fieldset>
        <div class="row two">
          <TextInput ui={ui} form={form} name="biddingDeadline" type="datetime-local" required label={label.biddingDeadline} hint={t('form.timeHint')} />
          <TextInput ui={ui} form={form} name="wantedBy" type="datetime-local" label={label.wantedBy} hint={t('form.timeHint')} />
        </div>
        <Select
          ui={ui}
          form={form}
          name="ipPreference"
          label={label.ipPreference}
          blank={t('ip.none')}
          options={IP_PREFERENCES.map((value) => ({ value, label: ipLabel(ui, value) }))}
        />
        <div class="form-actions">
          <SubmitButton label={t('request.form.saveAndSubmit')} variant="primary" name="intent" value="submit" />
          <SubmitButton label={t('request.form.saveDraft')} variant="secondary" name="intent" value="draft" />
        </div>
      </form>
    </Layout>
  );
}

interface DetailForms extends QuestionForms {
  review?: FormState;
  suspend?: FormState;
}

async function RequestDetail({ ui, deps: appDeps, id, forms = {} }: { ui: SignedInUi; deps: WebDeps; id: string; forms?: DetailForms }) {
  // Every use case below checks the caller against the request: one read of it serves them all.
  const deps = forOnePage(appDeps);
  const t = ui.t;
  const principal = ui.principal;
  const request: RequestView = await readRequest(deps, principal, id);
  const isOwner = principal.membership?.orgId === request.ownerOrgId;
  const moderator = isAssociation(principal);
  const can = (action: Parameters<typeof requestLifecycle.can>[1]) => requestLifecycle.can(request.status, action);
  const isStudio = principal.org?.type === 'STUDIO';
  const feedback = request.reviewReason && ['REJECTED', 'SUSPENDED', 'OPEN'].includes(request.status);
  const canAsk = isStudio && principal.org?.status === 'VERIFIED' && request.status === 'OPEN';
  const seesMatching = (isOwner || moderator) && request.status === 'OPEN';
  // What the page shows besides the request depends only on the request and the caller: read it all at once.
  const [bids, matches, invitations, questions, invitation, files, pool] = await Promise.all([
    isStudio ? listBidsForRequest(deps, principal, id, { limit: 20 }) : undefined,
    seesMatching ? matchStudiosForRequest(deps, principal, id, 5).then((found) => found.items) : [],
    seesMatching ? listRequestInvitations(deps, principal, id, { limit: 50 }).then((page) => page.items) : [],
    PUBLIC_REQUEST_STATUSES.includes(request.status) ? listQuestions(deps, principal, id, { limit: 50 }).then((page) => page.items) : [],
    isStudio && request.status === 'OPEN' ? myInvitationTo(deps, principal, id) : undefined,
    // The request's files are part of its details: only those who see the details get them.
    request.details !== undefined ? attachmentsFor(deps, principal, `REQUEST:${id}`) : undefined,
    // Pooled funding (共性技术需求): enterprises and associations see the pool's totals and find its page.
    PUBLIC_REQUEST_STATUSES.includes(request.status) && (principal.org?.type === 'ENTERPRISE' || moderator) ? readPool(deps, principal, id) : undefined,
  ]);

  return (
    <Layout ui={ui} title={request.title}>
      <PageHeader
        title={request.title}
        back={isOwner ? { href: '/requests', label: t('nav.myRequests') } : moderator ? { href: '/moderation/requests', label: t('nav.review') } : { href: '/feed', label: t('nav.feed') }}
        lead={<Badge status={request.status} label={requestStatusLabel(ui, request.status)} />}
        actions={
          <>
            {isOwner && EDITABLE_REQUEST_STATUSES.includes(request.status) ? (
              <a class="button secondary" href={`/requests/${id}/edit`}>
                {t('request.action.edit')}
              </a>
            ) : null}
            {isOwner && can('submit') ? <ActionButton action={`/requests/${id}/submit`} label={t('request.action.submit')} variant="primary" /> : null}
            {(isOwner || moderator) && (request.bidCount ?? 0) > 0 ? (
              <a class="button primary" href={`/requests/${id}/bids`}>
                {t('request.action.compareBids', { count: request.bidCount ?? 0 })}
              </a>
            ) : null}
            {isOwner && can('close') ? <ActionButton action={`/requests/${id}/close`} label={t('request.action.close')} confirm={t('request.confirm.close')} /> : null}
            {isOwner && can('cancel') ? <ActionButton action={`/requests/${id}/cancel`} label={t('request.action.cancel')} variant="danger" confirm={t('request.confirm.cancel')} /> : null}
            {isStudio && request.status === 'OPEN' && !bids?.items.some((bid) => bid.status === 'SUBMITTED') ? (
              <a class="button primary" href={`/requests/${id}/bid`}>
                {t('request.action.bid')}
              </a>
            ) : null}
            {isOwner || moderator ? <a href={`/audit?entity=request:${id}`}>{t('common.auditTrail')}</a> : null}
          </>
        }
      />
      {isOwner && request.status === 'SUBMITTED' ? <p class="notice">{t('request.feedback.waiting')}</p> : null}
      {invitation ? (
        <p class="notice" data-invited>
          {t('invitation.youAreInvited')} <a href="/invitations">{t('nav.invitations')}</a>
        </p>
      ) : null}
      {feedback ? (
        <p class={request.status === 'OPEN' ? 'notice' : 'notice bad'} data-feedback>
          <strong>{t('request.feedback.title')}</strong> {request.reviewReason}
        </p>
      ) : null}
      <div class="grid two">
        <div>
          <Section title={t('request.section.summary')}>
            <p class="prose">{request.summary}</p>
            {request.details !== undefined ? (
              <>
                <h3>{t('request.field.details')}</h3>
                <p class="prose">{request.details}</p>
              </>
            ) : (
              <p class="notice">{t('request.detailsHidden')}</p>
            )}
          </Section>
          {files && (files.items.length > 0 || files.canUpload) ? (
            <AttachmentsSection ui={ui} parent={`REQUEST:${id}`} items={files.items} canUpload={files.canUpload} back={`/requests/${id}`} title={t('attachment.requestTitle')} />
          ) : null}
          {bids ? <MyBidsOnRequest ui={ui} bids={bids.items} /> : null}
          {pool && (request.status === 'OPEN' || pool.memberCount > 0) ? <PoolSummarySection ui={ui} pool={pool} /> : null}
          {PUBLIC_REQUEST_STATUSES.includes(request.status) && (questions.length > 0 || canAsk || isOwner) ? (
            <QuestionsSection ui={ui} requestId={id} questions={questions} canAsk={canAsk} canAnswer={isOwner} forms={forms} />
          ) : null}
          {matches.length > 0 || invitations.length > 0 ? (
            <MatchesSection ui={ui} requestId={id} matches={matches} invitations={invitations} canInvite={isOwner && request.status === 'OPEN' && principal.org?.status === 'VERIFIED'} />
          ) : null}
          {moderator && request.status === 'SUBMITTED' ? (
            <Section title={t('review.title')}>
              <ReviewForm ui={ui} request={request} form={forms.review ?? emptyForm()} />
            </Section>
          ) : null}
          {moderator && request.status === 'OPEN' ? (
            <Section title={t('request.suspend.title')}>
              <form method="post" action={`/requests/${id}/suspend`} class="stack" novalidate>
                <TextArea ui={ui} form={forms.suspend ?? emptyForm()} name="reason" required rows={2} label={t('review.reason')} maxlength={1000} />
                <FormSubmit label={t('request.suspend.submit')} variant="danger" />
              </form>
            </Section>
          ) : null}
        </div>
        <Section title={t('request.section.facts')}>
          <Facts
            items={[
              [t('request.field.cluster'), clusterLabel(ui, request.cluster)],
              [t('request.field.tags'), <Tags tags={request.tags} />],
              [t('request.field.budget'), <span class="amount">{budgetText(ui, request.budget)}</span>],
              [t('request.field.deadline'), <Time ui={ui} iso={request.biddingDeadline} />],
              [t('request.field.wantedBy'), <Time ui={ui} iso={request.wantedBy} />],
              [t('request.field.ip'), ipLabel(ui, request.ipPreference)],
              [t('request.bidCount'), String(request.bidCount ?? 0)],
              [t('common.updatedAt'), <Time ui={ui} iso={request.updatedAt} />],
            ]}
          />
        </Section>
      </div>
    </Layout>
  );
}

export function requestPages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);
  const detail = (c: Context, ui: SignedInUi, id: string, forms: DetailForms = {}, status: 200 | 400 = 200) =>
    RequestDetail({ ui, deps, id, forms }).then((node) => render(c, node, status));

  web.get(
    '/requests',
    page(async (c, ui) => {
      const t = ui.t;
      const status = queryChoice(c, 'status', REQUEST_STATUSES);
      const mine = await listRequests(deps, ui.principal, { mine: true, status }, { cursor: c.req.query('cursor') });
      return render(
        c,
        <Layout ui={ui} title={t('nav.myRequests')}>
          <PageHeader
            title={t('nav.myRequests')}
            lead={t('request.mine.lead')}
            actions={
              <a class="button primary" href="/requests/new">
                {t('nav.postRequest')}
              </a>
            }
          />
          <StatusFilter
            ui={ui}
            action="/requests"
            status={status ?? ''}
            blank={t('common.all')}
            options={REQUEST_STATUSES.map((value) => ({ value, label: requestStatusLabel(ui, value) }))}
          />
          {mine.items.length > 0 ? (
            <ul class="list">
              {mine.items.map((request) => (
                <RequestCard ui={ui} request={request} />
              ))}
            </ul>
          ) : (
            <Empty>{t('request.mine.empty')}</Empty>
          )}
          <Pager ui={ui} nextCursor={mine.nextCursor} />
        </Layout>,
      );
    }),
  );

  /** After a request is saved: submit it for review if that button was pressed, then show it. */
  const afterSave = async (c: Context, ui: SignedInUi, values: FormValues, id: string) => {
    if (values.intent === 'submit') await submitRequest(deps, ui.principal, id);
    flash(c, values.intent === 'submit' ? 'flash.requestSubmitted' : 'flash.requestSaved');
    return c.redirect(`/requests/${id}`, 303);
  };

  const newForm = (ui: SignedInUi, form: FormState) => (
    <RequestForm ui={ui} form={form} action="/requests/new" title={ui.t('request.new.title')} lead={ui.t('request.new.lead')} back={{ href: '/requests', label: ui.t('nav.myRequests') }} />
  );

  web.get(
    '/requests/new',
    page((c, ui) => render(c, newForm(ui, emptyForm({ cluster: ui.principal.org?.cluster ?? '' })))),
  );

  web.post(
    '/requests/new',
    action(async (c, ui) => {
      const values = await formOf(c);
      return handleForm(
        async () => {
          const { content, issues } = contentOf(values);
          const created = await createRequest(deps, ui.principal, parseInput(CreateRequestSchema, content, issues));
          return afterSave(c, ui, values, created.id);
        },
        async (issues) => render(c, newForm(ui, formState(ui, values, issues, FIELDS)), 400),
      );
    }),
  );

  web.get(
    '/requests/:id',
    page((c, ui) => detail(c, ui, pathParam(c))),
  );

  const editForm = (ui: SignedInUi, id: string, form: FormState) => (
    <RequestForm ui={ui} form={form} action={`/requests/${id}/edit`} title={ui.t('request.edit.title')} lead={ui.t('request.edit.lead')} back={{ href: `/requests/${id}`, label: ui.t('common.back') }} />
  );

  web.get(
    '/requests/:id/edit',
    page(async (c, ui) => {
      const id = pathParam(c);
      const request = await readRequest(deps, ui.principal, id);
      return render(c, editForm(ui, id, emptyForm(valuesOf(request))));
    }),
  );

  web.post(
    '/requests/:id/edit',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      return handleForm(
        async () => {
          const { content, issues } = contentOf(values);
          await updateRequest(deps, ui.principal, id, parseInput(UpdateRequestSchema, content, issues));
          return afterSave(c, ui, values, id);
        },
        async (issues) => render(c, editForm(ui, id, formState(ui, values, issues, FIELDS)), 400),
      );
    }),
  );

  const transitions = {
    submit: { run: submitRequest, done: 'flash.requestSubmitted' },
    cancel: { run: cancelRequest, done: 'flash.requestCancelled' },
    close: { run: closeRequest, done: 'flash.requestClosed' },
  } as const;
  for (const [name, { run, done }] of Object.entries(transitions)) {
    web.post(
      `/requests/:id/${name}`,
      action(async (c, ui) => {
        const id = pathParam(c);
        await run(deps, ui.principal, id);
        flash(c, done);
        return c.redirect(`/requests/${id}`, 303);
      }),
    );
  }

  web.post(
    '/requests/:id/review',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      return handleForm(
        async () => {
          const input = parseInput(ReviewSchema, { decision: values.decision, reason: values.reason?.trim() || undefined });
          await reviewRequest(deps, ui.principal, id, input);
          flash(c, input.decision === 'APPROVE' ? 'flash.requestApproved' : 'flash.requestRejected');
          return c.redirect('/moderation/requests', 303);
        },
        (issues) => detail(c, ui, id, { review: formState(ui, values, issues, ['reason', 'decision']) }, 400),
      );
    }),
  );

  web.post(
    '/requests/:id/suspend',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      return handleForm(
        async () => {
          const { reason } = parseInput(RequiredReasonSchema, { reason: values.reason ?? '' });
          await suspendRequest(deps, ui.principal, id, reason);
          flash(c, 'flash.requestSuspended');
          return c.redirect(`/requests/${id}`, 303);
        },
        (issues) => detail(c, ui, id, { suspend: formState(ui, values, issues, ['reason']) }, 400),
      );
    }),
  );

  web.post(
    '/requests/:id/questions',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      return handleForm(
        async () => {
          const { text } = parseInput(AskQuestionSchema, { text: values.question ?? '' });
          await askQuestion(deps, ui.principal, id, text);
          flash(c, 'flash.questionAsked');
          return c.redirect(`/requests/${id}#questions`, 303);
        },
        (issues) => detail(c, ui, id, { ask: formState(ui, values, issues.map((item) => ({ ...item, path: item.path.replace(/^text/, 'question') })), ['question']) }, 400),
      );
    }),
  );

  web.post(
    '/questions/:id/answer',
    action(async (c, ui) => {
      const questionId = pathParam(c);
      const values = await formOf(c);
      const requestId = await requestIdOfQuestion(deps, ui.principal, questionId);
      return handleForm(
        async () => {
          const input = parseInput(AnswerQuestionSchema, { text: values.text ?? '', visibility: values.visibility ?? '' });
          await answerQuestion(deps, ui.principal, questionId, input);
          flash(c, 'flash.questionAnswered');
          return c.redirect(`/requests/${requestId}#q-${questionId}`, 303);
        },
        (issues) => detail(c, ui, requestId, { answer: { questionId, form: formState(ui, values, issues, ['text', 'visibility']) } }, 400),
      );
    }),
  );
}
