import { stringify } from 'csv-stringify/sync';
import {
  COUNCIL_FIGURES, DASHBOARD_MONTHS, PROGRAMME_FIGURES, TOTAL_BUCKET, affiliationOf, councilCluster, councilReach, dashboardMonths, programmeStatsScope,
  fenToYuanText, figureSeries, type CouncilFigure, type CouncilReach, type FigureSeries, type Principal,
} from '@sharedtech/core';
import { listProgrammes, listStudiosOfCollege, readAll, readClusterBuckets } from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';

/** A college's studios read to find its clusters: far above a college's studios, and still a bounded read. */
const STUDIOS_PER_COLLEGE = 200;

/** A subsidy programme on the dashboard: its figures are read from its own scope (`prog~<id>`). */
export interface ProgrammeRef {
  id: string;
  name: string;
}

/** Lists the subsidy programmes shown with a cluster. */
export type ProgrammesOf = (deps: ServiceDeps, cluster: string) => Promise<ProgrammeRef[]>;

/** How many of the newest programmes the dashboard looks through for a cluster's: a city publishes a handful a year. */
export const DASHBOARD_PROGRAMMES = 50;

/**
 * The subsidy programmes that cover a cluster, among the newest
 * DASHBOARD_PROGRAMMES (one bounded Query). Each programme listed costs two
 * more BatchGets of its counter items, whatever the number of contracts.
 */
export const councilProgrammes: ProgrammesOf = async (deps, cluster) => {
  const { items } = await listProgrammes(deps.db, { limit: DASHBOARD_PROGRAMMES });
  return items.filter((programme) => programme.clusters.includes(cluster)).map(({ id, name }) => ({ id, name }));
};

/**
 * Which clusters the caller sees on the council's dashboard (`councilReach` in
 * core): a college's are its own and those of the studios whose affiliation it
 * accepted — one bounded Query of its studios.
 */
export async function councilReachOf(deps: ServiceDeps, principal: Principal): Promise<CouncilReach> {
  const org = principal.org;
  if (org?.type !== 'COLLEGE' || org.status !== 'VERIFIED') return councilReach(org);
  const studios = await readAll((page) => listStudiosOfCollege(deps.db, org.id, page), 100, STUDIOS_PER_COLLEGE);
  const clusters = studios.filter((studio) => affiliationOf(studio) === 'ACCEPTED' && studio.cluster).map((studio) => studio.cluster!);
  return councilReach(org, clusters);
}

export interface DashboardScope {
  months: string[];
  figures: FigureSeries[];
}

/** One scope's figures: its month buckets and `#TOTAL` by key (2 BatchGets of 8 shards × 25 buckets). */
async function scopeSeries(deps: ServiceDeps, scope: string, months: string[], figures: readonly CouncilFigure[], withTotal: boolean): Promise<FigureSeries[]> {
  const buckets = [...months.map((month) => `MONTH#${month}`), ...(withTotal ? [TOTAL_BUCKET] : [])];
  const counters = await readClusterBuckets(deps.db, scope, buckets);
  const byMonth = Object.fromEntries(months.map((month) => [month, counters[`MONTH#${month}`] ?? {}]));
  return figureSeries(figures, months, byMonth, counters[TOTAL_BUCKET] ?? {});
}

/**
 * The council's dashboard of one cluster: every figure per UTC month over the
 * last `months` months, read only from counter items by key — the same number
 * of reads at ten contracts or ten thousand.
 */
export async function councilDashboard(
  deps: ServiceDeps,
  principal: Principal,
  query: { cluster?: string; months?: number },
  programmesOf: ProgrammesOf = councilProgrammes,
) {
  return councilDashboardIn(deps, await councilReachOf(deps, principal), query, programmesOf);
}

/** The dashboard within a reach already read (the page reads it once for its menu of clusters too). */
export function councilDashboardIn(deps: ServiceDeps, reach: CouncilReach, query: { cluster?: string; months?: number }, programmesOf: ProgrammesOf = councilProgrammes) {
  return dashboardOf(deps, reach, councilCluster(reach, query.cluster), query.months, programmesOf);
}

async function dashboardOf(deps: ServiceDeps, reach: CouncilReach, cluster: string, monthCount: number | undefined, programmesOf: ProgrammesOf) {
  const months = dashboardMonths(deps.clock(), monthCount ?? DASHBOARD_MONTHS.default);
  const [figures, programmes] = await Promise.all([
    scopeSeries(deps, cluster, months, COUNCIL_FIGURES, true),
    programmesOf(deps, cluster).then((list) =>
      Promise.all(list.map(async (programme) => ({ ...programme, figures: await scopeSeries(deps, programmeStatsScope(programme.id), months, PROGRAMME_FIGURES, false) }))),
    ),
  ]);
  return { cluster, clusters: reach.clusters, timeZone: 'UTC' as const, months, figures, programmes };
}

export type CouncilDashboard = Awaited<ReturnType<typeof councilDashboard>>;

const unitSuffix = { fen: '（元）', hours: '（小时）', count: '' } as const;

/**
 * The dashboard as CSV: one row per cluster (or programme) and month, a
 * column per figure; Chinese headers, money in yuan with two decimals,
 * UTF-8 with a byte-order mark so spreadsheet programs read the Chinese.
 * Without a cluster: every cluster the caller's reach offers.
 */
/** The council CSV's file name: its cluster (or `all`) and the day it was made. */
export const councilCsvFileName = (query: { cluster?: string }, now: Date) => `council-${query.cluster ?? 'all'}-${now.toISOString().slice(0, 10)}.csv`;

export async function councilDashboardCsv(
  deps: ServiceDeps,
  principal: Principal,
  query: { cluster?: string; months?: number },
  programmesOf: ProgrammesOf = councilProgrammes,
): Promise<string> {
  const reach = await councilReachOf(deps, principal);
  // Without a cluster: all of the member's; a member with none gets the dashboard's refusal.
  const clusters = query.cluster === undefined ? reach.clusters : [councilCluster(reach, query.cluster)];
  if (clusters.length === 0) councilCluster(reach, undefined);
  const header = ['范围', '名称', '月份（UTC）', ...COUNCIL_FIGURES.map((f) => `${f.label['zh-CN']}${unitSuffix[f.unit]}`)];
  const rows: string[][] = [];
  const cell = (series: FigureSeries, index: number) => (series.unit === 'fen' ? fenToYuanText(series.values[index]!) : String(series.values[index]));
  for (const cluster of clusters) {
    const dashboard = await dashboardOf(deps, reach, cluster, query.months, programmesOf);
    dashboard.months.forEach((month, index) => rows.push(['产业集群', cluster, month, ...dashboard.figures.map((series) => cell(series, index))]));
    for (const programme of dashboard.programmes) {
      const byId = new Map(programme.figures.map((series) => [series.id, series]));
      dashboard.months.forEach((month, index) =>
        rows.push(['补贴项目', programme.name, month, ...COUNCIL_FIGURES.map((f) => (byId.has(f.id) ? cell(byId.get(f.id)!, index) : ''))]),
      );
    }
  }
  return `\uFEFF${stringify([header, ...rows], { record_delimiter: 'windows' })}`;
}
