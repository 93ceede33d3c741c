import type { Hono } from 'hono';
import { CONTRACT_STATUSES, REQUEST_STATUSES, requireAssociation } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import { clusterStatistics, StatsQuerySchema } from '@sharedtech/services';
import { ErrorSummary, Select, SubmitButton } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { PageHeader, Section, TableScroll } from '../components/ui.js';
import { pageKit, render } from '../context.js';
import { bpsToPercent } from '../format.js';
import { emptyForm, formState, zodToWebIssues } from '../forms.js';
import { KNOWN_CLUSTERS, clusterLabel, contractStatusLabel, requestStatusLabel } from '../labels.js';
import { clusterOptions } from '../components/organisations.js';

const Tile = ({ label, value }: { label: string; value: string }) => (
  <div class="tile">
    <span class="value">{value}</span>
    <span class="label">{label}</span>
  </div>
);

/** Consortium figures of one industry cluster, for associations (PRODUCT.md §4). */
export function statsPages(web: Hono, deps: WebDeps) {
  const { page } = pageKit(deps);
  web.get(
    '/stats',
    page(async (c, ui) => {
      const t = ui.t;
      requireAssociation(ui.principal);
      const cluster = c.req.query('cluster') || ui.principal.org?.cluster || KNOWN_CLUSTERS[0];
      const parsed = StatsQuerySchema.safeParse({ cluster });
      const form = parsed.success ? emptyForm({ cluster }) : formState(ui, { cluster }, zodToWebIssues(parsed.error), ['cluster']);
      const stats = parsed.success ? await clusterStatistics(deps, ui.principal, parsed.data.cluster) : undefined;
      const count = (value: number) => value.toLocaleString(ui.locale);
      return render(
        c,
        <Layout ui={ui} title={t('stats.title')}>
          <PageHeader title={t('stats.title')} lead={t('stats.lead')} />
          <form method="get" action="/stats" class="filters card" novalidate>
            <ErrorSummary ui={ui} form={form} />
            <Select ui={ui} form={form} name="cluster" label={t('feed.cluster')} options={clusterOptions(ui, cluster)} />
            <div />
            <SubmitButton label={t('stats.show')} variant="primary" />
          </form>
          {stats ? (
            <>
              <h2>{clusterLabel(ui, stats.cluster)}</h2>
              <div class="tiles" data-stats>
                <Tile label={t('stats.requests')} value={count(stats.requests.total)} />
                <Tile label={t('stats.bids')} value={count(stats.bids.total)} />
                <Tile label={t('stats.bidsPerRequest')} value={stats.bids.perRequest.toFixed(2)} />
                <Tile label={t('stats.awardRate')} value={`${bpsToPercent(stats.award.rateBps)}%`} />
                <Tile label={t('stats.medianDays')} value={stats.award.medianDaysToAward === null ? '—' : t('bid.days', { days: stats.award.medianDaysToAward })} />
                <Tile label={t('stats.contracts')} value={count(stats.contracts.total)} />
                <Tile label={t('stats.value')} value={ui.money(stats.contracts.value)} />
                <Tile label={t('stats.escrow')} value={ui.money(stats.contracts.escrowHeld)} />
                <Tile label={t('stats.released')} value={ui.money(stats.contracts.released)} />
                <Tile label={t('stats.overdueMilestones')} value={count(stats.contracts.overdueMilestones)} />
                <Tile label={t('bid.team.teachers')} value={count(stats.education.teachers)} />
                <Tile label={t('bid.team.students')} value={count(stats.education.students)} />
                <Tile label={t('bid.team.mentors')} value={count(stats.education.mentors)} />
              </div>
              <div class="grid two" style="margin-top:1rem">
                <Section title={t('stats.requestsByStatus')}>
                  <TableScroll label={t('stats.requestsByStatus')}>
                    <table>
                      <tbody>
                        {REQUEST_STATUSES.map((status) => (
                          <tr>
                            <th scope="row">{requestStatusLabel(ui, status)}</th>
                            <td class="num">{count(stats.requests.byStatus[status] ?? 0)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableScroll>
                </Section>
                <Section title={t('stats.contractsByStatus')}>
                  <TableScroll label={t('stats.contractsByStatus')}>
                    <table>
                      <tbody>
                        {CONTRACT_STATUSES.map((status) => (
                          <tr>
                            <th scope="row">{contractStatusLabel(ui, status)}</th>
                            <td class="num">{count(stats.contracts.byStatus[status] ?? 0)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableScroll>
                </Section>
              </div>
            </>
          ) : null}
        </Layout>,
      );
    }),
  );
}
