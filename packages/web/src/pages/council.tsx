import type { Context, Hono } from 'hono';
import {
  COUNCIL_FIGURES, DASHBOARD_MONTHS, ForbiddenError, ValidationError, type CouncilFigure, type FigureGroup, type FigureSeries,
} from '@sharedtech/core';
import { CouncilDashboardQuerySchema, councilCsvFileName, councilDashboardCsv, councilDashboardIn, councilReachOf, type CouncilDashboard } from '@sharedtech/services';
import type { WebDeps } from '../deps.js';
import { Chart } from '../components/chart.js';
import { ErrorSummary, Select, SubmitButton } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Empty, PageHeader, Section, TableScroll } from '../components/ui.js';
import { pageKit, render, type Ui } from '../context.js';
import { csvFile } from '../csv.js';
import { emptyForm, formState, zodToWebIssues } from '../forms.js';
import { clusterLabel } from '../labels.js';

const GROUPS: readonly FigureGroup[] = ['market', 'money', 'subsidy', 'education', 'talent', 'resources', 'pools'];
const MONTH_CHOICES = [12, DASHBOARD_MONTHS.default, DASHBOARD_MONTHS.max];
const figureById = new Map(COUNCIL_FIGURES.map((f) => [f.id, f]));

/** How a value of a figure reads: money ¥ with two decimals, hours and counts in the page's language. */
const formatter = (ui: Ui, unit: FigureSeries['unit']) => (value: number) =>
  unit === 'fen' ? ui.money({ amount: value, currency: 'CNY' }) : unit === 'hours' ? ui.t('council.hours', { hours: value.toLocaleString(ui.locale) }) : value.toLocaleString(ui.locale);

