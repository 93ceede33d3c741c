import { AttachmentsSection } from '../components/attachments.js';
import { attachmentsFor } from './attachments.js';
import type { Context, Hono } from 'hono';
import type { Person } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import {
  CreateBidSchema, getOrganisationOrThrow, getVisibleBid, listBidsForRequest, listMyBids, readRequest, submitBid, updateBid, UpdateBidSchema, withdrawBid,
} from '@sharedtech/services';
import { ActionButton, ErrorSummary, Fieldset, FormSubmit, LiveTotal, MoneyInput, TextArea, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Badge, Empty, Facts, PageHeader, Pager, Section, TableScroll, Time } from '../components/ui.js';
import { flash, formOf, pageKit, render, type FormValues, type SignedInUi, type Ui, pathParam } from '../context.js';
import { fenToYuanInput } from '../format.js';
import { emptyForm, formReader, formState, handleForm, parseInput, type FormState } from '../forms.js';
import { bidStatusLabel } from '../labels.js';
import { budgetText, type RequestView } from '../components/requests.js';
import { BidView, MilestonePlan, teamText } from '../components/bids.js';
import { RosterPicker, pickedPersonIds, teamPersonField, teamRoster } from '../components/people.js';

const MAX_MILESTONES = 20;
const milestoneField = (index: number | string, part: 'title' | 'amount' | 'dueInDays') => `milestones.${index}.${part}`;

/** Indexes of milestone rows with anything typed in them. */
const filledRows = (values: FormValues) =>
  Array.from({ length: MAX_MILESTONES }, (_, index) => index).filter((index) =>
    (['title', 'amount', 'dueInDays'] as const).some((part) => values[milestoneField(index, part)]?.trim()),
  );

/**
 * The bid as the API takes it. Trailing blank milestone rows are ignored; a
 * blank row in the middle stays, so the messages keep pointing at the row typed.
 * The team is the roster people ticked; `keepOldTeam` (editing a bid whose
 * older team is free text) leaves the team out when no one is ticked, so it stays.
 */
function bidContentOf(values: FormValues, keepOldTeam = false) {
  const read = formReader(values);
  const picked = pickedPersonIds(values);
  const last = Math.max(-1, ...filledRows(values));
  const milestones = Array.from({ length: last + 1 }, (_, index) => ({
    title: read.text(milestoneField(index, 'title')),
    amount: read.money(milestoneField(index, 'amount')),
    dueInDays: read.int(milestoneField(index, 'dueInDays')),
  }));
  const content = {
    price: read.money('price'),
    durationDays: read.int('durationDays'),
    approach: read.text('approach'),
    milestones,
    ...(keepOldTeam && picked.length === 0 ? {} : { team: { personIds: picked } }),
  };
  return { content, issues: read.issues };
}

/** A bid of before rosters: its team is names typed freely, with no roster people. */
const freeTextTeam = (bid: BidView) => !bid.team.people;

const valuesOfBid = (bid: BidView): FormValues => ({
  price: fenToYuanInput(bid.price.amount),
  durationDays: String(bid.durationDays),
  approach: bid.approach,
  ...Object.fromEntries((bid.team.people ?? []).map((person) => [teamPersonField(person.personId), 'on'])),
  ...Object.fromEntries(
    bid.milestones.flatMap((milestone, index) => [
      [milestoneField(index, 'title'), milestone.title],
      [milestoneField(index, 'amount'), fenToYuanInput(milestone.amount.amount)],
      [milestoneField(index, 'dueInDays'), String(milestone.dueInDays)],
    ]),
  ),
});

const fieldsOf = (values: FormValues) => {
  const rows = Math.max(3, Math.min(MAX_MILESTONES, Math.max(-1, ...filledRows(values)) + 2));
  const milestoneFields = Array.from({ length: rows }, (_, index) => (['title', 'amount', 'dueInDays'] as const).map((part) => milestoneField(index, part))).flat();
  return { rows, fields: ['price', 'durationDays', 'approach', 'milestones', ...milestoneFields, 'team', 'team.personIds'] };
};

