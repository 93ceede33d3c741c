import type { Context, Hono } from 'hono';
import { ConflictError, MEMBER_ROLES, requireOwnerOf } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import { addMember, AddMemberSchema, listMembers } from '@sharedtech/services';
import { ErrorSummary, FormSubmit, Select, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { PageHeader, Pager, Section } from '../components/ui.js';
import { flash, formOf, pageKit, render, type FormValues, type SignedInUi } from '../context.js';
import { emptyForm, formState, handleForm, issue, parseInput, type FormState, type WebIssue } from '../forms.js';
import { errorMessage } from '../labels.js';
import { MembersTable } from '../components/organisations.js';

const FIELDS = ['sub', 'role', 'displayName'] as const;

const isOwner = (ui: SignedInUi) => ui.principal.membership?.role === 'OWNER';

/** Owners add a user by the identity they sign in with; the user then acts as this organisation. */
function AddMemberForm({ ui, form }: { ui: SignedInUi; form: FormState }) {
  const t = ui.t;
  const label: Record<(typeof FIELDS)[number], string> = {
    sub: t('org.member.sub'),
    role: t('org.member.role'),
    displayName: t('members.field.displayName'),
  };
  return (
    <form method="post" action="/org/members" class="stack" novalidate>
      <ErrorSummary ui={ui} form={form} labels={label} />
      <TextInput ui={ui} form={form} name="sub" required label={label.sub} hint={t('members.field.subHint')} maxlength={128} autocomplete="off" />
      <div class="row two">
        <Select
          ui={ui}
          form={form}
          name="role"
          required
          label={label.role}
          hint={t('members.field.roleHint')}
          options={MEMBER_ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))}
        />
        <TextInput ui={ui} form={form} name="displayName" label={label.displayName} hint={t('members.field.displayNameHint')} maxlength={60} autocomplete="off" />
      </div>
      <FormSubmit label={t('members.add.submit')} variant="primary" />
    </form>
  );
}

async function MembersPage({ ui, deps, cursor, form }: { ui: SignedInUi; deps: WebDeps; cursor?: string; form: FormState }) {
  const t = ui.t;
  const org = ui.principal.org!;
  const members = await listMembers(deps, ui.principal, org.id, { cursor, limit: 50 });
  return (
    <Layout ui={ui} title={t('members.title')}>
      <PageHeader title={t('members.title')} lead={t('members.lead', { org: org.name })} back={{ href: '/org', label: org.name }} />
      <Section title={t('org.mine.members')}>
        <MembersTable ui={ui} members={members.items} />
        <Pager ui={ui} nextCursor={members.nextCursor} />
      </Section>
      {isOwner(ui) ? (
        <Section title={t('members.add.title')} id="add-member">
          <p class="muted">{t('members.add.lead')}</p>
          <AddMemberForm ui={ui} form={form} />
        </Section>
      ) : (
        <p class="notice" data-owners-only>
          {t('members.ownersOnly')}
        </p>
      )}
    </Layout>
  );
}

/** The identity is required: say "fill this in" rather than "use at least 1 character". */
const conversionIssues = (values: FormValues): WebIssue[] => (values.sub?.trim() ? [] : [issue('sub', 'REQUIRED')]);

export function memberPages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);
  const show = async (c: Context, ui: SignedInUi, form: FormState, status: 200 | 400 | 409 = 200) =>
    render(c, await MembersPage({ ui, deps, cursor: c.req.query('cursor'), form }), status);

  web.get(
    '/org/members',
    page(async (c, ui) => {
      if (!ui.principal.org) return c.redirect('/org/new', 303);
      return show(c, ui, emptyForm({ role: 'MEMBER' }));
    }),
  );

  web.post(
    '/org/members',
    action(async (c, ui) => {
      const org = ui.principal.org;
      if (!org) return c.redirect('/org/new', 303);
      // A member who is not an owner has no form to correct: refuse before reading it (the service checks again).
      requireOwnerOf(ui.principal, org.id);
      const values = await formOf(c);
      return handleForm(
        async () => {
          const input = parseInput(
            AddMemberSchema,
            { sub: values.sub ?? '', role: values.role || undefined, displayName: values.displayName?.trim() || undefined },
            conversionIssues(values),
          );
          try {
            await addMember(deps, ui.principal, org.id, input);
          } catch (error) {
            // One organisation per identity: said beside the identity field, with the 409 it is.
            if (!(error instanceof ConflictError && error.code === 'ALREADY_MEMBER')) throw error;
            const taken: WebIssue = { path: 'sub', code: error.code, message: errorMessage(ui, error) };
            return show(c, ui, formState(ui, values, [taken], FIELDS), 409);
          }
          flash(c, 'flash.memberAdded');
          return c.redirect('/org/members', 303);
        },
        async (issues) => show(c, ui, formState(ui, values, issues, FIELDS), 400),
      );
    }),
  );
}
