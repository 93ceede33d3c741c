import type { Child } from 'hono/jsx';
import { MessageFilesSection, MilestoneFilesSection } from '../components/attachments.js';
import type { Context, Hono } from 'hono';
import {
  IP_OWNERSHIP, NotFoundError, affiliatedCollegeOf, STATEMENT_KINDS, TECH_CONTRACT_TYPES, contractParties, isAssociation, parseAccount, type JournalEntry, type Organisation, type ShareStatement,
  fundingShares, partFunders,
} from '@sharedtech/core';
import { forOnePage, readPool, type PoolView } from '@sharedtech/services';
import type { WebDeps } from '../deps.js';
import {
  AcceptMilestoneSchema, actOnMilestone, mentorCandidates, awardRequest, AwardSchema, DisputeMilestoneSchema, getOrganisationOrThrow, getVisibleBid, listOrganisations, listStatements, type PartyCommand, postContractMessage, PostMessageSchema, readContract, readContractLedger, readContractMessages, readOrganisationAccounts, readRequest, reportShareStatement, RequiredReasonSchema, RevisionSchema, signContract, StatementInputSchema, SubmitMilestoneSchema, terminateContract, listContractChanges, listContractAttachments,
} from '@sharedtech/services';
import {
  ActionButton, ErrorSummary, Fieldset, FormSubmit, IdempotencyField, LiveTotal, MoneyInput, PercentInput, Select, TextArea, TextInput, newIdempotencyKey,
} from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Badge, Empty, Facts, PageHeader, Pager, Section, TableScroll, Time } from '../components/ui.js';
import { flash, formOf, pageKit, pathParam, render, type FormValues, type SignedInUi, type Ui } from '../context.js';
import { bpsToPercent } from '../format.js';
import { ContractPoolSection, MilestonePartsStatus } from '../components/pools.js';
import { emptyForm, formIdempotency, formReader, formState, handleForm, issue, parseInput, type FormState, type WebIssue } from '../forms.js';
import { contractStatusLabel, ipLabel, milestoneStatusLabel, orgTypeLabel } from '../labels.js';
import { MilestonePlan } from '../components/bids.js';
import { budgetText } from '../components/requests.js';
import { MessagesSection } from '../components/messages.js';
import { ChangesSection, MilestoneDue } from '../components/changes.js';
import { ContractReviews } from '../components/reviews.js';

type ContractView = Awaited<ReturnType<typeof readContract>>;
type MilestoneRow = ContractView['milestones'][number];
const SHARE_TABLES = ['benefitShares', 'riskShares'] as const;
type ShareTable = (typeof SHARE_TABLES)[number];

/** Names of the organisations a contract or ledger mentions, read once per page. */
export async function namesOf(deps: WebDeps, orgIds: readonly string[]): Promise<Map<string, Organisation>> {
  const unique = [...new Set(orgIds)];
  const orgs = await Promise.all(unique.map((orgId) => getOrganisationOrThrow(deps, orgId).catch(() => undefined)));
  return new Map(orgs.filter((org): org is Organisation => Boolean(org)).map((org) => [org.id, org]));
}

export const orgName = (orgs: Map<string, Organisation>, orgId: string) => orgs.get(orgId)?.name ?? orgId;

/** `external:org_…` as "精工… · 付款账户" and so on. */
function accountLabel(ui: Ui, orgs: Map<string, Organisation>, account: string, contractTitle?: string) {
  const { kind, owner } = parseAccount(account);
  const who = kind === 'escrow' ? (contractTitle ?? owner) : orgName(orgs, owner);
  return ui.t(`ledger.account.${kind}`, { who });
}

// ── Award ───────────────────────────────────────────────────────────────────

interface AwardContext {
  request: Awaited<ReturnType<typeof readRequest>>;
  bid: Awaited<ReturnType<typeof getVisibleBid>>;
  /** The organisations that will be parties and share benefit and risk: enterprise, studio, its college. */
  parties: Organisation[];
  governments: Organisation[];
  /** Engineers of the enterprise's roster and its co-funders', one of whom may be named the enterprise mentor. */
  engineers: { id: string; name: string; title?: string }[];
  /** The request's pool (共性技术需求), if other enterprises joined it. */
  pool?: PoolView;
}

const shareField = (table: ShareTable, orgId: string) => `shares.${table}.${orgId}`;

async function awardContext(deps: WebDeps, ui: SignedInUi, requestId: string, bidId: string): Promise<AwardContext> {
  const request = await readRequest(deps, ui.principal, requestId);
  const bid = await getVisibleBid(deps, ui.principal, bidId);
  const studio = await getOrganisationOrThrow(deps, bid.studioOrgId);
  const college = affiliatedCollegeOf(studio);
  const partyIds = [request.ownerOrgId, studio.id, ...(college ? [college] : [])];
  const [orgs, governments, engineers, pool] = await Promise.all([
    namesOf(deps, partyIds),
    listOrganisations(deps, ui.principal, { status: 'VERIFIED', type: 'GOVERNMENT' }, { limit: 100 }).then((page) => page.items),
    mentorCandidates(deps, ui.principal, request),
    readPool(deps, ui.principal, requestId),
  ]);
  return {
    request, bid, parties: partyIds.map((id) => orgs.get(id)).filter((org): org is Organisation => Boolean(org)), governments, engineers, ...(pool.memberCount > 0 ? { pool } : {}),
  };
}

