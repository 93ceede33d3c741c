import type { Context, Hono } from 'hono';
import { contractParties, requireVerified, shanghaiDate, shanghaiPeriod, type RegistrationRecord } from '@sharedtech/core';
import {
  exportDistributionCsv, exportRegistrationsCsv, listRegistrations, readContract, readContractRegistration, readDistribution, readStatementSummary,
  DistributionQuerySchema, RegistrationListQuerySchema, RegistrationRangeSchema,
} from '@sharedtech/services';
import type { WebDeps } from '../deps.js';
import { ErrorSummary, Select, SubmitButton, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Empty, Facts, PageHeader, Pager, Section, TableScroll, Time } from '../components/ui.js';
import { clusterOptions } from '../components/organisations.js';
import { pageKit, pathParam, render, type SignedInUi, type Ui } from '../context.js';
import { csvFile } from '../csv.js';
import { bpsToPercent } from '../format.js';
import { emptyForm, formState, parseInput, zodToWebIssues } from '../forms.js';
import { contractStatusLabel, ipLabel } from '../labels.js';
import { namesOf, orgName, periodLabel } from './contracts.js';

/**
 * Technology contract registration (技术合同认定登记) and yearly distribution
 * statements (issue 13): the registration list of an association's cluster or
 * a college's studios with its CSV export, one contract's registration record,
 * and a party's distribution statement of a year with its CSV.
 */

const money = (ui: Ui, fen: number) => ui.money({ amount: fen, currency: 'CNY' });
const typeLabel = (ui: Ui, record: Pick<RegistrationRecord, 'contractType'>) =>
  record.contractType ? ui.t(`registration.type.${record.contractType}`) : ui.t('registration.notChosen');
const partyOf = (record: RegistrationRecord, role: RegistrationRecord['parties'][number]['role']) => record.parties.find((party) => party.role === role);


/** The list's filter as given, defaulting to this year up to today (Asia/Shanghai) and the association's cluster. */
function rangeOf(c: Context, ui: SignedInUi, now: Date) {
  const today = shanghaiDate(now);
  const isAssociation = ui.principal.org?.type === 'ASSOCIATION';
  return {
    from: c.req.query('from') || `${today.slice(0, 4)}-01-01`,
    to: c.req.query('to') || today,
    ...(isAssociation ? { cluster: c.req.query('cluster') || ui.principal.org?.cluster || 'smart-manufacturing' } : {}),
  };
}

