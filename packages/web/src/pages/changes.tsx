import type { Context, Hono } from 'hono';
import { SETTLED_MILESTONE_STATUSES, contractParties, type ChangeCommand, type ChangeOperation } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import { decideChangeOrder, getOrganisationOrThrow, listContractChanges, ProposeChangeSchema, proposeChange, readContract } from '@sharedtech/services';
import { ChangeList, MilestoneDue, dueDateValue } from '../components/changes.js';
import { ErrorSummary, Fieldset, FormSubmit, MoneyInput, TextArea, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Badge, PageHeader, Pager, Section } from '../components/ui.js';
import { flash, formOf, pageKit, pathParam, render, type FormValues, type SignedInUi } from '../context.js';
import { fenToYuanInput } from '../format.js';
import { emptyForm, formReader, formState, handleForm, issue, parseInput, type FormState, type WebIssue } from '../forms.js';
import { milestoneStatusLabel } from '../labels.js';

type ContractView = Awaited<ReturnType<typeof readContract>>;

async function orgNames(deps: WebDeps, orgIds: readonly string[]) {
  const orgs = await Promise.all([...new Set(orgIds)].map((orgId) => getOrganisationOrThrow(deps, orgId).catch(() => undefined)));
  const names = new Map(orgs.flatMap((org) => (org ? [[org.id, org.name] as const] : [])));
  return (orgId: string) => names.get(orgId) ?? orgId;
}

const field = (n: number, name: string) => `m.${n}.${name}`;

/** The form's values for a contract as it stands: every field shows the current plan. */
function currentValues(contract: ContractView): FormValues {
  const values: FormValues = { reviewWindowDays: String(contract.reviewWindowDays) };
  for (const milestone of contract.milestones) {
    values[field(milestone.n, 'title')] = milestone.title;
    values[field(milestone.n, 'amount')] = fenToYuanInput(milestone.amount.amount);
    values[field(milestone.n, 'dueDate')] = dueDateValue(milestone.dueAt);
  }
  return values;
}

/**
 * The change order a form describes: each field that differs from the current
 * plan is one operation. Returns the operations with the form field each one
 * came from, so the service's issues (`operations.<i>.…`) land beside it.
 */
function changeInputOf(values: FormValues, contract: ContractView) {
  const read = formReader(values);
  const operations: ChangeOperation[] = [];
  const origins: string[] = [];
  const push = (operation: ChangeOperation, origin: string) => {
    operations.push(operation);
    origins.push(origin);
  };
  for (const milestone of contract.milestones) {
    if (SETTLED_MILESTONE_STATUSES.includes(milestone.status)) continue;
    const pending = milestone.status === 'PENDING';
    if (pending && values[field(milestone.n, 'remove')] === 'on') {
      push({ op: 'remove', n: milestone.n }, field(milestone.n, 'remove'));
      continue;
    }
    const title = read.optional(field(milestone.n, 'title'));
    if (pending && title !== undefined && title !== milestone.title) push({ op: 'retitle', n: milestone.n, title }, field(milestone.n, 'title'));
    const amount = pending ? read.money(field(milestone.n, 'amount'), false) : undefined;
    if (amount && amount.amount !== milestone.amount.amount) push({ op: 'reprice', n: milestone.n, amount }, field(milestone.n, 'amount'));
    const dueDate = read.optional(field(milestone.n, 'dueDate'));
    if (dueDate && dueDate !== dueDateValue(milestone.dueAt)) push({ op: 'moveDue', n: milestone.n, dueDate }, field(milestone.n, 'dueDate'));
  }
  const addTitle = read.optional('add.title');
  const addAmount = read.money('add.amount', Boolean(addTitle));
  const addDays = read.int('add.dueInDays', Boolean(addTitle));
  if (addTitle && addAmount && addDays !== undefined) push({ op: 'add', title: addTitle, amount: addAmount, dueInDays: addDays }, 'add');
  else if (!addTitle && (addAmount || addDays !== undefined)) read.issues.push(issue('add.title', 'REQUIRED'));
  const reviewWindowDays = read.int('reviewWindowDays', false);
  if (reviewWindowDays !== undefined && reviewWindowDays !== contract.reviewWindowDays) push({ op: 'reviewWindow', days: reviewWindowDays }, 'reviewWindowDays');
  if (operations.length === 0 && read.issues.length === 0) read.issues.push(issue('operations', 'NO_CHANGES'));
  // Issues on `operations.<i>.<part>` go to the form field operation i came from.
  const place = (issues: WebIssue[]) =>
    issues.map((item) => {
      const match = /^operations\.(\d+)(?:\.(\w+))?/.exec(item.path);
      const origin = match ? origins[Number(match[1])] : undefined;
      if (!origin) return item;
      if (origin === 'add') return { ...item, path: `add.${match![2] === 'amount' ? 'amount' : match![2] === 'title' ? 'title' : 'dueInDays'}` };
      return { ...item, path: origin };
    });
  return { input: { operations, reason: read.text('reason') }, issues: read.issues, place };
}

const changeFields = (contract: ContractView) => [
  ...contract.milestones.flatMap((milestone) => ['title', 'amount', 'dueDate', 'remove'].map((name) => field(milestone.n, name))),
  'add.title', 'add.amount', 'add.dueInDays', 'reviewWindowDays', 'reason',
];