/** The share agreement as the API takes it: percentages → basis points, blank rows left out. */
function awardInputOf(values: FormValues, context: AwardContext) {
  const read = formReader(values);
  const rows: Record<ShareTable, string[]> = { benefitShares: [], riskShares: [] };
  const table = (name: ShareTable) =>
    context.parties
      .filter((party) => read.has(shareField(name, party.id)))
      .map((party) => {
        rows[name].push(party.id);
        return { orgId: party.id, bps: read.bps(shareField(name, party.id)) };
      });
  const subsidyOrg = read.optional('shares.subsidy.orgId');
  const subsidyBps = read.bps('shares.subsidy.bps', Boolean(subsidyOrg));
  if (!subsidyOrg && subsidyBps !== undefined) read.issues.push(issue('shares.subsidy.orgId', 'REQUIRED'));
  const input = {
    bidId: context.bid.id,
    shares: {
      benefitShares: table('benefitShares'),
      riskShares: table('riskShares'),
      ipOwnership: read.optional('shares.ipOwnership'),
      ...(subsidyOrg ? { subsidy: { orgId: subsidyOrg, bps: subsidyBps } } : {}),
      ...(read.has('shares.termYears') ? { termYears: read.int('shares.termYears') } : {}),
    },
    reviewWindowDays: read.int('reviewWindowDays', false),
    ...registrationInputOf(read),
    mentorPersonId: read.optional('mentorPersonId'),
  };
  // The service names share rows by position; the form names them by party.
  const place = (issues: WebIssue[]) =>
    issues.map((item) => {
      const match = /^shares\.(benefitShares|riskShares)\.(\d+)\.(bps|orgId)$/.exec(item.path);
      const orgId = match && rows[match[1] as ShareTable][Number(match[2])];
      return orgId ? { ...item, path: shareField(match[1] as ShareTable, orgId) } : item;
    });
  return { input, issues: read.issues, place };
}

const awardFields = (context: AwardContext) => [
  ...SHARE_TABLES.flatMap((table) => [`shares.${table}`, ...context.parties.map((party) => shareField(table, party.id))]),
  'shares.ipOwnership', 'shares.subsidy.orgId', 'shares.subsidy.bps', 'reviewWindowDays', 'bidId', 'mentorPersonId',
  'registration.contractType', 'registration.technologyAmount', 'shares.termYears',
];

/** 技术合同认定登记 at award: the type and technology transaction amount (both or neither), and the reporting term. */
function registrationInputOf(read: ReturnType<typeof formReader>) {
  const contractType = read.optional('registration.contractType');
  const technologyAmount = read.money('registration.technologyAmount', Boolean(contractType));
  if (!contractType && technologyAmount) read.issues.push(issue('registration.contractType', 'REQUIRED'));
  return contractType ? { registration: { contractType, technologyAmount } } : {};
}

function RegistrationFields({ ui, form }: { ui: Ui; form: FormState }) {
  const t = ui.t;
  return (
    <Fieldset ui={ui} form={form} name="registration" legend={t('registration.award.legend')} hint={t('registration.award.hint')}>
      <div class="row two">
        <Select
          ui={ui}
          form={form}
          name="registration.contractType"
          label={t('registration.contractType')}
          blank={t('registration.award.none')}
          options={TECH_CONTRACT_TYPES.map((value) => ({ value, label: t(`registration.type.${value}`) }))}
        />
        <MoneyInput ui={ui} form={form} name="registration.technologyAmount" label={t('registration.technologyAmount')} hint={t('registration.award.amountHint')} />
      </div>
      <TextInput ui={ui} form={form} name="shares.termYears" type="number" inputmode="numeric" min="1" max="20" label={t('registration.award.termYears')} hint={t('registration.award.termYearsHint')} />
    </Fieldset>
  );
}

function ShareTableFields({ ui, form, table, parties }: { ui: Ui; form: FormState; table: ShareTable; parties: Organisation[] }) {
  const t = ui.t;
  return (
    <Fieldset ui={ui} form={form} name={`shares.${table}`} legend={t(`award.${table}`)} hint={t(`award.${table}Hint`)}>
      <div data-total data-target="10000" data-unit="percent">
        {parties.map((party) => (
          <div class="share-row">
            <PercentInput
              ui={ui}
              form={form}
              name={shareField(table, party.id)}
              label={t('award.shareOf', { name: party.name, type: orgTypeLabel(ui, party.type) })}
              data={{ part: '' }}
            />
          </div>
        ))}
        <LiveTotal messages={{ ok: t('award.total.ok'), off: t('award.total.off'), invalid: t('award.total.invalid') }} />
      </div>
    </Fieldset>
  );
}

