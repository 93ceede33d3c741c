import { AttachmentsSection } from '../components/attachments.js';
import { attachmentsFor } from './attachments.js';
import type { Hono } from 'hono';
import { ConflictError, SELF_SERVICE_ORG_TYPES, isAssociation, type Organisation } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import {
  exportPersonalData, getVisibleOrganisation, leaveOrganisation, listMembers, listOrganisations, registerOrganisation, RegisterOrganisationSchema,
  viewOfOrganisation,
} from '@sharedtech/services';
import { ActionButton, ErrorSummary, FormSubmit, Select, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { PageHeader, Section } from '../components/ui.js';
import { OrganisationReviews } from '../components/reviews.js';
import { flash, formOf, pageKit, render, type SignedInUi, pathParam } from '../context.js';
import { splitList } from '../format.js';
import { emptyForm, formState, handleForm, parseInput, type FormState } from '../forms.js';
import { errorMessage, orgTypeLabel } from '../labels.js';
import { MembersTable } from '../components/organisations.js';
import { VerificationForms } from '../components/organisations.js';
import { clusterOptions, OrganisationFacts } from '../components/organisations.js';

const FIELDS = ['type', 'name', 'creditCode', 'cluster', 'collegeId', 'capabilities'] as const;

function RegisterPage({ ui, form, colleges }: { ui: SignedInUi; form: FormState; colleges: Organisation[] }) {
  const t = ui.t;
  const label: Record<(typeof FIELDS)[number], string> = {
    type: t('org.field.type'),
    name: t('org.field.name'),
    cluster: t('org.field.cluster'),
    collegeId: t('org.field.college'),
    capabilities: t('org.field.capabilities'),
    creditCode: t('org.field.creditCode'),
  };
  return (
    <Layout ui={ui} title={t('org.register.title')}>
      <PageHeader title={t('org.register.title')} lead={t('org.register.lead')} />
      <form method="post" action="/org/new" class="stack card" novalidate>
        <ErrorSummary ui={ui} form={form} labels={label} />
        <Select
          ui={ui}
          form={form}
          name="type"
          required
          label={label.type}
          blank={t('form.choose')}
          options={SELF_SERVICE_ORG_TYPES.map((type) => ({ value: type, label: orgTypeLabel(ui, type) }))}
        />
        <TextInput ui={ui} form={form} name="name" required label={label.name} maxlength={100} autocomplete="organization" />
        <TextInput ui={ui} form={form} name="creditCode" label={label.creditCode} hint={t('org.field.creditCodeHint')} maxlength={40} autocomplete="off" />
        <Select ui={ui} form={form} name="cluster" label={label.cluster} blank={t('org.field.noCluster')} options={clusterOptions(ui, form.values.cluster)} />
        <Select
          ui={ui}
          form={form}
          name="collegeId"
          label={label.collegeId}
          hint={t('org.field.collegeHint')}
          blank={t('org.field.noCollege')}
          options={colleges.map((college) => ({ value: college.id, label: college.name }))}
        />
        <TextInput ui={ui} form={form} name="capabilities" label={label.capabilities} hint={t('org.field.capabilitiesHint')} />
        <FormSubmit label={t('org.register.submit')} variant="primary" />
      </form>
    </Layout>
  );
}

export function organisationPages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);
  const verifiedColleges = async (ui: SignedInUi) =>
    (await listOrganisations(deps, ui.principal, { status: 'VERIFIED', type: 'COLLEGE' }, { limit: 100 })).items;

  web.get(
    '/org/new',
    page(async (c, ui) => {
      if (ui.principal.membership) return c.redirect('/org', 303);
      return render(c, <RegisterPage ui={ui} form={emptyForm()} colleges={await verifiedColleges(ui)} />);
    }),
  );

  web.post(
    '/org/new',
    action(async (c, ui) => {
      const values = await formOf(c);
      return handleForm(
        async () => {
          const capabilities = splitList(values.capabilities ?? '');
          const input = parseInput(RegisterOrganisationSchema, {
            type: values.type || undefined,
            name: values.name ?? '',
            cluster: values.cluster || undefined,
            collegeId: values.collegeId || undefined,
            creditCode: values.creditCode?.trim() || undefined,
            ...(capabilities.length > 0 ? { capabilities } : {}),
          });
          try {
            await registerOrganisation(deps, ui.principal, input);
          } catch (error) {
            // A code registered already is said beside the code field, with the 409 it is.
            if (!(error instanceof ConflictError && error.code === 'CREDIT_CODE_TAKEN')) throw error;
            const taken = { path: 'creditCode', code: error.code, message: errorMessage(ui, error) };
            return render(c, <RegisterPage ui={ui} form={formState(ui, values, [taken], FIELDS)} colleges={await verifiedColleges(ui)} />, 409);
          }
          flash(c, 'flash.orgRegistered');
          return c.redirect('/org', 303);
        },
        async (issues) => render(c, <RegisterPage ui={ui} form={formState(ui, values, issues, FIELDS)} colleges={await verifiedColleges(ui)} />, 400),
      );
    }),
  );

  web.get(
    '/org',
    page(async (c, ui) => {
      const org = ui.principal.org;
      if (!org) return c.redirect('/org/new', 303);
      const members = await listMembers(deps, ui.principal, org.id, { limit: 100 });
      const evidence = await attachmentsFor(deps, ui.principal, `ORGANISATION:${org.id}`);
      const t = ui.t;
      return render(
        c,
        <Layout ui={ui} title={org.name}>
          <PageHeader title={org.name} lead={t('org.mine.lead')} actions={<a href={`/audit?entity=organisation:${org.id}`}>{t('common.auditTrail')}</a>} />
          <Section
            title={t('org.mine.profile')}
            actions={ui.principal.membership?.role === 'OWNER' ? <a href="/org/edit" data-edit-profile>{t('profile.edit')}</a> : undefined}
          >
            <OrganisationFacts ui={ui} org={org} />
          </Section>
          {org.type === 'COLLEGE' ? (
            <Section title={t('studios.title')} actions={<a href="/org/studios">{t('studios.all')}</a>}>
              <p class="muted">{t('studios.lead')}</p>
            </Section>
          ) : null}
          <Section
            title={t('org.mine.members')}
            actions={<a href="/org/members">{t(ui.principal.membership?.role === 'OWNER' ? 'org.mine.addMember' : 'org.mine.allMembers')}</a>}
          >
            <MembersTable ui={ui} members={members.items} />
          </Section>
          {evidence ? (
            <AttachmentsSection ui={ui} parent={`ORGANISATION:${org.id}`} items={evidence.items} canUpload={evidence.canUpload} back="/org" title={t('attachment.evidenceTitle')} id="evidence" />
          ) : null}
          <Section title={t('org.mine.personalData')} id="personal-data">
            <p class="muted">{t('org.mine.personalDataLead')}</p>
            <p>
              <a class="button secondary" href="/me/export" download>
                {t('org.mine.exportData')}
              </a>
            </p>
            <p class="muted">{t('org.mine.leaveLead')}</p>
            <ActionButton action="/org/leave" label={t('org.mine.leave')} variant="danger" confirm={t('org.mine.leaveConfirm')} />
          </Section>
        </Layout>,
      );
    }),
  );

  // Personal data (PIPL): the signed-in user's own data as a JSON download, whatever their organisation.
  web.get(
    '/me/export',
    page(async (c, ui) => {
      c.header('Content-Disposition', 'attachment; filename="sharedtech-personal-data.json"');
      c.header('Cache-Control', 'no-store');
      return c.json(await exportPersonalData(deps, ui.principal));
    }),
  );

  // Leaving one's organisation; the service refuses the last owner (409 page).
  web.post(
    '/org/leave',
    action(async (c, ui) => {
      const org = ui.principal.org;
      if (!org) return c.redirect('/org/new', 303);
      await leaveOrganisation(deps, ui.principal, org.id);
      flash(c, 'flash.orgLeft');
      return c.redirect('/', 303);
    }),
  );

  web.get(
    '/orgs/:id',
    page(async (c, ui) => {
      const org = viewOfOrganisation(ui.principal, await getVisibleOrganisation(deps, ui.principal, pathParam(c)));
      // Verification evidence: for the organisation's members and the associations only.
      const evidence = await attachmentsFor(deps, ui.principal, `ORGANISATION:${org.id}`);
      const t = ui.t;
      return render(
        c,
        <Layout ui={ui} title={org.name}>
          <PageHeader
            title={org.name}
            back={isAssociation(ui.principal) ? { href: '/moderation/orgs', label: t('nav.verification') } : undefined}
            actions={
              isAssociation(ui.principal) || ui.principal.membership?.orgId === org.id ? <a href={`/audit?entity=organisation:${org.id}`}>{t('common.auditTrail')}</a> : undefined
            }
          />
          <Section title={t('org.mine.profile')}>
            <OrganisationFacts ui={ui} org={org} />
          </Section>
          {org.type === 'ENTERPRISE' || org.type === 'STUDIO' ? await OrganisationReviews({ ui, deps, orgId: org.id, cursor: c.req.query('cursor') }) : null}
          {evidence && org.type !== 'ASSOCIATION' ? (
            <AttachmentsSection ui={ui} parent={`ORGANISATION:${org.id}`} items={evidence.items} canUpload={evidence.canUpload} back={`/orgs/${org.id}`} title={t('attachment.evidenceTitle')} id="evidence" />
          ) : null}
          {isAssociation(ui.principal) && org.type !== 'ASSOCIATION' ? (
            <Section title={t('moderation.orgs.decide')}>
              <VerificationForms ui={ui} org={org} form={emptyForm()} />
            </Section>
          ) : null}
        </Layout>,
      );
    }),
  );
}