function ProposeChangePage({ ui, contract, form, now }: { ui: SignedInUi; contract: ContractView; form: FormState; now: Date }) {
  const t = ui.t;
  return (
    <Layout ui={ui} title={t('change.new.title')}>
      <PageHeader title={t('change.new.title')} lead={t('change.new.lead', { title: contract.title })} back={{ href: `/contracts/${contract.id}#changes`, label: contract.title }} />
      <form method="post" action={`/contracts/${contract.id}/changes`} class="stack" novalidate>
        <ErrorSummary ui={ui} form={form} />
        {contract.milestones.map((milestone) => {
          const pending = milestone.status === 'PENDING';
          const settled = SETTLED_MILESTONE_STATUSES.includes(milestone.status);
          return (
            <Fieldset ui={ui} form={form} name={`m.${milestone.n}`} legend={t('milestone.heading', { n: milestone.n, title: milestone.title })} hint={pending ? undefined : t('change.new.heldHint')}>
              <p class="item-meta">
                <Badge status={milestone.status} label={milestoneStatusLabel(ui, milestone.status)} />
                <strong class="amount">{ui.money(milestone.amount)}</strong>
                <MilestoneDue ui={ui} milestone={milestone} now={now} />
              </p>
              {pending ? (
                <div class="grid two" data-milestone-fields={milestone.n}>
                  <TextInput ui={ui} form={form} name={field(milestone.n, 'title')} label={t('change.field.title')} maxlength={200} />
                  <MoneyInput ui={ui} form={form} name={field(milestone.n, 'amount')} label={t('change.field.amount')} />
                </div>
              ) : null}
              {!settled ? <TextInput ui={ui} form={form} type="date" name={field(milestone.n, 'dueDate')} label={t('change.field.dueDate')} hint={t('change.field.dueDateHint')} /> : null}
              {pending ? (
                <label class="check">
                  <input type="checkbox" name={field(milestone.n, 'remove')} checked={form.values[field(milestone.n, 'remove')] === 'on'} /> {t('change.field.remove')}
                </label>
              ) : null}
              {form.errors[field(milestone.n, 'remove')] ? <p class="error">{form.errors[field(milestone.n, 'remove')]}</p> : null}
            </Fieldset>
          );
        })}
        <Fieldset ui={ui} form={form} name="add" legend={t('change.new.add')} hint={t('change.new.addHint')}>
          <div class="grid two">
            <TextInput ui={ui} form={form} name="add.title" label={t('change.field.title')} maxlength={200} />
            <MoneyInput ui={ui} form={form} name="add.amount" label={t('change.field.amount')} />
            <TextInput ui={ui} form={form} name="add.dueInDays" type="number" min="0" label={t('change.field.dueInDays')} hint={t('change.field.dueInDaysHint')} />
          </div>
        </Fieldset>
        <TextInput ui={ui} form={form} name="reviewWindowDays" type="number" min="1" max="90" label={t('award.reviewWindow')} hint={t('change.field.reviewWindowHint')} />
        <TextArea ui={ui} form={form} name="reason" required rows={3} label={t('change.field.reason')} maxlength={2000} />
        <p class="muted">{t('change.new.approvalNote')}</p>
        <FormSubmit label={t('change.propose')} variant="primary" />
      </form>
    </Layout>
  );
}

const DECISIONS = ['approve', 'reject', 'withdraw'] as const;
const DECISION_FLASH = { approve: 'flash.changeApproved', reject: 'flash.changeRejected', withdraw: 'flash.changeWithdrawn' } as const;

export function changePages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);
  const proposePage = async (c: Context, ui: SignedInUi, id: string, form?: FormState, status: 200 | 400 = 200) => {
    const contract = await readContract(deps, ui.principal, id);
    return render(c, <ProposeChangePage ui={ui} contract={contract} form={form ?? emptyForm(currentValues(contract))} now={deps.clock()} />, status);
  };

  web.get(
    '/contracts/:id/changes',
    page(async (c, ui) => {
      const t = ui.t;
      const id = pathParam(c);
      const contract = await readContract(deps, ui.principal, id);
      const changes = await listContractChanges(deps, ui.principal, id, { cursor: c.req.query('cursor'), limit: 20 });
      const orgName = await orgNames(deps, [...contractParties(contract), ...changes.items.flatMap((change) => change.approvals.map((a) => a.orgId))]);
      return render(
        c,
        <Layout ui={ui} title={t('change.title')}>
          <PageHeader title={t('change.title')} lead={contract.title} back={{ href: `/contracts/${id}`, label: contract.title }} />
          <Section title={t('change.history')} id="changes">
            <ChangeList ui={ui} contractId={id} changes={changes.items} orgName={orgName} />
            <Pager ui={ui} nextCursor={changes.nextCursor} />
          </Section>
        </Layout>,
      );
    }),
  );

  web.get(
    '/contracts/:id/changes/new',
    page((c, ui) => proposePage(c, ui, pathParam(c))),
  );

  web.post(
    '/contracts/:id/changes',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      const contract = await readContract(deps, ui.principal, id);
      const { input, issues, place } = changeInputOf(values, contract);
      return handleForm(
        async () => {
          await proposeChange(deps, ui.principal, id, parseInput(ProposeChangeSchema, input, issues));
          flash(c, 'flash.changeProposed');
          return c.redirect(`/contracts/${id}#changes`, 303);
        },
        (found) => proposePage(c, ui, id, formState(ui, values, place(found), changeFields(contract)), 400),
      );
    }),
  );

  web.post(
    '/contracts/:id/changes/:changeId/:decision',
    action(async (c, ui) => {
      const id = pathParam(c);
      const changeId = pathParam(c, 'changeId');
      const decision = DECISIONS.find((value) => value === c.req.param('decision'));
      if (!decision) return c.notFound();
      const command: ChangeCommand = { action: decision };
      const result = await decideChangeOrder(deps, ui.principal, id, changeId, command);
      flash(c, result.status === 'APPLIED' ? 'flash.changeApplied' : DECISION_FLASH[decision]);
      return c.redirect(`/contracts/${id}#changes`, 303);
    }),
  );
}