const MILESTONE_LABELS = { title: 'bid.milestone.title', amount: 'bid.milestone.amount', dueInDays: 'bid.milestone.due' } as const;
const milestoneLabel = (ui: Ui, number: number | string, part: keyof typeof MILESTONE_LABELS) => ui.t(MILESTONE_LABELS[part], { n: number });

/** Labels of the bid form's fields, for the error summary. */
function bidLabels(ui: Ui, rows: number): Record<string, string> {
  const t = ui.t;
  return {
    price: t('bid.field.price'),
    durationDays: t('bid.field.duration'),
    approach: t('bid.field.approach'),
    milestones: t('bid.field.milestones'),
    team: t('bid.field.team'),
    'team.personIds': t('bid.team.roster'),
    ...Object.fromEntries(
      Array.from({ length: rows }, (_, index) => (['title', 'amount', 'dueInDays'] as const).map((part) => [milestoneField(index, part), milestoneLabel(ui, index + 1, part)])).flat(),
    ),
  };
}

function MilestoneRow({ ui, form, index, number }: { ui: Ui; form: FormState; index: number | string; number: number | string }) {
  return (
    <div class="milestone-row" data-row>
      <TextInput ui={ui} form={form} name={milestoneField(index, 'title')} label={milestoneLabel(ui, number, 'title')} maxlength={120} />
      <MoneyInput ui={ui} form={form} name={milestoneField(index, 'amount')} label={milestoneLabel(ui, number, 'amount')} data={{ part: '' }} />
      <TextInput ui={ui} form={form} name={milestoneField(index, 'dueInDays')} type="number" inputmode="numeric" min="1" label={milestoneLabel(ui, number, 'dueInDays')} />
    </div>
  );
}

function BidForm({ ui, request, form, action, title, roster, oldNames }: { ui: SignedInUi; request: RequestView; form: FormState; action: string; title: string; roster: Person[]; oldNames?: string[] }) {
  const t = ui.t;
  const { rows } = fieldsOf(form.values);
  return (
    <Layout ui={ui} title={title}>
      <PageHeader title={title} lead={t('bid.form.lead', { title: request.title, budget: budgetText(ui, request.budget) })} back={{ href: `/requests/${request.id}`, label: request.title }} />
      <form method="post" action={action} class="stack card" novalidate>
        <ErrorSummary ui={ui} form={form} labels={bidLabels(ui, rows)} />
        <div class="row two">
          <MoneyInput ui={ui} form={form} name="price" required label={t('bid.field.price')} hint={t('form.yuanHint')} />
          <TextInput ui={ui} form={form} name="durationDays" type="number" inputmode="numeric" min="1" required label={t('bid.field.duration')} hint={t('bid.field.durationHint')} />
        </div>
        <TextArea ui={ui} form={form} name="approach" required rows={6} label={t('bid.field.approach')} hint={t('bid.field.approachHint')} maxlength={5000} />
        <Fieldset ui={ui} form={form} name="milestones" legend={t('bid.field.milestones')} hint={t('bid.field.milestonesHint')}>
          <div data-total data-target-input="f-price" data-unit="money">
            <div id="milestone-rows">
              {Array.from({ length: rows }, (_, index) => (
                <MilestoneRow ui={ui} form={form} index={index} number={index + 1} />
              ))}
            </div>
            <template id="milestone-template">
              <MilestoneRow ui={ui} form={emptyForm()} index="__N__" number="__NUMBER__" />
            </template>
            <p>
              <button type="button" class="button secondary" data-add-row="milestone-rows" data-template="milestone-template" hidden>
                {t('bid.milestone.add')}
              </button>
            </p>
            <LiveTotal messages={{ ok: t('bid.total.ok'), off: t('bid.total.off'), invalid: t('bid.total.invalid') }} />
          </div>
        </Fieldset>
        <Fieldset ui={ui} form={form} name="team" legend={t('bid.field.team')} hint={t('bid.field.teamHint')}>
          <RosterPicker ui={ui} form={form} roster={roster} oldNames={oldNames} />
        </Fieldset>
        <FormSubmit label={t('bid.form.submit')} variant="primary" />
      </form>
    </Layout>
  );
}

