import type { Context, Hono } from 'hono';
import type { WebDeps } from '../deps.js';
import {
  ApplyToProgrammeSchema, PublishProgrammeSchema, SetOverheadSchema, applyToProgramme, decideApplication, listAllProgrammes, listProgrammeApplications,
  publishProgramme, readOverheadRate, readProgramme, setOverheadRate, type ProgrammeView,
} from '@sharedtech/services';
import { ActionButton, ErrorSummary, FormSubmit, MoneyInput, PercentInput, TextArea, TextInput, newIdempotencyKey } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Badge, Empty, Facts, ItemTitle, PageHeader, Pager, Section, Time } from '../components/ui.js';
import { flash, formOf, pageKit, pathParam, render, type SignedInUi, type Ui } from '../context.js';
import { emptyForm, formIdempotency, formState, submitForm, type FormState } from '../forms.js';
import { bpsToPercent } from '../format.js';
import { clusterLabel } from '../labels.js';

const PUBLISH_FIELDS = ['name', 'description', 'budget', 'maxBps', 'clusters', 'opensOn', 'closesOn'] as const;
const APPLY_FIELDS = ['contractId', 'bps'] as const;

const cny = (amount: number) => ({ amount, currency: 'CNY' as const });

/** Budget, reserved, paid and remaining: the programme's figures, each equal to the ledger. */
function ProgrammeFigures({ ui, programme }: { ui: Ui; programme: ProgrammeView }) {
  const t = ui.t;
  const rows = [
    ['budget', t('programme.budget')],
    ['reserved', t('programme.reserved')],
    ['paid', t('programme.paid')],
    ['remaining', t('programme.remaining')],
  ] as const;
  return (
    <dl class="facts" data-programme-figures>
      {rows.map(([name, label]) => (
        <div>
          <dt>{label}</dt>
          <dd class="amount" data-figure={name}>
            {ui.money(cny(programme.figures[name]))}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function PublishPage({ ui, form }: { ui: SignedInUi; form: FormState }) {
  const t = ui.t;
  const label: Record<(typeof PUBLISH_FIELDS)[number], string> = {
    name: t('programme.field.name'),
    description: t('programme.field.description'),
    budget: t('programme.budget'),
    maxBps: t('programme.field.maxBps'),
    clusters: t('programme.field.clusters'),
    opensOn: t('programme.field.opensOn'),
    closesOn: t('programme.field.closesOn'),
  };
  return (
    <Layout ui={ui} title={t('programme.publish')}>
      <PageHeader title={t('programme.publish')} lead={t('programme.publishLead')} back={{ href: '/programmes', label: t('programme.title') }} />
      <form method="post" action="/programmes/new" class="stack card" novalidate>
        <ErrorSummary ui={ui} form={form} labels={label} />
        <TextInput ui={ui} form={form} name="name" required label={label.name} maxlength={120} />
        <TextArea ui={ui} form={form} name="description" label={label.description} rows={3} maxlength={2000} />
        <MoneyInput ui={ui} form={form} name="budget" required label={label.budget} />
        <PercentInput ui={ui} form={form} name="maxBps" required label={label.maxBps} />
        <TextInput ui={ui} form={form} name="clusters" required label={label.clusters} hint={t('programme.field.clustersHint')} />
        <TextInput ui={ui} form={form} name="opensOn" type="date" required label={label.opensOn} />
        <TextInput ui={ui} form={form} name="closesOn" type="date" required label={label.closesOn} />
        <FormSubmit label={t('programme.publish')} variant="primary" />
      </form>
    </Layout>
  );
}

async function ProgrammePage({ ui, deps, id, form, cursor }: { ui: SignedInUi; deps: WebDeps; id: string; form: FormState; cursor?: string }) {
  const t = ui.t;
  const programme = await readProgramme(deps, ui.principal, id);
  const applications = await listProgrammeApplications(deps, ui.principal, id, { cursor, limit: 20 });
  const isGovernment = ui.principal.membership?.orgId === programme.governmentOrgId;
  const mayApply = ui.principal.org?.type === 'ENTERPRISE' && ui.principal.org.status === 'VERIFIED' && programme.open;
  const label = { contractId: t('programme.field.contractId'), bps: t('programme.field.bps') };
  return (
    <Layout ui={ui} title={programme.name}>
      <PageHeader
        title={programme.name}
        lead={<Badge status={programme.open ? 'OPEN' : 'CLOSED'} label={programme.open ? t('programme.open') : t('programme.closed')} tone={programme.open ? 'ok' : undefined} />}
        back={{ href: '/programmes', label: t('programme.title') }}
        actions={isGovernment ? <a href={`/audit?entity=programme:${programme.id}`}>{t('common.auditTrail')}</a> : undefined}
      />
      <Section title={t('programme.figures')}>
        <ProgrammeFigures ui={ui} programme={programme} />
        <p class="hint">{t('programme.figuresHint')}</p>
      </Section>
      <Section title={t('programme.about')}>
        <Facts
          items={[
            [t('programme.field.maxBps'), `${bpsToPercent(programme.maxBps)}%`],
            [t('programme.field.clusters'), programme.clusters.map((cluster) => clusterLabel(ui, cluster)).join('，')],
            [t('programme.period'), `${programme.opensOn} – ${programme.closesOn}`],
          ]}
        />
        {programme.description ? <p class="prose">{programme.description}</p> : null}
      </Section>
      {mayApply ? (
        <Section title={t('programme.apply')}>
          <form method="post" action={`/programmes/${programme.id}/apply`} class="stack card" novalidate data-apply-form>
            <ErrorSummary ui={ui} form={form} labels={label} />
            <p class="hint">{t('programme.applyHint', { percent: bpsToPercent(programme.maxBps) })}</p>
            <TextInput ui={ui} form={form} name="contractId" required label={label.contractId} maxlength={64} />
            <PercentInput ui={ui} form={form} name="bps" required label={label.bps} />
            <FormSubmit label={t('programme.applySubmit')} variant="primary" />
          </form>
        </Section>
      ) : null}
      <Section title={isGovernment ? t('programme.applications') : t('programme.myApplications')}>
        {applications.items.length > 0 ? (
          <ul class="list">
            {applications.items.map((application) => (
              <li class="item" data-application-id={application.id}>
                <ItemTitle href={`/contracts/${application.contractId}`} title={application.contractTitle} status={application.status} label={t(`application.status.${application.status}`)} />
                <p class="item-meta">
                  <span>{t('programme.field.bps')}: {bpsToPercent(application.bps)}%</span>
                  {application.reserved !== undefined ? <span class="amount">{t('programme.reserved')}: {ui.money(cny(application.reserved))}</span> : null}
                  {application.reason ? <span>{t('common.reason')}: {application.reason}</span> : null}
                  <Time ui={ui} iso={application.decidedAt ?? application.createdAt} />
                </p>
                {isGovernment && application.status === 'PENDING' ? (
                  <div class="actions">
                    <ActionButton action={`/applications/${application.id}/approve`} label={t('application.approve')} variant="primary" hidden={{ idempotencyKey: newIdempotencyKey() }} />
                    <ActionButton action={`/applications/${application.id}/reject`} label={t('application.reject')} hidden={{ idempotencyKey: newIdempotencyKey() }} />
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <Empty>{t('programme.noApplications')}</Empty>
        )}
        <Pager ui={ui} nextCursor={applications.nextCursor} />
      </Section>
    </Layout>
  );
}

async function OverheadPage({ ui, deps, id, form, cursor }: { ui: SignedInUi; deps: WebDeps; id: string; form: FormState; cursor?: string }) {
  const t = ui.t;
  const overhead = await readOverheadRate(deps, ui.principal, id, { cursor, limit: 20 });
  const owner = ui.principal.membership?.orgId === id && ui.principal.membership.role === 'OWNER';
  return (
    <Layout ui={ui} title={t('overhead.title')}>
      <PageHeader title={t('overhead.title')} lead={t('overhead.lead')} />
      <Section title={t('overhead.current')}>
        <p data-overhead-current>
          <strong>{overhead.current ? `${bpsToPercent(overhead.current.bps)}%` : t('overhead.none')}</strong>
          {overhead.current ? <> · {t('overhead.version', { version: overhead.current.version })} · <Time ui={ui} iso={overhead.current.at} /></> : null}
        </p>
      </Section>
      {owner ? (
        <Section title={t('overhead.set')}>
          <form method="post" action={`/orgs/${id}/overhead`} class="stack card" novalidate data-overhead-form>
            <ErrorSummary ui={ui} form={form} labels={{ bps: t('overhead.rate') }} />
            <PercentInput ui={ui} form={form} name="bps" required label={t('overhead.rate')} hint={t('overhead.rateHint')} />
            <FormSubmit label={t('overhead.save')} variant="primary" />
          </form>
        </Section>
      ) : null}
      <Section title={t('overhead.history')}>
        {overhead.history.items.length > 0 ? (
          <ul class="list" data-overhead-history>
            {overhead.history.items.map((rate) => (
              <li class="item">
                <strong>{bpsToPercent(rate.bps)}%</strong> · {t('overhead.version', { version: rate.version })} · <Time ui={ui} iso={rate.at} />
              </li>
            ))}
          </ul>
        ) : (
          <Empty>{t('overhead.none')}</Empty>
        )}
        <Pager ui={ui} nextCursor={overhead.history.nextCursor} />
      </Section>
    </Layout>
  );
}

/** Subsidy programmes (list, publish, a programme with its figures and applications) and a college's overhead rate. */
export function programmePages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);

  web.get(
    '/programmes',
    page(async (c, ui) => {
      const t = ui.t;
      const list = await listAllProgrammes(deps, ui.principal, { cursor: c.req.query('cursor') });
      const mayPublish = ui.principal.org?.type === 'GOVERNMENT' && ui.principal.org.status === 'VERIFIED';
      return render(
        c,
        <Layout ui={ui} title={t('programme.title')}>
          <PageHeader title={t('programme.title')} lead={t('programme.lead')} actions={mayPublish ? <a class="button primary" href="/programmes/new">{t('programme.publish')}</a> : undefined} />
          {list.items.length > 0 ? (
            <ul class="list">
              {list.items.map((programme) => (
                <li class="item" data-programme-id={programme.id}>
                  <ItemTitle href={`/programmes/${programme.id}`} title={programme.name} status={programme.open ? 'OPEN' : 'CLOSED'} label={programme.open ? t('programme.open') : t('programme.closed')} />
                  <p class="item-meta">
                    <span class="amount">{t('programme.budget')}: {ui.money(programme.budget)}</span>
                    <span class="amount">{t('programme.remaining')}: {ui.money(cny(programme.figures.remaining))}</span>
                    <span>{programme.opensOn} – {programme.closesOn}</span>
                  </p>
                </li>
              ))}
            </ul>
          ) : (
            <Empty>{t('programme.empty')}</Empty>
          )}
          <Pager ui={ui} nextCursor={list.nextCursor} />
        </Layout>,
      );
    }),
  );

  web.get('/programmes/new', page((c, ui) => render(c, <PublishPage ui={ui} form={emptyForm({ clusters: ui.principal.org?.cluster ?? '' })} />)));

  web.post(
    '/programmes/new',
    action(async (c, ui) => {
      const values = await formOf(c);
      return submitForm(
        values,
        PublishProgrammeSchema,
        (read) => ({
          name: read.text('name'),
          description: read.optional('description'),
          budget: read.money('budget'),
          maxBps: read.bps('maxBps'),
          clusters: read.list('clusters'),
          opensOn: read.text('opensOn'),
          closesOn: read.text('closesOn'),
        }),
        async (input) => {
          const programme = await publishProgramme(deps, ui.principal, input);
          flash(c, 'flash.programmePublished');
          return c.redirect(`/programmes/${programme.id}`, 303);
        },
        async (issues) => render(c, <PublishPage ui={ui} form={formState(ui, values, issues, PUBLISH_FIELDS)} />, 400),
      );
    }),
  );

  const programmePage = (c: Context, ui: SignedInUi, id: string, form: FormState, status: 200 | 400 = 200) =>
    ProgrammePage({ ui, deps, id, form, cursor: c.req.query('cursor') }).then((node) => render(c, node, status));

  web.get('/programmes/:id', page((c, ui) => programmePage(c, ui, pathParam(c), emptyForm())));

  web.post(
    '/programmes/:id/apply',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      return submitForm(
        values,
        ApplyToProgrammeSchema,
        (read) => ({ contractId: read.text('contractId').trim(), bps: read.bps('bps') }),
        async (input) => {
          await applyToProgramme(deps, ui.principal, id, input);
          flash(c, 'flash.subsidyApplied');
          return c.redirect(`/programmes/${id}`, 303);
        },
        (issues) => programmePage(c, ui, id, formState(ui, values, issues, APPLY_FIELDS), 400),
      );
    }),
  );

  for (const decision of ['approve', 'reject'] as const) {
    web.post(
      `/applications/:id/${decision}`,
      action(async (c, ui) => {
        const id = pathParam(c);
        const values = await formOf(c);
        const body = { decision, ...(values.reason?.trim() ? { reason: values.reason.trim() } : {}) };
        const decided = await decideApplication(deps, ui.principal, id, body, formIdempotency(c, values, body));
        flash(c, decision === 'approve' ? 'flash.subsidyApproved' : 'flash.subsidyRejected');
        return c.redirect(`/programmes/${decided.body.programmeId}`, 303);
      }),
    );
  }

  const overheadPage = (c: Context, ui: SignedInUi, id: string, form: FormState, status: 200 | 400 = 200) =>
    OverheadPage({ ui, deps, id, form, cursor: c.req.query('cursor') }).then((node) => render(c, node, status));

  web.get('/orgs/:id/overhead', page((c, ui) => overheadPage(c, ui, pathParam(c), emptyForm())));

  web.post(
    '/orgs/:id/overhead',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      return submitForm(
        values,
        SetOverheadSchema,
        (read) => ({ bps: read.bps('bps') }),
        async (input) => {
          await setOverheadRate(deps, ui.principal, id, input.bps);
          flash(c, 'flash.overheadSet');
          return c.redirect(`/orgs/${id}/overhead`, 303);
        },
        (issues) => overheadPage(c, ui, id, formState(ui, values, issues, ['bps']), 400),
      );
    }),
  );
}