function AwardPage({ ui, context, form }: { ui: SignedInUi; context: AwardContext; form: FormState }) {
  const t = ui.t;
  const { request, bid, parties, governments } = context;
  const studio = parties.find((party) => party.id === bid.studioOrgId);
  return (
    <Layout ui={ui} title={t('award.title')}>
      <PageHeader
        title={t('award.title')}
        lead={t('award.lead', { title: request.title, studio: studio?.name ?? bid.studioOrgId, price: ui.money(bid.price) })}
        back={{ href: `/requests/${request.id}/bids`, label: t('bid.compare.title') }}
      />
      <Section title={t('award.bid')}>
        <Facts
          items={[
            [t('bid.field.price'), <strong class="amount">{ui.money(bid.price)}</strong>],
            [t('bid.field.duration'), t('bid.days', { days: bid.durationDays })],
            [t('request.field.budget'), budgetText(ui, request.budget)],
          ]}
        />
        <MilestonePlan ui={ui} bid={bid} />
      </Section>
      <form method="post" action={`/requests/${request.id}/award`} class="stack card" novalidate>
        <ErrorSummary ui={ui} form={form} />
        <input type="hidden" name="bidId" value={bid.id} />
        <p class="notice">{t('award.explain')}</p>
        {context.pool ? (
          <p class="notice" data-award-pool>
            {t('award.pooled', {
              owner: bpsToPercent(context.pool.ownerBps),
              members: context.pool.members.map((member) => `${member.orgName ?? member.orgId} ${bpsToPercent(member.bps)}%`).join('、'),
            })}
          </p>
        ) : null}
        {SHARE_TABLES.map((table) => (
          <ShareTableFields ui={ui} form={form} table={table} parties={parties} />
        ))}
        <Select
          ui={ui}
          form={form}
          name="shares.ipOwnership"
          required
          label={t('award.ip')}
          blank={t('form.choose')}
          options={IP_OWNERSHIP.map((value) => ({ value, label: ipLabel(ui, value) }))}
        />
        <Fieldset ui={ui} form={form} name="shares.subsidy" legend={t('award.subsidy')} hint={t('award.subsidyHint')}>
          <div class="row two">
            <Select
              ui={ui}
              form={form}
              name="shares.subsidy.orgId"
              label={t('award.subsidyOrg')}
              blank={t('award.noSubsidy')}
              options={governments.map((government) => ({ value: government.id, label: government.name }))}
            />
            <PercentInput ui={ui} form={form} name="shares.subsidy.bps" label={t('award.subsidyBps')} />
          </div>
        </Fieldset>
        <TextInput ui={ui} form={form} name="reviewWindowDays" type="number" inputmode="numeric" min="1" max="90" label={t('award.reviewWindow')} hint={t('award.reviewWindowHint')} />
        <RegistrationFields ui={ui} form={form} />
        {context.engineers.length > 0 ? (
          <Select
            ui={ui}
            form={form}
            name="mentorPersonId"
            label={t('award.mentor')}
            hint={t('award.mentorHint')}
            blank={t('award.noMentor')}
            options={context.engineers.map((person) => ({ value: person.id, label: [person.name, person.title].filter(Boolean).join(' · ') }))}
          />
        ) : null}
        <FormSubmit label={t('award.submit')} variant="primary" />
      </form>
    </Layout>
  );
}

// ── Contract ────────────────────────────────────────────────────────────────

/** Forms of the contract page that can come back with messages, keyed by `<n>-<action>`. */
type MilestoneForms = Record<string, FormState>;

function MilestoneActions({ ui, contract, milestone, forms }: { ui: SignedInUi; contract: ContractView; milestone: MilestoneRow; forms: MilestoneForms }) {
  const t = ui.t;
  const orgId = ui.principal.membership?.orgId;
  const base = `/contracts/${contract.id}/milestones/${milestone.n}`;
  const isEnterprise = orgId === contract.enterpriseOrgId;
  const isStudio = orgId === contract.studioOrgId;
  const active = contract.status === 'ACTIVE';
  const formOfAction = (action: string) => forms[`${milestone.n}-${action}`] ?? emptyForm();
  const scope = (action: string) => `m${milestone.n}-${action}`;
  const canDispute = active && (isEnterprise || isStudio) && (milestone.status === 'FUNDED' || milestone.status === 'SUBMITTED');
  // A pooled contract: each funder funds its own part (its share of the milestone, as the FUND entry will post it:
  // after a programme's grant, allocated cumulatively over what the other milestones were funded with).
  const fundedBefore = contract.milestones.filter((other) => other.n !== milestone.n).flatMap((other) => other.funding ?? []);
  const myPart = contract.pool ? fundingShares(contract, milestone.amount, milestone.n, fundedBefore).find((share) => share.orgId === orgId && partFunders(contract).includes(share.orgId))?.amount : undefined;
  return (
    <div class="stack milestone-actions">
      {isEnterprise && active && milestone.status === 'PENDING' && !contract.pool ? (
        <ActionButton action={`${base}/fund`} label={t('milestone.fund', { amount: ui.money(milestone.amount) })} variant="primary" hidden={{ idempotencyKey: newIdempotencyKey(), expectedAmount: String(milestone.amount.amount) }} />
      ) : null}
      {active && milestone.status === 'PENDING' && myPart !== undefined && !milestone.fundedParts?.some((part) => part.orgId === orgId) ? (
        <ActionButton action={`${base}/fund`} label={t('milestone.fundPart', { amount: ui.money({ amount: myPart, currency: milestone.amount.currency }) })} variant="primary" hidden={{ idempotencyKey: newIdempotencyKey(), expectedAmount: String(milestone.amount.amount) }} />
      ) : null}
      {isStudio && active && milestone.status === 'FUNDED' ? (
        <form method="post" action={`${base}/submit`} class="stack" novalidate>
          <ErrorSummary ui={ui} form={formOfAction('submit')} scope={scope('submit')} />
          <IdempotencyField />
          <TextArea ui={ui} form={formOfAction('submit')} scope={scope('submit')} name="note" required rows={3} label={t('milestone.note')} hint={t('milestone.noteHint')} maxlength={2000} />
          <TextInput ui={ui} form={formOfAction('submit')} scope={scope('submit')} name="link" type="url" label={t('milestone.link')} hint={t('milestone.linkHint')} />
          <FormSubmit label={t('milestone.submit')} variant="primary" />
        </form>
      ) : null}
      {isEnterprise && active && milestone.status === 'SUBMITTED' ? (
        <div class="form-actions">
          <ActionButton action={`${base}/accept`} label={t('milestone.accept', { amount: ui.money(milestone.amount) })} variant="primary" hidden={{ idempotencyKey: newIdempotencyKey() }} />
        </div>
      ) : null}
      {isEnterprise && active && milestone.status === 'SUBMITTED' ? (
        <details>
          <summary>{t('milestone.revision')}</summary>
          <form method="post" action={`${base}/revision`} class="stack" novalidate>
            <IdempotencyField />
            <TextArea ui={ui} form={formOfAction('revision')} scope={scope('revision')} name="reason" rows={2} label={t('milestone.revisionReason')} maxlength={2000} />
            <FormSubmit label={t('milestone.revision')} variant="secondary" />
          </form>
        </details>
      ) : null}
      {canDispute ? (
        <details open={Boolean(forms[`${milestone.n}-dispute`])}>
          <summary>{t('milestone.dispute')}</summary>
          <form method="post" action={`${base}/dispute`} class="stack" novalidate>
            <ErrorSummary ui={ui} form={formOfAction('dispute')} scope={scope('dispute')} />
            <IdempotencyField />
            <TextArea ui={ui} form={formOfAction('dispute')} scope={scope('dispute')} name="reason" required rows={2} label={t('milestone.disputeReason')} hint={t('milestone.disputeHint')} maxlength={2000} />
            <FormSubmit label={t('milestone.dispute')} variant="danger" />
          </form>
        </details>
      ) : null}
    </div>
  );
}