/** Side by side: one column per bid, one row per thing an enterprise weighs. */
async function CompareBids({ ui, deps, request, bids }: { ui: SignedInUi; deps: WebDeps; request: RequestView; bids: BidView[] }) {
  const t = ui.t;
  const studios = await Promise.all(bids.map((bid) => getOrganisationOrThrow(deps, bid.studioOrgId)));
  const isOwner = ui.principal.membership?.orgId === request.ownerOrgId;
  const rows: [string, (bid: BidView, index: number) => unknown][] = [
    [t('common.status'), (bid) => <Badge status={bid.status} label={bidStatusLabel(ui, bid.status)} />],
    [t('bid.field.price'), (bid) => <strong class="amount">{ui.money(bid.price)}</strong>],
    [t('bid.field.duration'), (bid) => t('bid.days', { days: bid.durationDays })],
    [t('bid.field.milestones'), (bid) => <MilestonePlan ui={ui} bid={bid} />],
    [t('bid.field.team'), (bid) => (
      <>
        <p style="margin:0">{teamText(ui, bid.team)}</p>
        <p class="muted" style="margin:0">{[...bid.team.teachers, ...bid.team.students, ...bid.team.mentors].join('、')}</p>
      </>
    )],
    [t('bid.field.approach'), (bid) => <p class="prose">{bid.approach}</p>],
    [t('bid.submittedAt'), (bid) => <Time ui={ui} iso={bid.createdAt} />],
  ];
  return (
    <TableScroll label={t('bid.compare.title')}>
      <table class="compare">
        <thead>
          <tr>
            <th scope="col">{t('bid.compare.studio')}</th>
            {bids.map((bid, index) => (
              <th scope="col" data-bid-id={bid.id}>
                <a href={`/orgs/${bid.studioOrgId}`}>{studios[index]!.name}</a>
                {bid.invitationId ? <> <span class="badge" data-invited>{t('invitation.invitedBadge')}</span></> : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, cell]) => (
            <tr>
              <th scope="row">{label}</th>
              {bids.map((bid, index) => (
                <td>{cell(bid, index) as never}</td>
              ))}
            </tr>
          ))}
          {isOwner && request.status === 'OPEN' ? (
            <tr>
              <th scope="row">{t('bid.compare.choose')}</th>
              {bids.map((bid, index) => (
                <td>
                  {bid.status === 'SUBMITTED' ? (
                    <a class="button primary" href={`/requests/${request.id}/award?bid=${bid.id}`} aria-label={t('bid.compare.awardTo', { studio: studios[index]!.name })}>
                      {t('bid.compare.award')}
                    </a>
                  ) : (
                    '—'
                  )}
                </td>
              ))}
            </tr>
          ) : null}
        </tbody>
      </table>
    </TableScroll>
  );
}

