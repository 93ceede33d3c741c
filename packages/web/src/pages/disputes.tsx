import { AttachmentsSection } from '../components/attachments.js';
import { attachmentsFor } from './attachments.js';
import type { Context, Hono } from 'hono';
import { DISPUTE_OUTCOMES, DISPUTE_STATUSES, isAssociation } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import {
  type DisputeView, getOrganisationOrThrow, listDisputes, readContract, readDispute, resolveDispute, ResolveDisputeSchema,
} from '@sharedtech/services';
import { ErrorSummary, FormSubmit, IdempotencyField, PercentInput, Select, StatusFilter, TextArea } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Badge, Empty, Facts, ItemTitle, PageHeader, Pager, Section, Time } from '../components/ui.js';
import { flash, formOf, pageKit, pathParam, queryChoice, render, type SignedInUi, type Ui } from '../context.js';
import { bpsToPercent } from '../format.js';
import { emptyForm, formIdempotency, formReader, formState, handleForm, parseInput, type FormState } from '../forms.js';
import { milestoneStatusLabel } from '../labels.js';

const RESOLVE_FIELDS = ['outcome', 'studioBps', 'note'] as const;

const outcomeText = (ui: Ui, dispute: DisputeView) =>
  dispute.outcome
    ? dispute.outcome === 'SPLIT' && dispute.studioBps !== undefined
      ? ui.t('dispute.outcomeSplit', { percent: bpsToPercent(dispute.studioBps) })
      : ui.t(`dispute.outcome.${dispute.outcome}`)
    : '—';

/** An open dispute waits for a decision; a resolved one is done. */
const disputeBadge = (ui: Ui, dispute: DisputeView) => ({
  status: dispute.status,
  label: ui.t(`dispute.status.${dispute.status}`),
  tone: dispute.status === 'OPEN' ? ('wait' as const) : ('done' as const),
});

/** A dispute with what it is about: its contract's title and milestone, and who raised it. */
async function disputeContext(deps: WebDeps, ui: SignedInUi, dispute: DisputeView) {
  const contract = await readContract(deps, ui.principal, dispute.contractId);
  const milestone = contract.milestones.find((item) => item.n === dispute.milestoneN);
  const raisedBy = await getOrganisationOrThrow(deps, dispute.raisedBy.orgId).catch(() => undefined);
  return {
    contract,
    milestone,
    milestoneTitle: milestone ? ui.t('milestone.heading', { n: milestone.n, title: milestone.title }) : String(dispute.milestoneN),
    raisedByName: raisedBy?.name ?? dispute.raisedBy.orgId,
  };
}

async function DisputePage({ ui, deps, id, form }: { ui: SignedInUi; deps: WebDeps; id: string; form: FormState }) {
  const t = ui.t;
  const dispute = await readDispute(deps, ui.principal, id);
  const { contract, milestone, milestoneTitle, raisedByName } = await disputeContext(deps, ui, dispute);
  const files = await attachmentsFor(deps, ui.principal, `DISPUTE:${dispute.id}`);
  const label = { outcome: t('dispute.outcomeLabel'), studioBps: t('dispute.studioBps'), note: t('dispute.note') };
  return (
    <Layout ui={ui} title={t('dispute.title')}>
      <PageHeader
        title={t('dispute.title')}
        lead={<Badge {...disputeBadge(ui, dispute)} />}
        back={isAssociation(ui.principal) ? { href: '/moderation/disputes', label: t('nav.disputes') } : { href: `/contracts/${contract.id}`, label: contract.title }}
        actions={<a href={`/audit?entity=dispute:${dispute.id}`}>{t('common.auditTrail')}</a>}
      />
      <Section title={t('dispute.about')}>
        <Facts
          items={[
            [t('entity.contract'), <a href={`/contracts/${contract.id}`}>{contract.title}</a>],
            [t('entity.milestone'), milestoneTitle],
            [t('ledger.amount'), milestone ? <strong class="amount">{ui.money(milestone.amount)}</strong> : '—'],
            [t('common.status'), milestone ? <Badge status={milestone.status} label={milestoneStatusLabel(ui, milestone.status)} /> : '—'],
            [t('dispute.raisedBy'), `${raisedByName} (${dispute.raisedBy.sub})`],
            [t('common.createdAt'), <Time ui={ui} iso={dispute.createdAt} />],
            [t('dispute.outcomeLabel'), outcomeText(ui, dispute)],
            [t('dispute.resolvedAt'), <Time ui={ui} iso={dispute.resolvedAt} />],
          ]}
        />
        <h3>{t('common.reason')}</h3>
        <p class="prose">{dispute.reason}</p>
        {milestone?.submission ? (
          <>
            <h3>{t('milestone.submission')}</h3>
            <p class="prose">{milestone.submission.note}</p>
          </>
        ) : null}
        {dispute.note ? (
          <>
            <h3>{t('dispute.note')}</h3>
            <p class="prose">{dispute.note}</p>
          </>
        ) : null}
      </Section>
      {files ? (
        <AttachmentsSection ui={ui} parent={`DISPUTE:${dispute.id}`} items={files.items} canUpload={files.canUpload} back={`/disputes/${dispute.id}`} title={t('attachment.disputeTitle')} />
      ) : null}
      {isAssociation(ui.principal) && dispute.status === 'OPEN' ? (
        <Section title={t('dispute.resolve')}>
          <form method="post" action={`/disputes/${dispute.id}/resolve`} class="stack" novalidate>
            <ErrorSummary ui={ui} form={form} labels={label} />
            <IdempotencyField />
            <Select
              ui={ui}
              form={form}
              name="outcome"
              required
              label={label.outcome}
              blank={t('form.choose')}
              options={DISPUTE_OUTCOMES.map((outcome) => ({ value: outcome, label: t(`dispute.outcome.${outcome}`) }))}
            />
            <PercentInput ui={ui} form={form} name="studioBps" label={label.studioBps} hint={t('dispute.studioBpsHint')} />
            <TextArea ui={ui} form={form} name="note" rows={3} label={label.note} maxlength={2000} />
            <FormSubmit label={t('dispute.resolve')} variant="primary" />
          </form>
        </Section>
      ) : null}
    </Layout>
  );
}

