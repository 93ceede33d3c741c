import type { Context, Hono } from 'hono';
import { AFFILIATION_DECISIONS, affiliationLifecycle, affiliationOf, requireOwnerOf, type Organisation } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import {
  AffiliationDecisionSchema, decideAffiliation, listStudiosOfOwnCollege, updateOrganisationProfile, UpdateOrganisationSchema,
} from '@sharedtech/services';
import { ActionButton, ErrorSummary, FormSubmit, Select, SubmitButton, TextArea, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { clusterOptions } from '../components/organisations.js';
import { Badge, Empty, PageHeader, Pager, Section, TableScroll, Tags, Time } from '../components/ui.js';
import { flash, formOf, pageKit, pathParam, render, type FormValues, type SignedInUi } from '../context.js';
import { splitList } from '../format.js';
import { emptyForm, formState, handleForm, parseInput, type FormState } from '../forms.js';
import { orgStatusLabel } from '../labels.js';

const FIELDS = ['description', 'contact.person', 'contact.phone', 'contact.email', 'address', 'cluster', 'capabilities'] as const;

/** The form's values from the profile as stored. */
const valuesOf = (org: Organisation): FormValues => ({
  description: org.description ?? '',
  'contact.person': org.contact?.person ?? '',
  'contact.phone': org.contact?.phone ?? '',
  'contact.email': org.contact?.email ?? '',
  address: org.address ?? '',
  cluster: org.cluster ?? '',
  capabilities: org.capabilities.join(', '),
  expectedUpdatedAt: org.updatedAt,
});

function EditProfilePage({ ui, org, form }: { ui: SignedInUi; org: Organisation; form: FormState }) {
  const t = ui.t;
  const label: Record<(typeof FIELDS)[number], string> = {
    description: t('profile.description'),
    'contact.person': t('profile.contactPerson'),
    'contact.phone': t('profile.contactPhone'),
    'contact.email': t('profile.contactEmail'),
    address: t('profile.address'),
    cluster: t('org.field.cluster'),
    capabilities: t('org.field.capabilities'),
  };
  return (
    <Layout ui={ui} title={t('profile.edit')}>
      <PageHeader title={t('profile.edit')} lead={t('profile.editLead')} back={{ href: '/org', label: org.name }} />
      <form method="post" action="/org/edit" class="stack card" novalidate data-profile-form>
        <ErrorSummary ui={ui} form={form} labels={label} />
        <input type="hidden" name="expectedUpdatedAt" value={form.values.expectedUpdatedAt ?? org.updatedAt} />
        <TextArea ui={ui} form={form} name="description" rows={4} label={label.description} hint={t('profile.descriptionHint')} maxlength={2000} />
        <div class="row two">
          <TextInput ui={ui} form={form} name="contact.person" label={label['contact.person']} maxlength={60} autocomplete="name" />
          <TextInput ui={ui} form={form} name="contact.phone" label={label['contact.phone']} maxlength={30} autocomplete="tel" />
        </div>
        <TextInput ui={ui} form={form} name="contact.email" label={label['contact.email']} maxlength={254} autocomplete="email" />
        <TextInput ui={ui} form={form} name="address" label={label.address} maxlength={200} autocomplete="street-address" />
        <Select ui={ui} form={form} name="cluster" label={label.cluster} blank={t('org.field.noCluster')} options={clusterOptions(ui, form.values.cluster)} />
        {org.type === 'STUDIO' ? (
          <TextInput ui={ui} form={form} name="capabilities" label={label.capabilities} hint={t('profile.capabilitiesHint')} />
        ) : null}
        <FormSubmit label={t('profile.save')} variant="primary" />
      </form>
    </Layout>
  );
}

/** A college's studios with their affiliation; the owner accepts or rejects the pending ones. */
async function StudiosPage({ ui, deps, cursor }: { ui: SignedInUi; deps: WebDeps; cursor?: string }) {
  const t = ui.t;
  const college = ui.principal.org!;
  const studios = await listStudiosOfOwnCollege(deps, ui.principal, college.id, { cursor, limit: 50 });
  const owner = ui.principal.membership?.role === 'OWNER';
  return (
    <Layout ui={ui} title={t('studios.title')}>
      <PageHeader title={t('studios.title')} lead={t('studios.lead')} back={{ href: '/org', label: college.name }} />
      <Section title={t('studios.title')}>
        {studios.items.length === 0 ? (
          <Empty>{t('studios.empty')}</Empty>
        ) : (
          <TableScroll label={t('studios.title')}>
            <table class="studios">
              <thead>
                <tr>
                  <th scope="col">{t('org.field.name')}</th>
                  <th scope="col">{t('common.status')}</th>
                  <th scope="col">{t('org.field.affiliation')}</th>
                  <th scope="col">{t('org.field.capabilities')}</th>
                  <th scope="col">{t('common.createdAt')}</th>
                  {owner ? <th scope="col">{t('studios.decide')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {studios.items.map((studio) => (
                  <StudioRow ui={ui} studio={studio} owner={owner} />
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <Pager ui={ui} nextCursor={studios.nextCursor} />
      </Section>
    </Layout>
  );
}

function StudioRow({ ui, studio, owner }: { ui: SignedInUi; studio: Organisation; owner: boolean }) {
  const t = ui.t;
  const affiliation = affiliationOf(studio)!;
  return (
    <tr data-studio-id={studio.id} data-affiliation={affiliation}>
      <td>
        <a href={`/orgs/${studio.id}`}>{studio.name}</a>
      </td>
      <td>
        <Badge status={studio.status} label={orgStatusLabel(ui, studio.status)} />
      </td>
      <td>
        <Badge status={affiliation} label={t(`affiliation.${affiliation}`)} />
        {studio.affiliationReason ? <p class="muted">{studio.affiliationReason}</p> : null}
      </td>
      <td>{studio.capabilities.length > 0 ? <Tags tags={studio.capabilities} /> : '—'}</td>
      <td>
        <Time ui={ui} iso={studio.createdAt} dateOnly />
      </td>
      {owner ? (
        <td>
          {affiliationLifecycle.can(affiliation, 'ACCEPT') ? (
            <div class="stack">
              <ActionButton action={`/orgs/${studio.id}/affiliation`} label={t('studios.accept')} variant="primary" hidden={{ decision: 'ACCEPT' }} />
              <form method="post" action={`/orgs/${studio.id}/affiliation`} class="stack" novalidate>
                <TextInput ui={ui} form={emptyForm()} scope={studio.id} name="reason" label={t('studios.rejectReason')} maxlength={500} />
                <SubmitButton label={t('studios.reject')} variant="danger" name="decision" value="REJECT" />
              </form>
            </div>
          ) : (
            '—'
          )}
        </td>
      ) : null}
    </tr>
  );
}

export function orgProfilePages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);
  const ownOrg = (ui: SignedInUi) => ui.principal.org;
  const showEdit = (c: Context, ui: SignedInUi, org: Organisation, form: FormState, status: 200 | 400 | 409 = 200) =>
    render(c, <EditProfilePage ui={ui} org={org} form={form} />, status);

  web.get(
    '/org/edit',
    page(async (c, ui) => {
      const org = ownOrg(ui);
      if (!org) return c.redirect('/org/new', 303);
      requireOwnerOf(ui.principal, org.id);
      return showEdit(c, ui, org, emptyForm(valuesOf(org)));
    }),
  );

  web.post(
    '/org/edit',
    action(async (c, ui) => {
      const org = ownOrg(ui);
      if (!org) return c.redirect('/org/new', 303);
      requireOwnerOf(ui.principal, org.id);
      const values = await formOf(c);
      return handleForm(
        async () => {
          const text = (name: string) => values[name]?.trim() ?? '';
          const input = parseInput(UpdateOrganisationSchema, {
            description: text('description'),
            contact: { person: text('contact.person'), phone: text('contact.phone'), email: text('contact.email') },
            address: text('address'),
            cluster: text('cluster'),
            ...(org.type === 'STUDIO' ? { capabilities: splitList(values.capabilities ?? '') } : {}),
            ...(values.expectedUpdatedAt ? { expectedUpdatedAt: values.expectedUpdatedAt } : {}),
          });
          await updateOrganisationProfile(deps, ui.principal, org.id, input);
          flash(c, 'flash.profileSaved');
          return c.redirect('/org', 303);
        },
        async (issues) => showEdit(c, ui, org, formState(ui, values, issues, FIELDS), 400),
      );
    }),
  );

  web.get(
    '/org/studios',
    page(async (c, ui) => {
      const org = ownOrg(ui);
      if (!org) return c.redirect('/org/new', 303);
      if (org.type !== 'COLLEGE') return c.redirect('/org', 303);
      return render(c, await StudiosPage({ ui, deps, cursor: c.req.query('cursor') }));
    }),
  );

  web.post(
    '/orgs/:id/affiliation',
    action(async (c, ui) => {
      const studioId = pathParam(c);
      const values = await formOf(c);
      const input = parseInput(AffiliationDecisionSchema, {
        decision: (AFFILIATION_DECISIONS as readonly string[]).includes(values.decision ?? '') ? values.decision : undefined,
        reason: values.reason?.trim() || undefined,
      });
      await decideAffiliation(deps, ui.principal, studioId, input);
      flash(c, input.decision === 'ACCEPT' ? 'flash.affiliationAccepted' : 'flash.affiliationRejected');
      return c.redirect('/org/studios', 303);
    }),
  );
}
