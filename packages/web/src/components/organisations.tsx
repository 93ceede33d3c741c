import type { Child } from 'hono/jsx';
import { affiliationOf, type Organisation, organisationLifecycle, type Membership } from '@sharedtech/core';
import { type Option, ActionButton, ErrorSummary, SubmitButton, TextArea } from './form.js';
import { Badge, Facts, Tags, Time, TableScroll } from './ui.js';
import { type Ui } from '../context.js';
import { KNOWN_CLUSTERS, clusterLabel, orgStatusLabel, orgTypeLabel } from '../labels.js';
import { type FormState } from '../forms.js';

export const clusterOptions = (ui: Ui, current?: string): Option[] => {
  const known = KNOWN_CLUSTERS.map((cluster) => ({ value: cluster, label: clusterLabel(ui, cluster) }));
  return current && !(KNOWN_CLUSTERS as readonly string[]).includes(current) ? [...known, { value: current, label: current }] : known;
};

/** The facts of an organisation, shared by "my organisation" and its profile page. */
export function OrganisationFacts({ ui, org }: { ui: Ui; org: Omit<Organisation, 'version'> }) {
  const t = ui.t;
  return (
    <Facts
      items={[
        [t('org.field.type'), orgTypeLabel(ui, org.type)],
        [t('common.status'), <Badge status={org.status} label={orgStatusLabel(ui, org.status)} />],
        [t('org.field.cluster'), clusterLabel(ui, org.cluster)],
        [t('org.field.capabilities'), org.capabilities.length > 0 ? <Tags tags={org.capabilities} /> : '—'],
        ...profileFacts(ui, org),
        [t('common.createdAt'), <Time ui={ui} iso={org.createdAt} />],
        ...(org.statusReason ? ([[t('common.reason'), org.statusReason]] as [string, string][]) : []),
      ]}
    />
  );
}

/** Verify with one click; reject or suspend only with a reason the organisation will read. */
export function VerificationForms({ ui, org, form, back = 'profile' }: { ui: Ui; org: Omit<Organisation, 'version'>; form: FormState; back?: 'queue' | 'profile' }) {
  const t = ui.t;
  const can = (decision: 'VERIFY' | 'REJECT' | 'SUSPEND') => organisationLifecycle.can(org.status, decision);
  return (
    <div class="stack verification" data-org-id={org.id}>
      <ErrorSummary ui={ui} form={form} scope={org.id} />
      {can('VERIFY') ? (
        <ActionButton action={`/moderation/orgs/${org.id}`} label={t('moderation.orgs.verify')} variant="primary" hidden={{ decision: 'VERIFY', back }} />
      ) : null}
      {can('REJECT') || can('SUSPEND') ? (
        <form method="post" action={`/moderation/orgs/${org.id}`} class="stack" novalidate>
          <input type="hidden" name="back" value={back} />
          <TextArea ui={ui} form={form} scope={org.id} name="reason" rows={2} label={t('moderation.orgs.reason')} hint={t('moderation.orgs.reasonHint')} maxlength={500} />
          <div class="form-actions">
            {can('REJECT') ? <SubmitButton label={t('moderation.orgs.reject')} variant="danger" name="decision" value="REJECT" /> : null}
            {can('SUSPEND') ? <SubmitButton label={t('moderation.orgs.suspend')} variant="danger" name="decision" value="SUSPEND" /> : null}
          </div>
        </form>
      ) : null}
    </div>
  );
}

/** The members of an organisation as a table; shared by "my organisation" and the members page. */
export function MembersTable({ ui, members }: { ui: Ui; members: Membership[] }) {
  const t = ui.t;
  return (
    <TableScroll label={t('org.mine.members')}>
      <table class="members">
        <thead>
          <tr>
            <th scope="col">{t('org.member.sub')}</th>
            <th scope="col">{t('org.member.role')}</th>
            <th scope="col">{t('org.member.joined')}</th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr data-sub={member.sub}>
              <td>{member.displayName ? `${member.displayName} (${member.sub})` : member.sub}</td>
              <td>{t(`role.${member.role}`)}</td>
              <td>
                <Time ui={ui} iso={member.joinedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** The profile an owner keeps (description, contact, address), the credit code and a studio's affiliation: only what is there. */
function profileFacts(ui: Ui, org: Omit<Organisation, 'version'>): [string, Child][] {
  const t = ui.t;
  const contact = [org.contact?.person, org.contact?.phone, org.contact?.email].filter(Boolean).join(' · ');
  const affiliation = affiliationOf(org);
  return [
    ...(org.creditCode ? ([[t('org.field.creditCode'), <code data-credit-code>{org.creditCode}</code>]] as [string, Child][]) : []),
    ...(affiliation
      ? ([[t('org.field.affiliation'), <Badge status={affiliation} label={t(`affiliation.${affiliation}`)} />]] as [string, Child][])
      : []),
    ...(org.description ? ([[t('profile.description'), <p class="prose">{org.description}</p>]] as [string, Child][]) : []),
    ...(contact ? ([[t('profile.contact'), contact]] as [string, Child][]) : []),
    ...(org.address ? ([[t('profile.address'), org.address]] as [string, Child][]) : []),
  ];
}
