import type { Hono } from 'hono';
import { CONTRACT_STATUSES, NotFoundError, isAssociation, isContractOverdue, type Contract } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import { ContractListQuerySchema, fundedStatistics, listCollegeBids, listContractsFor } from '@sharedtech/services';
import { ErrorSummary, Select, SubmitButton } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Empty, Facts, ItemTitle, PageHeader, Pager, Section, Time } from '../components/ui.js';
import { clusterOptions } from '../components/organisations.js';
import { pageKit, render, type SignedInUi } from '../context.js';
import { emptyForm, formState, zodToWebIssues } from '../forms.js';
import { bidStatusLabel, clusterLabel, contractStatusLabel } from '../labels.js';
import { namesOf, orgName } from './contracts.js';

type ContractRow = Omit<Contract, 'version'>;

/** One contract in a list: title and status, price, parties, cluster, its overdue milestones if any. */
async function ContractList({ ui, deps, items }: { ui: SignedInUi; deps: WebDeps; items: ContractRow[] }) {
  const t = ui.t;
  const orgs = await namesOf(deps, items.flatMap((contract) => [contract.enterpriseOrgId, contract.studioOrgId]));
  return (
    <ul class="list">
      {items.map((contract) => (
        <li class="item" data-contract-id={contract.id}>
          <ItemTitle href={`/contracts/${contract.id}`} title={contract.title} status={contract.status} label={contractStatusLabel(ui, contract.status)} />
          <p class="item-meta">
            <span class="amount">{ui.money(contract.price)}</span>
            <span>
              {orgName(orgs, contract.enterpriseOrgId)} · {orgName(orgs, contract.studioOrgId)}
            </span>
            {contract.cluster ? <span>{clusterLabel(ui, contract.cluster)}</span> : null}
            <span>
              {t('common.createdAt')}: <Time ui={ui} iso={contract.createdAt} />
            </span>
            {isContractOverdue(contract) ? (
              <span class="overdue" data-overdue-milestones={contract.overdueMilestones}>
                {t('views.overdueMilestones', { count: contract.overdueMilestones ?? 0 })}
              </span>
            ) : null}
            <a href={`/audit?entity=contract:${contract.id}`}>{t('common.auditTrail')}</a>
          </p>
        </li>
      ))}
    </ul>
  );
}

/** 404 for visitors the page is not for (like a record they may not read). */
const notFor = (what: string) => new NotFoundError('Page', what);

/**
 * Each role's view: the contract list with filters (every contract for
 * associations, one's own for the others), a government's co-funded contracts
 * with their statistics, and a college's studios and their bids.
 */