export function bidPages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);

  const newBid = async (c: Context, ui: SignedInUi, requestId: string, form: FormState, status: 200 | 400 = 200) => {
    const request = await readRequest(deps, ui.principal, requestId);
    return render(c, <BidForm ui={ui} request={request} form={form} action={`/requests/${requestId}/bid`} title={ui.t('bid.form.title')} roster={await teamRoster(deps, ui)} />, status);
  };

  web.get(
    '/requests/:id/bid',
    page((c, ui) => newBid(c, ui, pathParam(c), emptyForm())),
  );

  web.post(
    '/requests/:id/bid',
    action(async (c, ui) => {
      const requestId = pathParam(c);
      const values = await formOf(c);
      return handleForm(
        async () => {
          const { content, issues } = bidContentOf(values);
          const bid = await submitBid(deps, ui.principal, requestId, parseInput(CreateBidSchema, content, issues));
          flash(c, 'flash.bidSubmitted');
          return c.redirect(`/bids/${bid.id}`, 303);
        },
        (issues) => newBid(c, ui, requestId, formState(ui, values, issues, fieldsOf(values).fields), 400),
      );
    }),
  );

  web.get(
    '/requests/:id/bids',
    page(async (c, ui) => {
      const t = ui.t;
      const requestId = pathParam(c);
      const request = await readRequest(deps, ui.principal, requestId);
      const bids = await listBidsForRequest(deps, ui.principal, requestId, { limit: 100 });
      return render(
        c,
        <Layout ui={ui} title={t('bid.compare.title')}>
          <PageHeader title={t('bid.compare.title')} lead={t('bid.compare.lead', { title: request.title, count: bids.count, budget: budgetText(ui, request.budget) })} back={{ href: `/requests/${requestId}`, label: request.title }} />
          {bids.sealed ? <p class="notice">{t('bid.compare.sealed', { count: bids.count })}</p> : null}
          {bids.items.length > 0 ? await CompareBids({ ui, deps, request, bids: bids.items }) : <Empty>{t('bid.compare.empty')}</Empty>}
        </Layout>,
      );
    }),
  );

  web.get(
    '/bids',
    page(async (c, ui) => {
      const t = ui.t;
      const mine = await listMyBids(deps, ui.principal, { cursor: c.req.query('cursor') });
      const requests = await Promise.all(mine.items.map((bid) => readRequest(deps, ui.principal, bid.requestId).catch(() => undefined)));
      return render(
        c,
        <Layout ui={ui} title={t('nav.myBids')}>
          <PageHeader title={t('nav.myBids')} lead={t('bid.mine.lead')} />
          {mine.items.length > 0 ? (
            <TableScroll label={t('nav.myBids')}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('bid.request')}</th>
                    <th scope="col" class="num">{t('bid.field.price')}</th>
                    <th scope="col">{t('bid.field.duration')}</th>
                    <th scope="col">{t('common.status')}</th>
                    <th scope="col">{t('bid.submittedAt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {mine.items.map((bid, index) => (
                    <tr data-bid-id={bid.id}>
                      <td>
                        <a href={`/bids/${bid.id}`}>{requests[index]?.title ?? bid.requestId}</a>
                      </td>
                      <td class="num">{ui.money(bid.price)}</td>
                      <td>{t('bid.days', { days: bid.durationDays })}</td>
                      <td>
                        <Badge status={bid.status} label={bidStatusLabel(ui, bid.status)} />
                      </td>
                      <td>
                        <Time ui={ui} iso={bid.createdAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          ) : (
            <Empty>{t('bid.mine.empty')}</Empty>
          )}
          <Pager ui={ui} nextCursor={mine.nextCursor} />
        </Layout>,
      );
    }),
  );

  web.get(
    '/bids/:id',
    page(async (c, ui) => {
      const t = ui.t;
      const bid = await getVisibleBid(deps, ui.principal, pathParam(c));
      const request = await readRequest(deps, ui.principal, bid.requestId);
      const studio = await getOrganisationOrThrow(deps, bid.studioOrgId);
      const isMine = ui.principal.membership?.orgId === bid.studioOrgId;
      const files = await attachmentsFor(deps, ui.principal, `BID:${bid.id}`);
      return render(
        c,
        <Layout ui={ui} title={t('bid.detail.title')}>
          <PageHeader
            title={t('bid.detail.title')}
            lead={
              <>
                <a href={`/requests/${request.id}`}>{request.title}</a> · {studio.name} · <Badge status={bid.status} label={bidStatusLabel(ui, bid.status)} />
              </>
            }
            back={
              isMine
                ? { href: '/bids', label: t('nav.myBids') }
                : ui.principal.membership?.orgId === bid.collegeOrgId
                  ? { href: '/college/bids', label: t('nav.collegeBids') }
                  : { href: `/requests/${request.id}/bids`, label: t('bid.compare.title') }
            }
            actions={
              isMine && bid.status === 'SUBMITTED' ? (
                <>
                  <a class="button secondary" href={`/bids/${bid.id}/edit`}>
                    {t('bid.action.edit')}
                  </a>
                  <ActionButton action={`/bids/${bid.id}/withdraw`} label={t('bid.action.withdraw')} variant="danger" confirm={t('bid.confirm.withdraw')} />
                </>
              ) : undefined
            }
          />
          <Section title={t('bid.detail.terms')}>
            <Facts
              items={[
                [t('bid.field.price'), <strong class="amount">{ui.money(bid.price)}</strong>],
                [t('bid.field.duration'), t('bid.days', { days: bid.durationDays })],
                [t('bid.field.team'), teamText(ui, bid.team)],
                [t('bid.submittedAt'), <Time ui={ui} iso={bid.createdAt} />],
              ]}
            />
            <h3>{t('bid.field.milestones')}</h3>
            <MilestonePlan ui={ui} bid={bid} />
            <h3>{t('bid.field.approach')}</h3>
            <p class="prose">{bid.approach}</p>
          </Section>
          {files ? (
            <AttachmentsSection ui={ui} parent={`BID:${bid.id}`} items={files.items} canUpload={files.canUpload} back={`/bids/${bid.id}`} title={t('attachment.bidTitle')} />
          ) : null}
                    {/* Whoever may read the bid may read its trail (the studio, the request owner, the studio's college, associations). */}
          <p>
            <a href={`/audit?entity=bid:${bid.id}`}>{t('common.auditTrail')}</a>
          </p>
        </Layout>,
      );
    }),
  );

  const editBid = async (c: Context, ui: SignedInUi, bidId: string, form: FormState | undefined, status: 200 | 400 = 200) => {
    const bid = await getVisibleBid(deps, ui.principal, bidId);
    const request = await readRequest(deps, ui.principal, bid.requestId);
    const oldNames = freeTextTeam(bid) ? [...bid.team.teachers, ...bid.team.students, ...bid.team.mentors] : undefined;
    return render(
      c,
      <BidForm ui={ui} request={request} form={form ?? emptyForm(valuesOfBid(bid))} action={`/bids/${bidId}/edit`} title={ui.t('bid.edit.title')} roster={await teamRoster(deps, ui)} oldNames={oldNames} />,
      status,
    );
  };

  web.get(
    '/bids/:id/edit',
    page((c, ui) => editBid(c, ui, pathParam(c), undefined)),
  );

  web.post(
    '/bids/:id/edit',
    action(async (c, ui) => {
      const bidId = pathParam(c);
      const values = await formOf(c);
      return handleForm(
        async () => {
          // Only a form with nobody picked needs the bid read here: a bid of before rosters then keeps its free-text team (updateBid reads it anyway).
          const keepOldTeam = pickedPersonIds(values).length === 0 && freeTextTeam(await getVisibleBid(deps, ui.principal, bidId));
          const { content, issues } = bidContentOf(values, keepOldTeam);
          await updateBid(deps, ui.principal, bidId, parseInput(UpdateBidSchema, content, issues));
          flash(c, 'flash.bidUpdated');
          return c.redirect(`/bids/${bidId}`, 303);
        },
        (issues) => editBid(c, ui, bidId, formState(ui, values, issues, fieldsOf(values).fields), 400),
      );
    }),
  );

  web.post(
    '/bids/:id/withdraw',
    action(async (c, ui) => {
      const bidId = pathParam(c);
      await withdrawBid(deps, ui.principal, bidId);
      flash(c, 'flash.bidWithdrawn');
      return c.redirect(`/bids/${bidId}`, 303);
    }),
  );
}
