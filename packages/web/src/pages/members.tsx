import type { Context, Hono } from 'hono';
import { ConflictError, MEMBER_ROLES, NotFoundError, requireOwnerOf, type Membership } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import {
  acceptMemberInvitation, AcceptMemberInvitationSchema, changeMemberRole, ChangeMemberRoleSchema, createMemberInvitation, CreateMemberInvitationSchema,
  listMemberInvitations, listMembers, removeMember, revokeMemberInvitation,
} from '@sharedtech/services';
import { ActionButton, ErrorSummary, FormSubmit, Select, SubmitButton, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Badge, Empty, PageHeader, Pager, Section, TableScroll, Time } from '../components/ui.js';
import { flash, formOf, pageKit, render, type SignedInUi } from '../context.js';
import { emptyForm, formState, handleForm, issue, parseInput, type FormState } from '../forms.js';
import { errorMessage } from '../labels.js';
import { MembersTable } from '../components/organisations.js';

const FIELDS = ['role', 'displayName'] as const;

const isOwner = (ui: SignedInUi) => ui.principal.membership?.role === 'OWNER';

/** Owners invite by name and role; the invited person joins by accepting the one-time code, signed in. */
function InviteForm({ ui, form }: { ui: SignedInUi; form: FormState }) {
  const t = ui.t;
  const label: Record<(typeof FIELDS)[number], string> = { role: t('org.member.role'), displayName: t('members.field.displayName') };
  return (
    <form method="post" action="/org/members" class="stack" novalidate data-invite-form>
      <ErrorSummary ui={ui} form={form} labels={label} />
      <div class="row two">
        <TextInput ui={ui} form={form} name="displayName" required label={label.displayName} hint={t('members.field.displayNameHint')} maxlength={60} autocomplete="off" />
        <Select
          ui={ui}
          form={form}
          name="role"
          required
          label={label.role}
          hint={t('members.field.roleHint')}
          options={MEMBER_ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))}
        />
      </div>
      <FormSubmit label={t('invite.submit')} variant="primary" />
    </form>
  );
}

/** The code of an invitation just made: shown this once (only its hash is kept). */
function NewInvitation({ ui, code, link, displayName }: { ui: SignedInUi; code: string; link: string; displayName: string }) {
  const t = ui.t;
  return (
    <div class="notice stack" role="status" data-new-invitation>
      <p>{t('invite.created', { name: displayName })}</p>
      <p>
        {t('invite.link')}: <a href={link} data-invitation-link>{link}</a>
      </p>
      <p>
        {t('invite.code')}: <code data-invitation-code>{code}</code>
      </p>
      <p class="muted">{t('invite.onceHint')}</p>
    </div>
  );
}

/** Owners change a member's role or remove them; the last owner stays (the service refuses with 409). */
function MemberActions({ ui, member }: { ui: SignedInUi; member: Membership }) {
  const t = ui.t;
  const other = member.role === 'OWNER' ? 'MEMBER' : 'OWNER';
  return (
    <div class="form-actions" data-member-actions={member.sub}>
      <ActionButton action="/org/members/role" label={t(other === 'OWNER' ? 'members.makeOwner' : 'members.makeMember')} variant="secondary" hidden={{ sub: member.sub, role: other }} />
      <ActionButton action="/org/members/remove" label={t('members.remove')} variant="danger" hidden={{ sub: member.sub }} confirm={t('members.removeConfirm')} />
    </div>
  );
}