function MilestoneItem({ ui, contract, milestone, orgs, forms, now }: { ui: SignedInUi; contract: ContractView; milestone: MilestoneRow; orgs: Map<string, Organisation>; forms: MilestoneForms; now: Date }) {
  const t = ui.t;
  return (
    <li class="item milestone" id={`milestone-${milestone.n}`} data-n={milestone.n} data-status={milestone.status}>
      <div class="card-title">
        <h3>{t('milestone.heading', { n: milestone.n, title: milestone.title })}</h3>
        <Badge status={milestone.status} label={milestoneStatusLabel(ui, milestone.status)} />
      </div>
      <p class="item-meta">
        <strong class="amount">{ui.money(milestone.amount)}</strong>
        <MilestoneDue ui={ui} milestone={milestone} now={now} />
        {milestone.fundedAt ? (
          <span>
            {t('milestone.fundedAt')} <Time ui={ui} iso={milestone.fundedAt} />
          </span>
        ) : null}
        {milestone.settledAt ? (
          <span>
            {t('milestone.settledAt')} <Time ui={ui} iso={milestone.settledAt} />
          </span>
        ) : null}
        {/* A milestone's steps are recorded on its contract's trail. */}
        <a href={`/audit?entity=contract:${contract.id}`} data-milestone-audit={milestone.n}>
          {t('common.auditTrail')}
        </a>
      </p>
      {milestone.funding && milestone.funding.length > 0 ? (
        <p class="muted">
          {t('milestone.funding')}{' '}
          {milestone.funding.map((part) => `${orgName(orgs, part.orgId)} ${ui.money({ amount: part.amount, currency: milestone.amount.currency })}`).join('；')}
        </p>
      ) : null}
      <MilestonePartsStatus ui={ui} pool={contract.pool} milestone={milestone} name={(party) => orgName(orgs, party)} />
      {milestone.submission ? (
        <div class="notice">
          <strong>{t('milestone.submission')}</strong> <Time ui={ui} iso={milestone.submission.at} />
          <p class="prose" style="margin:0">{milestone.submission.note}</p>
          {milestone.submission.link ? (
            <a href={milestone.submission.link} rel="noopener noreferrer">
              {milestone.submission.link}
            </a>
          ) : null}
        </div>
      ) : null}
      {milestone.disputeId ? (
        <p>
          <a href={`/disputes/${milestone.disputeId}`}>{t('milestone.viewDispute')}</a>
        </p>
      ) : null}
      <MilestoneActions ui={ui} contract={contract} milestone={milestone} forms={forms} />
    </li>
  );
}

/** A statement's period: "2026 年第 1 季度" / "2026 Q1", or the year alone. */
export const periodLabel = (ui: Ui, period: { year: number; quarter?: number }) =>
  period.quarter ? ui.t('statement.periodQuarterLabel', { year: period.year, quarter: period.quarter }) : ui.t('statement.periodYearLabel', { year: period.year });