export function roleViewPages(web: Hono, deps: WebDeps) {
  const { page } = pageKit(deps);

  web.get(
    '/contracts',
    page(async (c, ui) => {
      const t = ui.t;
      const fields = ['status', 'cluster', 'overdue'];
      const values = { status: c.req.query('status') ?? '', cluster: c.req.query('cluster') ?? '', overdue: c.req.query('overdue') ?? '' };
      const parsed = ContractListQuerySchema.safeParse({
        status: values.status || undefined,
        cluster: values.cluster || undefined,
        overdue: values.overdue || undefined,
        cursor: c.req.query('cursor'),
      });
      const form = parsed.success ? emptyForm(values) : formState(ui, values, zodToWebIssues(parsed.error), fields);
      const { cursor, limit, ...filter } = parsed.success ? parsed.data : {};
      const list = await listContractsFor(deps, ui.principal, filter, { cursor, limit });
      const all = isAssociation(ui.principal);
      return render(
        c,
        <Layout ui={ui} title={t('nav.contracts')}>
          <PageHeader title={t('nav.contracts')} lead={all ? t('views.contracts.allLead') : t('contract.list.lead')} />
          <form method="get" action="/contracts" class="filters card" role="search" novalidate>
            <ErrorSummary ui={ui} form={form} />
            <Select
              ui={ui}
              form={form}
              name="status"
              label={t('views.filter.status')}
              blank={t('common.all')}
              options={CONTRACT_STATUSES.map((status) => ({ value: status, label: contractStatusLabel(ui, status) }))}
            />
            <Select ui={ui} form={form} name="cluster" label={t('feed.cluster')} blank={t('common.all')} options={clusterOptions(ui, values.cluster)} />
            <Select ui={ui} form={form} name="overdue" label={t('views.filter.overdue')} blank={t('common.all')} options={[{ value: 'true', label: t('views.filter.overdueOnly') }]} />
            <SubmitButton label={t('views.filter.submit')} variant="primary" />
          </form>
          {list.items.length > 0 ? (
            <ContractList ui={ui} deps={deps} items={list.items} />
          ) : (
            <Empty>{t('contract.list.empty')}</Empty>
          )}
          <Pager ui={ui} nextCursor={list.nextCursor} />
        </Layout>,
      );
    }),
  );

  web.get(
    '/funding',
    page(async (c, ui) => {
      const t = ui.t;
      if (ui.principal.org?.type !== 'GOVERNMENT') throw notFor('funding');
      const stats = await fundedStatistics(deps, ui.principal);
      const list = await listContractsFor(deps, ui.principal, {}, { cursor: c.req.query('cursor') });
      const funded = list.items.filter((contract) => contract.governmentOrgId === stats.orgId);
      return render(
        c,
        <Layout ui={ui} title={t('views.funding.title')}>
          <PageHeader title={t('views.funding.title')} lead={t('views.funding.lead')} />
          <Section title={t('views.funding.stats')} id="funding-stats">
            <Facts
              items={[
                [t('views.funding.contracts'), <span data-stat="contracts">{stats.contracts.total}</span>],
                [t('views.funding.active'), <span data-stat="active">{stats.outcomes.active}</span>],
                [t('views.funding.completed'), <span data-stat="completed">{stats.outcomes.completed}</span>],
                [t('views.funding.terminated'), <span data-stat="terminated">{stats.outcomes.terminated}</span>],
                [t('views.funding.value'), <span data-stat="value">{ui.money(stats.value)}</span>],
                [t('views.funding.committed'), <span data-stat="committed">{ui.money(stats.committed)}</span>],
                [t('views.funding.funded'), <span data-stat="funded">{ui.money(stats.funded)}</span>],
                [t('views.funding.refunded'), <span data-stat="refunded">{ui.money(stats.refunded)}</span>],
                [t('views.funding.paid'), <span data-stat="paid">{ui.money(stats.paid)}</span>],
              ]}
            />
          </Section>
          <Section title={t('views.funding.list')}>
            {funded.length > 0 ? <ContractList ui={ui} deps={deps} items={funded} /> : <Empty>{t('contract.list.empty')}</Empty>}
            <Pager ui={ui} nextCursor={list.nextCursor} />
          </Section>
        </Layout>,
      );
    }),
  );

  web.get(
    '/college/bids',
    page(async (c, ui) => {
      const t = ui.t;
      const college = ui.principal.org;
      if (college?.type !== 'COLLEGE') throw notFor('college');
      const bids = await listCollegeBids(deps, ui.principal, college.id, { cursor: c.req.query('cursor') });
      const orgs = await namesOf(deps, bids.items.map((bid) => bid.studioOrgId));
      return render(
        c,
        <Layout ui={ui} title={t('views.college.bids')}>
          <PageHeader title={t('views.college.bids')} lead={t('views.college.bidsLead')} />
          {bids.items.length > 0 ? (
            <ul class="list">
              {bids.items.map((bid) => (
                <li class="item" data-bid-id={bid.id}>
                  <ItemTitle href={`/bids/${bid.id}`} title={orgName(orgs, bid.studioOrgId)} status={bid.status} label={bidStatusLabel(ui, bid.status)} />
                  <p class="item-meta">
                    <span class="amount">{ui.money(bid.price)}</span>
                    <span>{t('views.college.duration', { days: bid.durationDays })}</span>
                    <span>
                      {t('bid.submittedAt')}: <Time ui={ui} iso={bid.createdAt} />
                    </span>
                    <a href={`/requests/${bid.requestId}`}>{t('views.college.request')}</a>
                  </p>
                </li>
              ))}
            </ul>
          ) : (
            <Empty>{t('views.college.noBids')}</Empty>
          )}
          <Pager ui={ui} nextCursor={bids.nextCursor} />
        </Layout>,
      );
    }),
  );
}