/** One figure: its chart (SVG drawn here), its total, and the numbers as a table for those who cannot see the chart. */
function FigureCard({ ui, figure, series, months, idPrefix }: { ui: Ui; figure: CouncilFigure; series: FigureSeries; months: string[]; idPrefix: string }) {
  const t = ui.t;
  const format = formatter(ui, series.unit);
  const name = figure.label[ui.locale];
  const from = months[0] ?? '';
  const to = months.at(-1) ?? '';
  const peakIndex = series.values.reduce((best, value, index) => (value > series.values[best]! ? index : best), 0);
  const description = figure.stock
    ? t('council.describeStock', { figure: name, from, to, total: format(series.total) })
    : t('council.describeFlow', { figure: name, from, to, total: format(series.total), peak: format(series.values[peakIndex] ?? 0), peakMonth: months[peakIndex] ?? '' });
  const id = `${idPrefix}${figure.id}`;
  return (
    <figure class="chart-card" data-figure={figure.id}>
      <figcaption>
        <h3>{name}</h3>
        <p class="chart-total">
          <span class="muted">{figure.stock ? t('council.atEnd') : t('council.totalOver', { months: months.length })}</span>{' '}
          <strong data-total={series.total}>{format(series.total)}</strong>
        </p>
      </figcaption>
      <Chart
        id={id}
        title={name}
        description={description}
        labels={months}
        values={series.values}
        kind={figure.stock ? 'line' : 'bar'}
        format={format}
        minStep={series.unit === 'fen' ? 100 : 1}
        labelEvery={months.length > 12 ? 6 : 3}
      />
      <details>
        <summary>{t('council.table', { figure: name })}</summary>
        <TableScroll label={name}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('council.month')}</th>
                <th scope="col" class="num">{t('council.value')}</th>
              </tr>
            </thead>
            <tbody>
              {months.map((month, index) => (
                <tr>
                  <th scope="row">{month}</th>
                  <td class="num">{format(series.values[index] ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </details>
    </figure>
  );
}

function Figures({ ui, dashboard }: { ui: Ui; dashboard: CouncilDashboard }) {
  const t = ui.t;
  return (
    <>
      {GROUPS.map((group) => (
        <Section title={t(`council.group.${group}`)} id={`group-${group}`}>
          <div class="charts">
            {dashboard.figures
              .filter((series) => series.group === group)
              .map((series) => (
                <FigureCard ui={ui} figure={figureById.get(series.id)!} series={series} months={dashboard.months} idPrefix="fig-" />
              ))}
          </div>
        </Section>
      ))}
      {dashboard.programmes.length > 0 ? (
        <Section title={t('council.programmes')} id="programmes">
          {dashboard.programmes.map((programme, index) => (
            <>
              <h3>{t('council.programme', { name: programme.name })}</h3>
              <div class="charts">
                {programme.figures.map((series) => (
                  <FigureCard ui={ui} figure={figureById.get(series.id)!} series={series} months={dashboard.months} idPrefix={`prog${index}-`} />
                ))}
              </div>
            </>
          ))}
        </Section>
      ) : null}
    </>
  );
}

/** The council's dashboard (理事会看板): associations, government bodies and colleges, for the clusters they belong to. */
export function councilPages(web: Hono, deps: WebDeps) {
  const { page } = pageKit(deps);
  const queryOf = (c: Context) => ({
    ...(c.req.query('cluster') ? { cluster: c.req.query('cluster') } : {}),
    ...(c.req.query('months') ? { months: c.req.query('months') } : {}),
  });

  web.get(
    '/council',
    page(async (c, ui) => {
      const t = ui.t;
      const reach = await councilReachOf(deps, ui.principal);
      const raw = queryOf(c);
      const parsed = CouncilDashboardQuerySchema.safeParse(raw);
      const values = { cluster: raw.cluster ?? reach.clusters[0] ?? '', months: String(raw.months ?? DASHBOARD_MONTHS.default) };
      const form = parsed.success ? emptyForm(values) : formState(ui, values, zodToWebIssues(parsed.error), ['cluster', 'months']);
      let dashboard: CouncilDashboard | undefined;
      let noCluster = false;
      if (parsed.success) {
        try {
          dashboard = await councilDashboardIn(deps, reach, parsed.data);
        } catch (error) {
          if (!(error instanceof ForbiddenError && error.code === 'NO_COUNCIL_CLUSTER')) throw error;
          noCluster = true;
        }
      }
      const clusters = [...new Set([...reach.clusters, ...(dashboard ? [dashboard.cluster] : [])])];
      const csv = `/council/dashboard.csv?${new URLSearchParams({ ...(dashboard ? { cluster: dashboard.cluster } : {}), months: values.months }).toString()}`;
      return render(
        c,
        <Layout ui={ui} title={t('council.title')}>
          <PageHeader
            title={t('council.title')}
            lead={t('council.lead')}
            actions={dashboard ? <a class="button secondary" href={csv} download>{t('council.csv')}</a> : undefined}
          />
          {noCluster ? (
            <Empty>{t('council.noCluster')}</Empty>
          ) : (
            <form method="get" action="/council" class="filters card" novalidate>
              <ErrorSummary ui={ui} form={form} />
              <Select ui={ui} form={form} name="cluster" label={t('council.cluster')} options={clusters.map((cluster) => ({ value: cluster, label: clusterLabel(ui, cluster) }))} />
              <Select
                ui={ui}
                form={form}
                name="months"
                label={t('council.months')}
                options={MONTH_CHOICES.map((months) => ({ value: String(months), label: t('council.monthsOption', { months }) }))}
              />
              <SubmitButton label={t('council.show')} variant="primary" />
            </form>
          )}
          {dashboard ? (
            <div data-council={dashboard.cluster}>
              <h2>
                {clusterLabel(ui, dashboard.cluster)} · {t('council.period', { from: dashboard.months[0] ?? '', to: dashboard.months.at(-1) ?? '' })}
              </h2>
              <p class="notice">{t('council.utc')}</p>
              <Figures ui={ui} dashboard={dashboard} />
            </div>
          ) : null}
        </Layout>,
      );
    }),
  );

  /** The CSV of the page's selection (without a cluster: every cluster of the member's). */
  web.get(
    '/council/dashboard.csv',
    page(async (c, ui) => {
      const parsed = CouncilDashboardQuerySchema.safeParse(queryOf(c));
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw ValidationError.field(issue.path.join('.'), issue.message);
      }
      const query = parsed.data;
      return csvFile(c, { filename: councilCsvFileName(query, deps.clock()), body: await councilDashboardCsv(deps, ui.principal, query) });
    }),
  );
}
