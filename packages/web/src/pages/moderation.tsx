import { AttachmentList } from '../components/attachments.js';
import { attachmentsFor } from './attachments.js';
import type { Hono } from 'hono';
import { ORG_STATUSES, requireAssociation } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import { decideVerification, getOrganisationOrThrow, listOrganisations, listRequests, VerificationSchema } from '@sharedtech/services';
import { StatusFilter } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Empty, Facts, ItemTitle, PageHeader, Pager, Tags, Time } from '../components/ui.js';
import { flash, formOf, pageKit, queryChoice, render, pathParam } from '../context.js';
import { emptyForm, formState, handleForm, parseInput } from '../forms.js';
import { clusterLabel, orgStatusLabel, orgTypeLabel } from '../labels.js';
import { OrganisationFacts } from '../components/organisations.js';
import { RequestCard, ReviewForm } from '../components/requests.js';
import { VerificationForms } from '../components/organisations.js';

export function moderationPages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);

  web.get(
    '/moderation/orgs',
    page(async (c, ui) => {
      const t = ui.t;
      const status = queryChoice(c, 'status', ORG_STATUSES) ?? 'PENDING';
      const queue = await listOrganisations(deps, ui.principal, { status }, { cursor: c.req.query('cursor') });
      // The evidence each organisation in the queue uploaded, read in parallel (one Query per organisation of the page).
      const evidence = new Map(await Promise.all(queue.items.map(async (org) => [org.id, await attachmentsFor(deps, ui.principal, `ORGANISATION:${org.id}`)] as const)));
      return render(
        c,
        <Layout ui={ui} title={t('moderation.orgs.title')}>
          <PageHeader title={t('moderation.orgs.title')} lead={t('moderation.orgs.lead')} />
          <StatusFilter ui={ui} action="/moderation/orgs" status={status} options={ORG_STATUSES.map((value) => ({ value, label: orgStatusLabel(ui, value) }))} />
          {queue.items.length > 0 ? (
            <ul class="list">
              {queue.items.map((org) => (
                <li class="item" data-org-id={org.id}>
                  <ItemTitle href={`/orgs/${org.id}`} title={org.name} status={org.status} label={orgStatusLabel(ui, org.status)} />
                  <p class="item-meta">
                    <span>{orgTypeLabel(ui, org.type)}</span>
                    <span>{clusterLabel(ui, org.cluster)}</span>
                    <span>
                      {t('common.createdAt')}: <Time ui={ui} iso={org.createdAt} />
                    </span>
                  </p>
                  {org.capabilities.length > 0 ? <Tags tags={org.capabilities} /> : null}
                  {org.type !== 'ASSOCIATION' ? (
                    <div class="evidence" data-evidence-of={org.id}>
                      <h3>{t('attachment.evidenceTitle')}</h3>
                      {evidence.get(org.id)?.items.length ? <AttachmentList ui={ui} items={evidence.get(org.id)!.items} /> : <p class="muted">{t('attachment.evidenceNone')}</p>}
                    </div>
                  ) : null}
                  {org.type !== 'ASSOCIATION' ? <VerificationForms ui={ui} org={org} form={emptyForm()} back="queue" /> : null}
                </li>
              ))}
            </ul>
          ) : (
            <Empty>{t('moderation.orgs.empty')}</Empty>
          )}
          <Pager ui={ui} nextCursor={queue.nextCursor} />
        </Layout>,
      );
    }),
  );

  web.post(
    '/moderation/orgs/:id',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      return handleForm(
        async () => {
          const input = parseInput(VerificationSchema, { decision: values.decision, reason: values.reason?.trim() || undefined });
          await decideVerification(deps, ui.principal, id, input);
          flash(c, `flash.org${input.decision}` as const);
          return c.redirect(values.back === 'queue' ? '/moderation/orgs' : `/orgs/${id}`, 303);
        },
        async (issues) => {
          requireAssociation(ui.principal);
          const org = await getOrganisationOrThrow(deps, id);
          const form = formState(ui, values, issues, ['reason', 'decision']);
          const t = ui.t;
          return render(
            c,
            <Layout ui={ui} title={org.name}>
              <PageHeader title={org.name} back={{ href: '/moderation/orgs', label: t('nav.verification') }} />
              <section class="card">
                <OrganisationFacts ui={ui} org={org} />
                <VerificationForms ui={ui} org={org} form={form} />
              </section>
            </Layout>,
            400,
          );
        },
      );
    }),
  );

  web.get(
    '/moderation/requests',
    page(async (c, ui) => {
      const t = ui.t;
      const queue = await listRequests(deps, ui.principal, { status: 'SUBMITTED' }, { cursor: c.req.query('cursor') });
      return render(
        c,
        <Layout ui={ui} title={t('moderation.requests.title')}>
          <PageHeader title={t('moderation.requests.title')} lead={t('moderation.requests.lead')} />
          {queue.items.length > 0 ? (
            <ul class="list">
              {queue.items.map((request) => (
                <RequestCard ui={ui} request={request}>
                  <details>
                    <summary>{t('request.field.details')}</summary>
                    <p class="prose">{'details' in request ? request.details : ''}</p>
                    <Facts items={[[t('common.updatedAt'), <Time ui={ui} iso={request.updatedAt} />]]} />
                  </details>
                  <ReviewForm ui={ui} request={request} form={emptyForm()} />
                </RequestCard>
              ))}
            </ul>
          ) : (
            <Empty>{t('moderation.requests.empty')}</Empty>
          )}
          <Pager ui={ui} nextCursor={queue.nextCursor} />
        </Layout>,
      );
    }),
  );
}