async function MembersPage({ ui, deps, cursor, form, created }: { ui: SignedInUi; deps: WebDeps; cursor?: string; form: FormState; created?: { code: string; link: string; displayName: string } }) {
  const t = ui.t;
  const org = ui.principal.org!;
  const members = await listMembers(deps, ui.principal, org.id, { cursor, limit: 50 });
  const invitations = isOwner(ui) ? await listMemberInvitations(deps, ui.principal, org.id, { limit: 20 }) : undefined;
  return (
    <Layout ui={ui} title={t('members.title')}>
      <PageHeader title={t('members.title')} lead={t('members.lead', { org: org.name })} back={{ href: '/org', label: org.name }} />
      <Section title={t('org.mine.members')}>
        <MembersTable ui={ui} members={members.items} />
        {isOwner(ui) ? (
          <div class="stack" data-member-admin>
            {members.items
              .filter((member) => member.sub !== ui.principal.sub)
              .map((member) => (
                <div class="row" data-member={member.sub}>
                  <span>{member.displayName ?? member.sub}</span>
                  <MemberActions ui={ui} member={member} />
                </div>
              ))}
          </div>
        ) : null}
        <Pager ui={ui} nextCursor={members.nextCursor} />
      </Section>
      {isOwner(ui) ? (
        <>
          <Section title={t('invite.title')} id="invite">
            <p class="muted">{t('invite.lead')}</p>
            {created ? <NewInvitation ui={ui} {...created} /> : null}
            <InviteForm ui={ui} form={form} />
          </Section>
          <Section title={t('invite.list')} id="invitations">
            {invitations && invitations.items.length > 0 ? (
              <TableScroll label={t('invite.list')}>
                <table class="invitations">
                  <thead>
                    <tr>
                      <th scope="col">{t('members.field.displayName')}</th>
                      <th scope="col">{t('org.member.role')}</th>
                      <th scope="col">{t('common.status')}</th>
                      <th scope="col">{t('invite.validUntil')}</th>
                      <th scope="col">{t('invite.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {invitations.items.map((invitation) => (
                      <tr data-invitation-id={invitation.id} data-status={invitation.status}>
                        <td>{invitation.displayName}</td>
                        <td>{t(`role.${invitation.role}`)}</td>
                        <td>
                          <Badge status={invitation.status} label={t(`invite.status.${invitation.status}`)} />
                        </td>
                        <td>
                          <Time ui={ui} iso={invitation.validUntil} />
                        </td>
                        <td>
                          {invitation.status === 'OPEN' ? (
                            <ActionButton action="/org/invitations/revoke" label={t('invite.revoke')} variant="danger" hidden={{ invitationId: invitation.id }} />
                          ) : (
                            '—'
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ) : (
              <Empty>{t('invite.none')}</Empty>
            )}
          </Section>
        </>
      ) : (
        <p class="notice" data-owners-only>
          {t('members.ownersOnly')}
        </p>
      )}
    </Layout>
  );
}

/** The invited person's page: the code from the link, accepted with one click once signed in. */
function AcceptPage({ ui, form }: { ui: SignedInUi; form: FormState }) {
  const t = ui.t;
  return (
    <Layout ui={ui} title={t('invite.accept.title')}>
      <PageHeader title={t('invite.accept.title')} lead={t('invite.accept.lead')} />
      {ui.principal.membership ? <p class="notice">{t('invite.accept.alreadyMember')}</p> : null}
      <form method="post" action="/member-invitations/accept" class="stack card" novalidate data-accept-form>
        <ErrorSummary ui={ui} form={form} labels={{ code: t('invite.code') }} />
        <TextInput ui={ui} form={form} name="code" required label={t('invite.code')} hint={t('invite.accept.codeHint')} maxlength={200} autocomplete="off" />
        <SubmitButton label={t('invite.accept.submit')} variant="primary" />
      </form>
    </Layout>
  );
}

/** Why a code does not work, said beside the code field. */
const CODE_PROBLEMS = new Set(['INVITATION_USED', 'INVITATION_REVOKED', 'INVITATION_EXPIRED', 'ALREADY_MEMBER', 'TOO_MANY_MEMBERS']);

export function memberPages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);
  const show = async (c: Context, ui: SignedInUi, form: FormState, status: 200 | 201 | 400 | 409 = 200, created?: { code: string; link: string; displayName: string }) =>
    render(c, await MembersPage({ ui, deps, cursor: c.req.query('cursor'), form, created }), status === 201 ? 200 : status);
  const ownerOrg = (ui: SignedInUi) => {
    const org = ui.principal.org;
    if (org) requireOwnerOf(ui.principal, org.id);
    return org;
  };

  web.get(
    '/org/members',
    page(async (c, ui) => {
      if (!ui.principal.org) return c.redirect('/org/new', 303);
      return show(c, ui, emptyForm({ role: 'MEMBER' }));
    }),
  );

  // An owner invites: the page shows the one-time code and link right away (they are not stored, so not after a redirect).
  web.post(
    '/org/members',
    action(async (c, ui) => {
      // A member who is not an owner has no form to correct: refuse before reading it (the service checks again).
      const org = ownerOrg(ui);
      if (!org) return c.redirect('/org/new', 303);
      const values = await formOf(c);
      return handleForm(
        async () => {
          const input = parseInput(
            CreateMemberInvitationSchema,
            { role: values.role || undefined, displayName: values.displayName?.trim() ?? '' },
            values.displayName?.trim() ? [] : [issue('displayName', 'REQUIRED')],
          );
          const invitation = await createMemberInvitation(deps, ui.principal, org.id, input);
          const link = new URL(invitation.link, c.req.url).toString();
          return show(c, ui, emptyForm({ role: 'MEMBER' }), 201, { code: invitation.code, link, displayName: invitation.displayName });
        },
        async (issues) => show(c, ui, formState(ui, values, issues, FIELDS), 400),
      );
    }),
  );

  web.post(
    '/org/invitations/revoke',
    action(async (c, ui) => {
      const org = ownerOrg(ui);
      if (!org) return c.redirect('/org/new', 303);
      const invitationId = (await formOf(c)).invitationId ?? '';
      if (!/^minv_[0-9A-HJKMNP-TV-Z]{26}$/.test(invitationId)) throw new NotFoundError('MemberInvitation', invitationId);
      await revokeMemberInvitation(deps, ui.principal, org.id, invitationId);
      flash(c, 'flash.invitationRevoked');
      return c.redirect('/org/members#invitations', 303);
    }),
  );

  web.post(
    '/org/members/role',
    action(async (c, ui) => {
      const org = ownerOrg(ui);
      if (!org) return c.redirect('/org/new', 303);
      const values = await formOf(c);
      const input = parseInput(ChangeMemberRoleSchema, { role: values.role || undefined });
      await changeMemberRole(deps, ui.principal, org.id, values.sub ?? '', input);
      flash(c, 'flash.memberRoleChanged');
      return c.redirect('/org/members', 303);
    }),
  );

  web.post(
    '/org/members/remove',
    action(async (c, ui) => {
      const org = ownerOrg(ui);
      if (!org) return c.redirect('/org/new', 303);
      await removeMember(deps, ui.principal, org.id, (await formOf(c)).sub ?? '');
      flash(c, 'flash.memberRemoved');
      return c.redirect('/org/members', 303);
    }),
  );

  web.get(
    '/member-invitations/accept',
    page(async (c, ui) => render(c, <AcceptPage ui={ui} form={emptyForm({ code: c.req.query('code') ?? '' })} />)),
  );

  web.post(
    '/member-invitations/accept',
    action(async (c, ui) => {
      const values = await formOf(c);
      return handleForm(
        async () => {
          const input = parseInput(AcceptMemberInvitationSchema, { code: values.code ?? '' }, values.code?.trim() ? [] : [issue('code', 'REQUIRED')]);
          try {
            await acceptMemberInvitation(deps, ui.principal, input);
          } catch (error) {
            const known = (error instanceof ConflictError && CODE_PROBLEMS.has(error.code)) || (error instanceof NotFoundError);
            if (!known) throw error;
            const problem = { path: 'code', code: (error as ConflictError).code, message: errorMessage(ui, error as ConflictError) };
            return render(c, <AcceptPage ui={ui} form={formState(ui, values, [problem], ['code'])} />, error instanceof NotFoundError ? 404 : 409);
          }
          flash(c, 'flash.invitationAccepted');
          return c.redirect('/org', 303);
        },
        async (issues) => render(c, <AcceptPage ui={ui} form={formState(ui, values, issues, ['code'])} />, 400),
      );
    }),
  );
}