export function registrationPages(web: Hono, deps: WebDeps) {
  const { page } = pageKit(deps);

  web.get(
    '/registrations',
    page(async (c, ui) => {
      const t = ui.t;
      requireVerified(ui.principal, ['ASSOCIATION', 'COLLEGE']);
      const range = rangeOf(c, ui, deps.clock());
      const cursor = c.req.query('cursor');
      const parsed = RegistrationListQuerySchema.safeParse({ ...range, ...(cursor ? { cursor } : {}) });
      const form = parsed.success ? emptyForm(range) : formState(ui, range, zodToWebIssues(parsed.error), ['from', 'to', 'cluster']);
      const list = parsed.success ? await listRegistrations(deps, ui.principal, range, { cursor, limit: 50 }) : undefined;
      const exportHref = `/registrations.csv?${new URLSearchParams(range).toString()}`;
      return render(
        c,
        <Layout ui={ui} title={t('registration.title')}>
          <PageHeader
            title={t('registration.title')}
            lead={t('registration.lead')}
            actions={list ? <a class="button primary" href={exportHref} download data-export>{t('registration.export')}</a> : undefined}
          />
          <form method="get" action="/registrations" class="filters card" novalidate>
            <ErrorSummary ui={ui} form={form} />
            <TextInput ui={ui} form={form} name="from" type="date" label={t('registration.from')} />
            <TextInput ui={ui} form={form} name="to" type="date" label={t('registration.to')} />
            {range.cluster ? <Select ui={ui} form={form} name="cluster" label={t('feed.cluster')} options={clusterOptions(ui, range.cluster)} /> : null}
            <SubmitButton label={t('stats.show')} variant="secondary" />
          </form>
          {list ? (
            list.items.length ? (
              <TableScroll label={t('registration.title')}>
                <table data-registrations>
                  <thead>
                    <tr>
                      <th scope="col">{t('registration.subject')}</th>
                      <th scope="col">{t('registration.contractType')}</th>
                      <th scope="col">{t('registration.buyer')}</th>
                      <th scope="col">{t('registration.seller')}</th>
                      <th scope="col" class="num">{t('registration.price')}</th>
                      <th scope="col" class="num">{t('registration.technologyAmount')}</th>
                      <th scope="col" class="num">{t('registration.technologyIncome')}</th>
                      <th scope="col">{t('registration.activatedOn')}</th>
                      <th scope="col">{t('registration.dueOn')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.items.map((record) => (
                      <tr data-contract={record.contractId}>
                        <td><a href={`/contracts/${record.contractId}/registration`}>{record.subject}</a></td>
                        <td>{typeLabel(ui, record)}</td>
                        <td>
                          {record.parties.filter((party) => party.role === 'BUYER').map((buyer, index) => (
                            <>{index > 0 ? <br /> : null}<span data-buyer={buyer.orgId}>{buyer.name}</span><br /><small class="muted">{buyer.creditCode ?? '—'}</small></>
                          ))}
                        </td>
                        <td>{partyOf(record, 'SELLER')?.name}{partyOf(record, 'SELLER_COLLEGE') ? <><br /><small class="muted">{partyOf(record, 'SELLER_COLLEGE')!.name}</small></> : null}</td>
                        <td class="num amount">{ui.money(record.price)}</td>
                        <td class="num amount">{record.technologyAmount ? ui.money(record.technologyAmount) : '—'}</td>
                        <td class="num amount">{ui.money(record.technologyIncome)}</td>
                        <td>{record.activatedOn ?? '—'}</td>
                        <td>{record.dueOn ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ) : (
              <Empty>{t('registration.empty')}</Empty>
            )
          ) : null}
          {list ? <Pager ui={ui} nextCursor={list.nextCursor} /> : null}
        </Layout>,
      );
    }),
  );

  web.get(
    '/registrations.csv',
    page(async (c, ui) => csvFile(c, await exportRegistrationsCsv(deps, ui.principal, parseInput(RegistrationRangeSchema, rangeOf(c, ui, deps.clock()))))),
  );

  web.get(
    '/contracts/:id/registration',
    page(async (c, ui) => {
      const t = ui.t;
      const record = await readContractRegistration(deps, ui.principal, pathParam(c));
      return render(
        c,
        <Layout ui={ui} title={t('registration.recordTitle')}>
          <PageHeader title={t('registration.recordTitle')} lead={record.subject} back={{ href: `/contracts/${record.contractId}`, label: record.subject }} />
          <Section title={t('registration.recordTitle')}>
            <Facts
              items={[
                [t('registration.contractType'), typeLabel(ui, record)],
                [t('registration.status'), contractStatusLabel(ui, record.status)],
                [t('registration.price'), <span class="amount">{ui.money(record.price)}</span>],
                [t('registration.technologyAmount'), <span class="amount" data-field="technologyAmount">{record.technologyAmount ? ui.money(record.technologyAmount) : '—'}</span>],
                [t('registration.technologyIncome'), <span class="amount" data-field="technologyIncome">{ui.money(record.technologyIncome)}</span>],
                [t('registration.signedOn'), record.signedOn ?? '—'],
                [t('registration.activatedOn'), record.activatedOn ?? '—'],
                [t('registration.dueOn'), record.dueOn ?? '—'],
                [t('award.ip'), ipLabel(ui, record.ipOwnership)],
              ]}
            />
          </Section>
          <Section title={t('registration.parties')}>
            <TableScroll label={t('registration.parties')}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('registration.role')}</th>
                    <th scope="col">{t('contract.party')}</th>
                    <th scope="col">{t('registration.creditCode')}</th>
                  </tr>
                </thead>
                <tbody>
                  {record.parties.map((party) => (
                    <tr>
                      <td>{t(`registration.role.${party.role}`)}</td>
                      <td><a href={`/orgs/${party.orgId}`}>{party.name}</a></td>
                      <td>{party.creditCode ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </Section>
        </Layout>,
      );
    }),
  );

  /** The year and party asked for: this (Shanghai) year and the caller's organisation, or the contract's first party. */
  const distributionQuery = (c: Context, ui: SignedInUi, parties: string[]) => {
    const own = ui.principal.membership?.orgId;
    return parseInput(DistributionQuerySchema, {
      year: c.req.query('year') || String(shanghaiPeriod(deps.clock()).year),
      orgId: c.req.query('orgId') || (own && parties.includes(own) ? own : parties[0]),
    });
  };

  web.get(
    '/contracts/:id/distribution',
    page(async (c, ui) => {
      const t = ui.t;
      const id = pathParam(c);
      const contract = await readContract(deps, ui.principal, id);
      const parties = contractParties(contract);
      const query = distributionQuery(c, ui, parties);
      const [distribution, summary, orgs] = await Promise.all([
        readDistribution(deps, ui.principal, id, query),
        readStatementSummary(deps, ui.principal, id),
        namesOf(deps, parties),
      ]);
      const years = [...new Set([query.year, shanghaiPeriod(deps.clock()).year, ...summary.years.map((entry) => entry.year)])].sort((a, b) => b - a);
      const form = emptyForm({ year: String(query.year), orgId: distribution.orgId });
      const csvHref = `/contracts/${id}/distribution.csv?year=${query.year}&orgId=${distribution.orgId}`;
      const totals = distribution.totals;
      return render(
        c,
        <Layout ui={ui} title={t('distribution.title')}>
          <PageHeader
            title={t('distribution.title')}
            lead={t('distribution.lead', { name: distribution.orgName, year: distribution.year, title: contract.title })}
            back={{ href: `/contracts/${id}`, label: contract.title }}
            actions={<a class="button primary" href={csvHref} download data-export>{t('distribution.export')}</a>}
          />
          <form method="get" action={`/contracts/${id}/distribution`} class="filters card" novalidate>
            <Select ui={ui} form={form} name="year" label={t('distribution.year')} options={years.map((year) => ({ value: String(year), label: String(year) }))} />
            <Select ui={ui} form={form} name="orgId" label={t('contract.party')} options={parties.map((party) => ({ value: party, label: orgName(orgs, party) }))} />
            <SubmitButton label={t('stats.show')} variant="secondary" />
          </form>
          <Section title={t('distribution.totals')}>
            <Facts
              items={[
                [t('distribution.benefitReported'), <span class="amount" data-total="benefitReported">{money(ui, totals.benefitReported)}</span>],
                [t('distribution.benefitAllocated'), <span class="amount" data-total="benefitAllocated">{money(ui, totals.benefitAllocated)}</span>],
                [t('distribution.riskReported'), <span class="amount" data-total="riskReported">{money(ui, totals.riskReported)}</span>],
                [t('distribution.riskAllocated'), <span class="amount" data-total="riskAllocated">{money(ui, totals.riskAllocated)}</span>],
                [t('distribution.paid'), <span class="amount" data-total="paid">{money(ui, totals.paid)}</span>],
                [t('distribution.received'), <span class="amount" data-total="received">{money(ui, totals.received)}</span>],
              ]}
            />
          </Section>
          <Section title={t('distribution.statements')}>
            {distribution.lines.length ? (
              <TableScroll label={t('distribution.statements')}>
                <table data-lines>
                  <thead>
                    <tr>
                      <th scope="col">{t('distribution.date')}</th>
                      <th scope="col">{t('distribution.period')}</th>
                      <th scope="col">{t('statement.kind')}</th>
                      <th scope="col" class="num">{t('distribution.reported')}</th>
                      <th scope="col" class="num">{t('distribution.share')}</th>
                      <th scope="col" class="num">{t('distribution.allocated')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {distribution.lines.map((line) => (
                      <tr>
                        <td><Time ui={ui} iso={line.at} dateOnly /></td>
                        <td>{periodLabel(ui, line.period)}</td>
                        <td>{t(`statement.kind.${line.kind}`)}</td>
                        <td class="num amount">{money(ui, line.reported)}</td>
                        <td class="num">{bpsToPercent(line.bps)}%</td>
                        <td class="num amount">{money(ui, line.allocated)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ) : (
              <Empty>{t('distribution.noStatements')}</Empty>
            )}
          </Section>
          <Section title={t('distribution.ledger')}>
            {distribution.ledger.length ? (
              <TableScroll label={t('distribution.ledger')}>
                <table data-ledger>
                  <thead>
                    <tr>
                      <th scope="col">{t('distribution.date')}</th>
                      <th scope="col">{t('distribution.entry')}</th>
                      <th scope="col" class="num">{t('distribution.paid')}</th>
                      <th scope="col" class="num">{t('distribution.received')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {distribution.ledger.map((line) => (
                      <tr>
                        <td><Time ui={ui} iso={line.at} dateOnly /></td>
                        <td>{t(`ledger.entry.${line.kind}`)}{line.milestoneN ? ` · #${line.milestoneN}` : ''}</td>
                        <td class="num amount">{money(ui, line.paid)}</td>
                        <td class="num amount">{money(ui, line.received)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ) : (
              <Empty>{t('distribution.noLedger')}</Empty>
            )}
          </Section>
          <Section title={t('distribution.summary')}>
            {summary.years.length ? (
              <TableScroll label={t('distribution.summary')}>
                <table data-summary>
                  <thead>
                    <tr>
                      <th scope="col">{t('distribution.year')}</th>
                      <th scope="col">{t('contract.party')}</th>
                      <th scope="col" class="num">{t('statement.kind.BENEFIT')}</th>
                      <th scope="col" class="num">{t('statement.kind.RISK')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {summary.years.flatMap((entry) => [
                      <tr>
                        <th scope="row">{entry.year}</th>
                        <td>{t('distribution.allParties')}</td>
                        <td class="num amount">{money(ui, entry.benefit)}</td>
                        <td class="num amount">{money(ui, entry.risk)}</td>
                      </tr>,
                      ...entry.parties.map((party) => (
                        <tr>
                          <td />
                          <td>{orgName(orgs, party.orgId)}</td>
                          <td class="num amount">{money(ui, party.benefit)}</td>
                          <td class="num amount">{money(ui, party.risk)}</td>
                        </tr>
                      )),
                    ])}
                  </tbody>
                </table>
              </TableScroll>
            ) : (
              <Empty>{t('statement.empty')}</Empty>
            )}
            <p class="muted">{summary.termEndsAt ? t('distribution.termEnds', { date: shanghaiDate(summary.termEndsAt), years: summary.termYears }) : t('distribution.term', { years: summary.termYears })}</p>
          </Section>
        </Layout>,
      );
    }),
  );

  web.get(
    '/contracts/:id/distribution.csv',
    page(async (c, ui) => {
      const id = pathParam(c);
      const contract = await readContract(deps, ui.principal, id);
      return csvFile(c, await exportDistributionCsv(deps, ui.principal, id, distributionQuery(c, ui, contractParties(contract))));
    }),
  );
}