/** Benefit and loss statements: each reported amount and every party's part of it. */
function Statements({ ui, orgs, statements, form, canReport, contractId }: { ui: SignedInUi; orgs: Map<string, Organisation>; statements: ShareStatement[]; form: FormState; canReport: boolean; contractId: string }) {
  const t = ui.t;
  const label = { kind: t('statement.kind'), amount: t('statement.amount'), note: t('statement.note') };
  return (
    <Section title={t('statement.title')} actions={<a href={`/contracts/${contractId}/distribution`}>{t('distribution.link')}</a>}>
      <p class="muted">{t('statement.lead')}</p>
      {statements.length > 0 ? (
        <ul class="list statements">
          {statements.map((statement) => (
            <li class="item" data-kind={statement.kind}>
              <p style="margin:0">
                <strong>{t(`statement.kind.${statement.kind}`)}</strong> <span class="amount">{ui.money(statement.amount)}</span> · <Time ui={ui} iso={statement.at} />
                {statement.period ? <> · <span data-period>{periodLabel(ui, statement.period)}</span></> : null}
              </p>
              {statement.note ? <p class="muted" style="margin:0">{statement.note}</p> : null}
              <p style="margin:0">
                {statement.allocations
                  .map((allocation) => t('statement.part', { name: orgName(orgs, allocation.orgId), amount: ui.money(allocation.amount), percent: bpsToPercent(allocation.bps) }))
                  .join('；')}
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <Empty>{t('statement.empty')}</Empty>
      )}
      {canReport ? (
        <details open={form.summary.length > 0 || Object.keys(form.errors).length > 0}>
          <summary>{t('statement.report')}</summary>
          <form method="post" action={`/contracts/${contractId}/statements`} class="stack" novalidate>
            <ErrorSummary ui={ui} form={form} labels={label} />
            <IdempotencyField />
            <Select
              ui={ui}
              form={form}
              name="kind"
              required
              label={label.kind}
              blank={t('form.choose')}
              options={STATEMENT_KINDS.map((kind) => ({ value: kind, label: t(`statement.kind.${kind}`) }))}
            />
            <MoneyInput ui={ui} form={form} name="amount" required label={label.amount} hint={t('form.yuanHint')} />
            <div class="row two">
              <TextInput ui={ui} form={form} name="period.year" type="number" inputmode="numeric" min="2000" max="2100" label={t('statement.periodYear')} hint={t('statement.periodYearHint')} />
              <Select ui={ui} form={form} name="period.quarter" label={t('statement.periodQuarter')} blank={t('statement.wholeYear')} options={[1, 2, 3, 4].map((q) => ({ value: String(q), label: t('statement.quarter', { quarter: q }) }))} />
            </div>
            <TextArea ui={ui} form={form} name="note" rows={2} label={label.note} maxlength={2000} />
            <FormSubmit label={t('statement.report')} variant="secondary" />
          </form>
        </details>
      ) : null}
    </Section>
  );
}

async function ContractPage({ ui, deps: appDeps, id, forms = {}, statementForm = emptyForm(), terminateForm = emptyForm(), messageForm = emptyForm() }: { ui: SignedInUi; deps: WebDeps; id: string; forms?: MilestoneForms; statementForm?: FormState; terminateForm?: FormState; messageForm?: FormState }) {
  // Every use case below checks the caller against the contract: one read of it (and of each party) serves them all.
  const deps = forOnePage(appDeps);
  const t = ui.t;
  const contract = await readContract(deps, ui.principal, id);
  // Everything else the page shows depends only on the contract and the caller: read it all at once.
  const [orgs, ledger, statementPages, thread, changes, files] = await Promise.all([
    namesOf(deps, [...contractParties(contract), ...(contract.shares.subsidy ? [contract.shares.subsidy.orgId] : [])]),
    readContractLedger(deps, ui.principal, id, { limit: 1 }),
    Promise.all(STATEMENT_KINDS.map((kind) => listStatements(deps, ui.principal, id, kind, { limit: 20 }))),
    // Associations see the thread only while a dispute is open; otherwise there is nothing of theirs to show.
    readContractMessages(deps, ui.principal, id, { limit: 30 }).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }),
    listContractChanges(deps, ui.principal, id, { limit: 5 }),
    listContractAttachments(deps, ui.principal, id),
  ]);
  const statements = statementPages.flatMap((page) => page.items).sort((a, b) => b.at.localeCompare(a.at));
  const orgId = ui.principal.membership?.orgId;
  const mustSign =
    contract.status === 'PENDING_SIGNATURES' && orgId !== undefined && contract.requiredSigners.includes(orgId) && !contract.signatures.some((signature) => signature.orgId === orgId);
  const shareOf = (table: ShareTable, party: string) => contract.shares[table].find((share) => share.orgId === party);
  const shareParties = [...new Set([...contract.shares.benefitShares, ...contract.shares.riskShares].map((share) => share.orgId))];
  return (
    <Layout ui={ui} title={contract.title}>
      <PageHeader
        title={contract.title}
        back={isAssociation(ui.principal) ? undefined : { href: '/contracts', label: t('nav.contracts') }}
        lead={<Badge status={contract.status} label={contractStatusLabel(ui, contract.status)} />}
        actions={
          <>
            {mustSign ? <ActionButton action={`/contracts/${id}/sign`} label={t('contract.sign')} variant="primary" /> : null}
            <a class="button secondary" href={`/contracts/${id}/ledger`}>
              {t('contract.ledger')}
            </a>
            <a href={`/requests/${contract.requestId}`}>{t('contract.request')}</a>
            <a href={`/audit?entity=contract:${id}`}>{t('common.auditTrail')}</a>
          </>
        }
      />
      {contract.status === 'PENDING_SIGNATURES' ? <p class="notice warn">{t('contract.pendingNotice')}</p> : null}
      <div class="grid two">
        <div>
          <Section title={t('contract.milestones')}>
            <ol class="list">
              {contract.milestones.map((milestone) => (
                <MilestoneItem ui={ui} contract={contract} milestone={milestone} orgs={orgs} forms={forms} now={deps.clock()} />
              ))}
            </ol>
          </Section>
          {contract.pool ? <ContractPoolSection ui={ui} pool={contract.pool} name={(party) => orgName(orgs, party)} /> : null}
          <ChangesSection ui={ui} contract={contract} changes={changes} orgName={(party) => orgName(orgs, party)} />
          <MilestoneFilesSection ui={ui} contractId={id} milestones={contract.milestones} items={files.milestones} uploadable={files.uploadableMilestones} />
          <Section title={t('contract.shares')}>
            <TableScroll label={t('contract.shares')}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('contract.party')}</th>
                    <th scope="col" class="num">{t('award.benefitShares')}</th>
                    <th scope="col" class="num">{t('award.riskShares')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shareParties.map((party) => (
                    <tr>
                      <td>{orgName(orgs, party)}</td>
                      <td class="num">{shareOf('benefitShares', party) ? `${bpsToPercent(shareOf('benefitShares', party)!.bps)}%` : '—'}</td>
                      <td class="num">{shareOf('riskShares', party) ? `${bpsToPercent(shareOf('riskShares', party)!.bps)}%` : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <Facts
              items={[
                [t('registration.contractType'), <a href={`/contracts/${id}/registration`}>{contract.registration ? t(`registration.type.${contract.registration.contractType}`) : t('registration.notChosen')}</a>],
                [t('award.ip'), ipLabel(ui, contract.shares.ipOwnership)],
                [
                  t('award.subsidy'),
                  contract.shares.subsidy
                    ? t('contract.subsidyText', { name: orgName(orgs, contract.shares.subsidy.orgId), percent: bpsToPercent(contract.shares.subsidy.bps) })
                    : t('award.noSubsidy'),
                ],
                ...(contract.grant
                  ? ([[t('contract.grant'), <a href={`/programmes/${contract.grant.programmeId}`} data-contract-grant>{t('contract.grantText', { percent: bpsToPercent(contract.grant.bps), reserved: ui.money({ amount: contract.grant.reserved, currency: 'CNY' }) })}</a>] as [string, Child]])
                  : []),
                ...(contract.overhead
                  ? ([[t('contract.overhead'), <a href={`/orgs/${contract.overhead.collegeOrgId}/overhead`} data-contract-overhead>{t('contract.overheadText', { percent: bpsToPercent(contract.overhead.bps), version: contract.overhead.version })}</a>] as [string, Child]])
                  : []),
              ]}
            />
          </Section>
          <Statements
            ui={ui}
            orgs={orgs}
            statements={statements}
            form={statementForm}
            canReport={orgId !== undefined && contractParties(contract).includes(orgId) && contract.status !== 'PENDING_SIGNATURES'}
            contractId={id}
          />
          {thread ? (
            <MessagesSection ui={ui} contractId={id} messages={thread.items} orgName={(party) => orgName(orgs, party)} canWrite={thread.canWrite} form={messageForm} />
          ) : null}
          {await ContractReviews({ ui, deps, contract, orgName: (party) => orgName(orgs, party) })}
          {thread ? (
            <MessageFilesSection
              ui={ui}
              contractId={id}
              messages={thread.items}
              items={files.messages}
              ownMessages={files.mayAttachToOwnMessages ? thread.items.filter((message) => message.authorOrgId === orgId).slice(0, 10) : []}
            />
          ) : null}
          {isAssociation(ui.principal) && contract.status === 'ACTIVE' ? (
            <Section title={t('contract.terminate')}>
              <form method="post" action={`/contracts/${id}/terminate`} class="stack" novalidate data-confirm={t('contract.terminateConfirm')}>
                <IdempotencyField />
                <p class="muted">{t('contract.terminateLead')}</p>
                <TextArea ui={ui} form={terminateForm} name="reason" required rows={2} label={t('common.reason')} maxlength={1000} />
                <FormSubmit label={t('contract.terminate')} variant="danger" />
              </form>
            </Section>
          ) : null}
        </div>
        <div>
          <Section title={t('contract.facts')}>
            <Facts
              items={[
                [t('bid.field.price'), <strong class="amount">{ui.money(contract.price)}</strong>],
                [t('orgType.ENTERPRISE'), orgName(orgs, contract.enterpriseOrgId)],
                [t('orgType.STUDIO'), orgName(orgs, contract.studioOrgId)],
                ...(contract.collegeOrgId ? ([[t('orgType.COLLEGE'), orgName(orgs, contract.collegeOrgId)]] as [string, string][]) : []),
                [t('award.reviewWindow'), t('bid.days', { days: contract.reviewWindowDays })],
                [t('common.createdAt'), <Time ui={ui} iso={contract.createdAt} />],
                [t('contract.activatedAt'), <Time ui={ui} iso={contract.activatedAt} />],
              ]}
            />
          </Section>
          <Section title={t('contract.signatures')}>
            <ul class="list signatures">
              {contract.requiredSigners.map((signer) => {
                const signature = contract.signatures.find((item) => item.orgId === signer);
                return (
                  <li class="item" data-signer={signer} data-signed={signature ? 'true' : 'false'}>
                    <strong>{orgName(orgs, signer)}</strong>
                    <br />
                    {signature ? (
                      <span>
                        ✓ {t('contract.signedBy', { sub: signature.sub })} <Time ui={ui} iso={signature.at} />
                      </span>
                    ) : (
                      <span class="muted">{t('contract.notSigned')}</span>
                    )}
                  </li>
                );
              })}
            </ul>
          </Section>
          <Section title={t('contract.money')}>
            <BalanceList ui={ui} orgs={orgs} balances={ledger.balances} contractTitle={contract.title} />
          </Section>
          {contract.team ? (
            <Section title={t('bid.field.team')}>
              <Facts
                items={[
                  [t('bid.team.teachers'), contract.team.teachers.join('、') || '—'],
                  [t('bid.team.students'), contract.team.students.join('、') || '—'],
                  [t('bid.team.mentors'), contract.team.mentors.join('、') || '—'],
                  ...(contract.enterpriseMentor ? [[t('participation.mentor'), contract.enterpriseMentor.name] as [string, string]] : []),
                ]}
              />
              {contractParties(contract).includes(ui.principal.membership?.orgId ?? '') ? (
                <p>
                  <a href={`/contracts/${contract.id}/participation`}>{t('participation.link')}</a>
                </p>
              ) : null}
            </Section>
          ) : null}
        </div>
      </div>
    </Layout>
  );
}

function BalanceList({ ui, orgs, balances, contractTitle }: { ui: Ui; orgs: Map<string, Organisation>; balances: { account: string; amount: number }[]; contractTitle?: string }) {
  if (balances.length === 0) return <Empty>{ui.t('ledger.noMovements')}</Empty>;
  return (
    <dl class="facts balances">
      {balances.map((balance) => (
        <div data-account={balance.account}>
          <dt>{accountLabel(ui, orgs, balance.account, contractTitle)}</dt>
          <dd class="amount">{ui.money({ amount: balance.amount, currency: 'CNY' })}</dd>
        </div>
      ))}
    </dl>
  );
}

function LedgerTable({ ui, orgs, entries, contractTitle }: { ui: Ui; orgs: Map<string, Organisation>; entries: JournalEntry[]; contractTitle: string }) {
  const t = ui.t;
  return (
    <TableScroll label={t('ledger.entries')}>
      <table class="ledger">
        <thead>
          <tr>
            <th scope="col">{t('audit.at')}</th>
            <th scope="col">{t('ledger.kind')}</th>
            <th scope="col">{t('ledger.milestone')}</th>
            <th scope="col">{t('ledger.account')}</th>
            <th scope="col" class="num">{t('ledger.amount')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.flatMap((entry) =>
            entry.postings.map((posting, index) => (
              <tr data-entry={entry.id} data-kind={entry.kind}>
                <td>{index === 0 ? <Time ui={ui} iso={entry.at} /> : ''}</td>
                <td>{index === 0 ? t(`ledger.entry.${entry.kind}`) : ''}</td>
                <td>{index === 0 && entry.milestoneN ? String(entry.milestoneN) : ''}</td>
                <td>{accountLabel(ui, orgs, posting.account, contractTitle)}</td>
                <td class="num">{ui.money({ amount: posting.amount, currency: entry.currency })}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** Reads a milestone form into the service's command, validated by the JSON routes' schemas. */
function commandOf(action: string, values: FormValues): PartyCommand | undefined {
  const read = formReader(values);
  switch (action) {
    case 'fund':
      return { action: 'fund', expectedAmount: read.int('expectedAmount', false) };
    case 'submit':
      return { action: 'submit', ...parseInput(SubmitMilestoneSchema, { note: read.text('note'), link: read.optional('link') }) };
    case 'accept':
      return { action: 'accept', ...parseInput(AcceptMilestoneSchema, {}) };
    case 'revision':
      return { action: 'requestRevision', ...parseInput(RevisionSchema, { reason: read.optional('reason') }) };
    case 'dispute':
      return { action: 'dispute', ...parseInput(DisputeMilestoneSchema, { reason: read.text('reason') }) };
    default:
      return undefined;
  }
}

const MILESTONE_FLASH = {
  fund: 'flash.milestoneFunded',
  submit: 'flash.milestoneSubmitted',
  accept: 'flash.milestoneAccepted',
  revision: 'flash.milestoneRevision',
  dispute: 'flash.milestoneDisputed',
} as const;

export function contractPages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);

  web.get(
    '/requests/:id/award',
    page(async (c, ui) => {
      const context = await awardContext(deps, ui, pathParam(c), c.req.query('bid') ?? '');
      const proposed = context.bid.proposedShares;
      const values: FormValues = {
        'shares.ipOwnership': proposed?.ipOwnership ?? context.request.ipPreference ?? '',
        ...Object.fromEntries(
          SHARE_TABLES.flatMap((table) => (proposed?.[table] ?? []).map((share) => [shareField(table, share.orgId), bpsToPercent(share.bps)])),
        ),
      };
      return render(c, <AwardPage ui={ui} context={context} form={emptyForm(values)} />);
    }),
  );

  web.post(
    '/requests/:id/award',
    action(async (c, ui) => {
      const requestId = pathParam(c);
      const values = await formOf(c);
      const context = await awardContext(deps, ui, requestId, values.bidId ?? '');
      const { input, issues, place } = awardInputOf(values, context);
      return handleForm(
        async () => {
          const contract = await awardRequest(deps, ui.principal, requestId, parseInput(AwardSchema, input, issues));
          flash(c, 'flash.awarded');
          return c.redirect(`/contracts/${contract.id}`, 303);
        },
        async (found) => render(c, <AwardPage ui={ui} context={context} form={formState(ui, values, place(found), awardFields(context))} />, 400),
      );
    }),
  );

  const contractPage = (
    c: Context,
    ui: SignedInUi,
    id: string,
    forms: MilestoneForms = {},
    status: 200 | 400 = 200,
    extra: { statementForm?: FormState; terminateForm?: FormState; messageForm?: FormState } = {},
  ) => ContractPage({ ui, deps, id, forms, ...extra }).then((node) => render(c, node, status));

  web.get(
    '/contracts/:id',
    page((c, ui) => contractPage(c, ui, pathParam(c))),
  );

  web.post(
    '/contracts/:id/sign',
    action(async (c, ui) => {
      const id = pathParam(c);
      const contract = await signContract(deps, ui.principal, id);
      flash(c, contract.status === 'ACTIVE' ? 'flash.contractActive' : 'flash.signed');
      return c.redirect(`/contracts/${id}`, 303);
    }),
  );

  web.post(
    '/contracts/:id/milestones/:n/:step',
    action(async (c, ui) => {
      const id = pathParam(c);
      const n = Number(pathParam(c, 'n', /^\d{1,4}$/));
      const step = pathParam(c, 'step', /^[a-z-]{1,32}$/);
      const values = await formOf(c);
      return handleForm(
        async () => {
          const command = commandOf(step, values);
          if (!command || !Number.isInteger(n)) return c.notFound();
          const result = await actOnMilestone(deps, ui.principal, id, n, command, formIdempotency(c, values, command));
          flash(c, step === 'fund' && result.body.status === 'PENDING' ? 'flash.milestonePartFunded' : MILESTONE_FLASH[step as keyof typeof MILESTONE_FLASH]);
          return c.redirect(`/contracts/${id}#milestone-${n}`, 303);
        },
        (issues) => contractPage(c, ui, id, { [`${n}-${step}`]: formState(ui, values, issues, ['note', 'link', 'reason']) }, 400),
      );
    }),
  );

  web.post(
    '/contracts/:id/statements',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      return handleForm(
        async () => {
          const read = formReader(values);
          const kind = STATEMENT_KINDS.find((value) => value === values.kind);
          if (!kind) read.issues.push(issue('kind', 'REQUIRED'));
          const year = read.int('period.year', false);
          const quarter = read.int('period.quarter', false);
          if (year === undefined && quarter !== undefined) read.issues.push(issue('period.year', 'REQUIRED'));
          const period = year !== undefined ? { year, ...(quarter !== undefined ? { quarter } : {}) } : undefined;
          const input = parseInput(StatementInputSchema, { amount: read.money('amount'), note: read.optional('note'), ...(period ? { period } : {}) }, read.issues);
          await reportShareStatement(deps, ui.principal, id, kind!, input, formIdempotency(c, values, { kind, ...input }));
          flash(c, 'flash.statementReported');
          return c.redirect(`/contracts/${id}`, 303);
        },
        (issues) => contractPage(c, ui, id, {}, 400, { statementForm: formState(ui, values, issues, ['kind', 'amount', 'note', 'period.year', 'period.quarter']) }),
      );
    }),
  );

  web.post(
    '/contracts/:id/messages',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      return handleForm(
        async () => {
          const { text } = parseInput(PostMessageSchema, { text: values.text ?? '' });
          await postContractMessage(deps, ui.principal, id, text);
          flash(c, 'flash.messageSent');
          return c.redirect(`/contracts/${id}#messages`, 303);
        },
        (issues) => contractPage(c, ui, id, {}, 400, { messageForm: formState(ui, values, issues, ['text']) }),
      );
    }),
  );

  web.post(
    '/contracts/:id/terminate',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      return handleForm(
        async () => {
          const input = parseInput(RequiredReasonSchema, { reason: values.reason ?? '' });
          await terminateContract(deps, ui.principal, id, input, formIdempotency(c, values, input));
          flash(c, 'flash.contractTerminated');
          return c.redirect(`/contracts/${id}`, 303);
        },
        (issues) => contractPage(c, ui, id, {}, 400, { terminateForm: formState(ui, values, issues, ['reason']) }),
      );
    }),
  );

  web.get(
    '/contracts/:id/ledger',
    page(async (c, ui) => {
      const t = ui.t;
      const id = pathParam(c);
      const contract = await readContract(deps, ui.principal, id);
      const ledger = await readContractLedger(deps, ui.principal, id, { cursor: c.req.query('cursor'), limit: 50 });
      const orgs = await namesOf(deps, contractParties(contract));
      return render(
        c,
        <Layout ui={ui} title={t('ledger.title')}>
          <PageHeader title={t('ledger.title')} lead={t('ledger.lead', { title: contract.title })} back={{ href: `/contracts/${id}`, label: contract.title }} />
          <Section title={t('ledger.balances')}>
            <BalanceList ui={ui} orgs={orgs} balances={ledger.balances} contractTitle={contract.title} />
          </Section>
          <Section title={t('ledger.entries')}>
            {ledger.items.length > 0 ? <LedgerTable ui={ui} orgs={orgs} entries={ledger.items} contractTitle={contract.title} /> : <Empty>{t('ledger.noMovements')}</Empty>}
            <Pager ui={ui} nextCursor={ledger.nextCursor} />
          </Section>
        </Layout>,
      );
    }),
  );

  web.get(
    '/accounts',
    page(async (c, ui) => {
      const t = ui.t;
      const accounts = await readOrganisationAccounts(deps, ui.principal, undefined, { cursor: c.req.query('cursor') });
      const contracts = await Promise.all(
        [...new Set(accounts.byContract.map((row) => row.contractId))].map((contractId) => readContract(deps, ui.principal, contractId).catch(() => undefined)),
      );
      const titles = new Map(contracts.filter((contract): contract is ContractView => Boolean(contract)).map((contract) => [contract.id, contract.title]));
      const orgs = await namesOf(deps, [accounts.orgId]);
      // Contracts under a college overhead rate: the studio's and the college's earnings side by side, from the contract's balances.
      const withOverhead = contracts.filter((contract): contract is ContractView => Boolean(contract?.overhead));
      const overheadRows = await Promise.all(
        withOverhead.map(async (contract) => {
          const { balances } = await readContractLedger(deps, ui.principal, contract.id, { limit: 1 });
          const of = (orgId: string) => balances.find((balance) => balance.account === `earnings:${orgId}`)?.amount ?? 0;
          return { contract, studio: of(contract.studioOrgId), college: of(contract.overhead!.collegeOrgId) };
        }),
      );
      return render(
        c,
        <Layout ui={ui} title={t('accounts.title')}>
          <PageHeader title={t('accounts.title')} lead={t('accounts.lead')} />
          <Section title={t('accounts.totals')}>
            <BalanceList ui={ui} orgs={orgs} balances={accounts.accounts} />
          </Section>
          <Section title={t('accounts.byContract')}>
            {accounts.byContract.length > 0 ? (
              <TableScroll label={t('accounts.byContract')}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('entity.contract')}</th>
                      <th scope="col">{t('ledger.account')}</th>
                      <th scope="col" class="num">{t('ledger.amount')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {accounts.byContract.map((row) => (
                      <tr>
                        <td>
                          <a href={`/contracts/${row.contractId}`}>{titles.get(row.contractId) ?? row.contractId}</a>
                        </td>
                        <td>{accountLabel(ui, orgs, row.account)}</td>
                        <td class="num">{ui.money({ amount: row.amount, currency: row.currency })}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ) : (
              <Empty>{t('ledger.noMovements')}</Empty>
            )}
            <Pager ui={ui} nextCursor={accounts.nextCursor} />
          </Section>
          {overheadRows.length > 0 ? (
            <Section title={t('accounts.overhead')} id="overhead">
              <TableScroll label={t('accounts.overhead')}>
                <table data-overhead-table>
                  <thead>
                    <tr>
                      <th scope="col">{t('entity.contract')}</th>
                      <th scope="col">{t('contract.overhead')}</th>
                      <th scope="col" class="num">{t('accounts.studioPart')}</th>
                      <th scope="col" class="num">{t('accounts.collegePart')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {overheadRows.map((row) => (
                      <tr data-overhead-contract={row.contract.id}>
                        <td>
                          <a href={`/contracts/${row.contract.id}`}>{row.contract.title}</a>
                        </td>
                        <td>{bpsToPercent(row.contract.overhead!.bps)}%</td>
                        <td class="num" data-part="studio">{ui.money({ amount: row.studio, currency: 'CNY' })}</td>
                        <td class="num" data-part="college">{ui.money({ amount: row.college, currency: 'CNY' })}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            </Section>
          ) : null}
        </Layout>,
      );
    }),
  );
}

