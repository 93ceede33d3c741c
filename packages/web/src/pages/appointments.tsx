import type { Context, Hono } from 'hono';
import { APPOINTMENT_KINDS, APPOINTMENT_STATUSES, appointmentSideOf, type Organisation } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import {
  ProposeAppointmentSchema, actOnAppointment, appointmentStatistics, getOrganisationOrThrow, listAppointments, listOrganisations, proposeAppointment,
  readAppointment, type AppointmentAction, type AppointmentView,
} from '@sharedtech/services';
import { ActionButton, ErrorSummary, FormSubmit, Select, TextArea, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { clusterOptions } from '../components/organisations.js';
import { Empty, Facts, ItemTitle, PageHeader, Pager, Section, Time } from '../components/ui.js';
import { flash, formOf, pageKit, pathParam, queryChoice, render, type SignedInUi, type Ui } from '../context.js';
import { emptyForm, formState, submitForm, type FormState } from '../forms.js';
import { KNOWN_CLUSTERS, clusterLabel } from '../labels.js';

const FIELDS = ['kind', 'counterpartOrgId', 'cluster', 'person.name', 'person.title', 'subject', 'startDate', 'endDate', 'hoursPerMonth', 'note'] as const;

const statusLabel = (ui: Ui, appointment: Pick<AppointmentView, 'status'>) => ui.t(`appointment.status.${appointment.status}`);
const period = (appointment: Pick<AppointmentView, 'startDate' | 'endDate'>) => `${appointment.startDate} – ${appointment.endDate}`;

/** The organisations of the other side the caller may propose to (verified only; at most 100 of each type). */
async function counterparts(deps: WebDeps, ui: SignedInUi): Promise<Organisation[]> {
  const side = ui.principal.org && appointmentSideOf(ui.principal.org.type);
  const types = side === 'ENTERPRISE' ? (['COLLEGE', 'STUDIO'] as const) : side === 'COLLEGE' ? (['ENTERPRISE'] as const) : [];
  const lists = await Promise.all(types.map((type) => listOrganisations(deps, ui.principal, { status: 'VERIFIED', type }, { limit: 100 })));
  return lists.flatMap((list) => list.items);
}

function ProposePage({ ui, form, orgs }: { ui: SignedInUi; form: FormState; orgs: Organisation[] }) {
  const t = ui.t;
  const label: Record<(typeof FIELDS)[number], string> = {
    kind: t('appointment.field.kind'),
    counterpartOrgId: t('appointment.field.counterpart'),
    cluster: t('org.field.cluster'),
    'person.name': t('appointment.field.personName'),
    'person.title': t('appointment.field.personTitle'),
    subject: t('appointment.field.subject'),
    startDate: t('appointment.field.startDate'),
    endDate: t('appointment.field.endDate'),
    hoursPerMonth: t('appointment.field.hoursPerMonth'),
    note: t('appointment.field.note'),
  };
  return (
    <Layout ui={ui} title={t('appointment.propose.title')}>
      <PageHeader title={t('appointment.propose.title')} lead={t('appointment.propose.lead')} back={{ href: '/appointments', label: t('nav.appointments') }} />
      <form method="post" action="/appointments/new" class="stack card" novalidate>
        <ErrorSummary ui={ui} form={form} labels={label} />
        <Select ui={ui} form={form} name="kind" required label={label.kind} blank={t('form.choose')} options={APPOINTMENT_KINDS.map((kind) => ({ value: kind, label: t(`appointment.kind.${kind}`) }))} />
        <Select ui={ui} form={form} name="counterpartOrgId" required label={label.counterpartOrgId} blank={t('form.choose')} options={orgs.map((org) => ({ value: org.id, label: org.name }))} />
        <Select ui={ui} form={form} name="cluster" required label={label.cluster} blank={t('form.choose')} options={clusterOptions(ui, form.values.cluster)} />
        <TextInput ui={ui} form={form} name="person.name" required label={label['person.name']} maxlength={60} />
        <TextInput ui={ui} form={form} name="person.title" label={label['person.title']} maxlength={60} />
        <TextInput ui={ui} form={form} name="subject" required label={label.subject} maxlength={200} />
        <TextInput ui={ui} form={form} name="startDate" type="date" required label={label.startDate} />
        <TextInput ui={ui} form={form} name="endDate" type="date" required label={label.endDate} />
        <TextInput ui={ui} form={form} name="hoursPerMonth" inputmode="numeric" required label={label.hoursPerMonth} />
        <TextArea ui={ui} form={form} name="note" label={label.note} rows={3} maxlength={2000} />
        <FormSubmit label={t('appointment.propose.submit')} variant="primary" />
      </form>
    </Layout>
  );
}

async function AppointmentPage({ ui, deps, id }: { ui: SignedInUi; deps: WebDeps; id: string }) {
  const t = ui.t;
  const appointment = await readAppointment(deps, ui.principal, id);
  const [enterprise, college] = await Promise.all(
    [appointment.enterpriseOrgId, appointment.collegeOrgId].map((orgId) => getOrganisationOrThrow(deps, orgId).catch(() => undefined)),
  );
  const party = [appointment.enterpriseOrgId, appointment.collegeOrgId].includes(ui.principal.membership?.orgId ?? '');
  return (
    <Layout ui={ui} title={appointment.subject}>
      <PageHeader
        title={`${appointment.person.name} · ${appointment.subject}`}
        lead={t(`appointment.kind.${appointment.kind}`)}
        back={{ href: '/appointments', label: t('nav.appointments') }}
        actions={party || ui.principal.org?.type === 'ASSOCIATION' ? <a href={`/audit?entity=appointment:${appointment.id}`}>{t('common.auditTrail')}</a> : undefined}
      />
      <Section title={t('appointment.about')}>
        <Facts
          items={[
            [t('common.status'), <span data-status={appointment.status}>{statusLabel(ui, appointment)}</span>],
            [t('appointment.field.enterprise'), enterprise?.name ?? appointment.enterpriseOrgId],
            [t('appointment.field.college'), college?.name ?? appointment.collegeOrgId],
            [t('appointment.field.personName'), [appointment.person.name, appointment.person.title].filter(Boolean).join(' · ')],
            [t('org.field.cluster'), clusterLabel(ui, appointment.cluster)],
            [t('appointment.field.period'), period(appointment)],
            [t('appointment.field.hoursPerMonth'), String(appointment.hoursPerMonth)],
            [t('common.createdAt'), <Time ui={ui} iso={appointment.createdAt} />],
            [t('appointment.field.confirmedAt'), <Time ui={ui} iso={appointment.confirmedAt} />],
          ]}
        />
        {appointment.note ? <p class="prose">{appointment.note}</p> : null}
        {appointment.reason ? <p class="prose">{t('common.reason')}: {appointment.reason}</p> : null}
      </Section>
      {appointment.canConfirm || appointment.canEnd ? (
        <Section title={t('appointment.decide')}>
          <div class="actions">
            {appointment.canConfirm ? (
              <>
                <ActionButton action={`/appointments/${appointment.id}/confirm`} label={t('appointment.confirm')} variant="primary" />
                <ActionButton action={`/appointments/${appointment.id}/decline`} label={t('appointment.decline')} />
              </>
            ) : null}
            {appointment.canEnd ? (
              <ActionButton action={`/appointments/${appointment.id}/end`} label={t('appointment.end')} variant="danger" confirm={t('appointment.endConfirm')} />
            ) : null}
          </div>
        </Section>
      ) : null}
    </Layout>
  );
}

/** Talent mutual employment: the list with the figures, proposing, an appointment with its confirmation. */
export function appointmentPages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);

  web.get(
    '/appointments',
    page(async (c, ui) => {
      const t = ui.t;
      const org = ui.principal.org;
      const status = queryChoice(c, 'status', APPOINTMENT_STATUSES);
      const byCluster = Boolean(org && !appointmentSideOf(org.type));
      // A government body of one cluster reads that cluster; associations and city-wide bodies choose one.
      const ownClusterOnly = org?.type === 'GOVERNMENT' && org.cluster !== undefined;
      const cluster = byCluster ? (ownClusterOnly ? org.cluster : (queryChoice(c, 'cluster', KNOWN_CLUSTERS) ?? org?.cluster ?? KNOWN_CLUSTERS[0])) : undefined;
      const [list, figures] = await Promise.all([
        listAppointments(deps, ui.principal, { status, cluster, cursor: c.req.query('cursor') }),
        appointmentStatistics(deps, ui.principal, { cluster }),
      ]);
      const mayPropose = Boolean(org && appointmentSideOf(org.type) && org.status === 'VERIFIED' && ui.principal.membership?.role === 'OWNER');
      const filter = emptyForm({ status: status ?? '', cluster: cluster ?? '' });
      return render(
        c,
        <Layout ui={ui} title={t('nav.appointments')}>
          <PageHeader
            title={t('nav.appointments')}
            lead={t('appointment.lead')}
            actions={mayPropose ? <a class="button primary" href="/appointments/new">{t('appointment.propose.title')}</a> : undefined}
          />
          <Section title={cluster ? t('appointment.figuresOf', { cluster: clusterLabel(ui, cluster) }) : t('appointment.figures')}>
            <Facts items={[[t('appointment.active'), String(figures.active)], [t('appointment.hours'), String(figures.hoursPerMonth)]]} />
          </Section>
          <form method="get" action="/appointments" class="filters card">
            <Select ui={ui} form={filter} name="status" label={t('common.status')} blank={t('appointment.allStatuses')} options={APPOINTMENT_STATUSES.map((value) => ({ value, label: t(`appointment.status.${value}`) }))} />
            {cluster && !ownClusterOnly ? <Select ui={ui} form={filter} name="cluster" label={t('org.field.cluster')} options={clusterOptions(ui, cluster)} /> : null}
            <FormSubmit label={t('resource.filter')} variant="secondary" />
          </form>
          {list.items.length > 0 ? (
            <ul class="list">
              {list.items.map((appointment) => (
                <li class="item" data-appointment-id={appointment.id}>
                  <ItemTitle href={`/appointments/${appointment.id}`} title={`${appointment.person.name} · ${appointment.subject}`} status={appointment.status} label={statusLabel(ui, appointment)} />
                  <p class="item-meta">
                    <span>{t(`appointment.kind.${appointment.kind}`)}</span>
                    <span>{period(appointment)}</span>
                    <span>{t('appointment.hoursValue', { hours: appointment.hoursPerMonth })}</span>
                    {appointment.canConfirm ? <strong>{t('appointment.awaitsYou')}</strong> : null}
                  </p>
                </li>
              ))}
            </ul>
          ) : (
            <Empty>{t('appointment.empty')}</Empty>
          )}
          <Pager ui={ui} nextCursor={list.nextCursor} />
        </Layout>,
      );
    }),
  );

  web.get(
    '/appointments/new',
    page(async (c, ui) => render(c, <ProposePage ui={ui} form={emptyForm({ cluster: ui.principal.org?.cluster ?? '' })} orgs={await counterparts(deps, ui)} />)),
  );

  web.post(
    '/appointments/new',
    action(async (c, ui) => {
      const values = await formOf(c);
      return submitForm(
        values,
        ProposeAppointmentSchema,
        (read) => ({
          kind: read.optional('kind'),
          counterpartOrgId: read.optional('counterpartOrgId'),
          cluster: read.optional('cluster'),
          person: { name: read.text('person.name'), ...(read.has('person.title') ? { title: read.text('person.title') } : {}) },
          subject: read.text('subject'),
          startDate: read.optional('startDate'),
          endDate: read.optional('endDate'),
          hoursPerMonth: read.int('hoursPerMonth'),
          note: read.optional('note'),
        }),
        async (input) => {
          const appointment = await proposeAppointment(deps, ui.principal, input);
          flash(c, 'flash.appointmentProposed');
          return c.redirect(`/appointments/${appointment.id}`, 303);
        },
        async (issues) => render(c, <ProposePage ui={ui} form={formState(ui, values, issues, FIELDS)} orgs={await counterparts(deps, ui)} />, 400),
      );
    }),
  );

  web.get(
    '/appointments/:id',
    page(async (c: Context, ui) => render(c, await AppointmentPage({ ui, deps, id: pathParam(c) }))),
  );

  const FLASH = { confirm: 'flash.appointmentConfirmed', decline: 'flash.appointmentDeclined', end: 'flash.appointmentEnded' } as const;
  for (const step of ['confirm', 'decline', 'end'] as const satisfies readonly AppointmentAction[]) {
    web.post(
      `/appointments/:id/${step}`,
      action(async (c, ui) => {
        const id = pathParam(c);
        const values = await formOf(c);
        await actOnAppointment(deps, ui.principal, id, step, { reason: values.reason?.trim() || undefined });
        flash(c, FLASH[step]);
        return c.redirect(`/appointments/${id}`, 303);
      }),
    );
  }
}