/** The associations' dispute queue, one dispute's page, and the decision. */
export function disputePages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);

  web.get(
    '/moderation/disputes',
    page(async (c, ui) => {
      const t = ui.t;
      const status = queryChoice(c, 'status', DISPUTE_STATUSES) ?? 'OPEN';
      const queue = await listDisputes(deps, ui.principal, status, { cursor: c.req.query('cursor') });
      const contexts = await Promise.all(queue.items.map((dispute) => disputeContext(deps, ui, dispute)));
      return render(
        c,
        <Layout ui={ui} title={t('nav.disputes')}>
          <PageHeader title={t('nav.disputes')} lead={t('dispute.queueLead')} />
          <StatusFilter
            ui={ui}
            action="/moderation/disputes"
            status={status}
            options={DISPUTE_STATUSES.map((value) => ({ value, label: t(`dispute.status.${value}`) }))}
          />
          {queue.items.length > 0 ? (
            <ul class="list">
              {queue.items.map((dispute, index) => {
                const { contract, milestone, milestoneTitle, raisedByName } = contexts[index]!;
                return (
                  <li class="item" data-dispute-id={dispute.id}>
                    <ItemTitle
                      href={`/disputes/${dispute.id}`}
                      title={`${contract.title} · ${milestoneTitle}`}
                      {...disputeBadge(ui, dispute)}
                    />
                    <p class="item-meta">
                      {milestone ? <span class="amount">{ui.money(milestone.amount)}</span> : null}
                      <span>
                        {t('dispute.raisedBy')}: {raisedByName}
                      </span>
                      <Time ui={ui} iso={dispute.createdAt} />
                    </p>
                    <p>{dispute.reason}</p>
                  </li>
                );
              })}
            </ul>
          ) : (
            <Empty>{t('dispute.empty')}</Empty>
          )}
          <Pager ui={ui} nextCursor={queue.nextCursor} />
        </Layout>,
      );
    }),
  );

  const disputePage = (c: Context, ui: SignedInUi, id: string, form: FormState, status: 200 | 400 = 200) =>
    DisputePage({ ui, deps, id, form }).then((node) => render(c, node, status));

  web.get(
    '/disputes/:id',
    page((c, ui) => disputePage(c, ui, pathParam(c), emptyForm())),
  );

  web.post(
    '/disputes/:id/resolve',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      return handleForm(
        async () => {
          const read = formReader(values);
          const input = parseInput(
            ResolveDisputeSchema,
            { outcome: read.optional('outcome'), studioBps: read.bps('studioBps', false), note: read.optional('note') },
            read.issues,
          );
          await resolveDispute(deps, ui.principal, id, input, formIdempotency(c, values, input));
          flash(c, 'flash.disputeResolved');
          return c.redirect(`/disputes/${id}`, 303);
        },
        (issues) => disputePage(c, ui, id, formState(ui, values, issues, RESOLVE_FIELDS), 400),
      );
    }),
  );
}
