import { appointmentCounter } from './appointment.js';
import { educationCounter } from './education.js';
import { poolCounter } from './pool-stats.js';
import { programmeCounter } from './programme-stats.js';
import { ForbiddenError } from './errors.js';
import type { Organisation, OrgType } from './organisation.js';
import { resourceCounter } from './resource.js';
import { counter, monthBucket, type Counters } from './stats.js';

// ── The council's dashboard (理事会看板) ─────────────────────────────────────
//
// Figures per month over the last months, read only from the statistics
// counter items (`MONTH#yyyy-mm` buckets, and `#TOTAL` for stocks): the same
// reads whatever the size of the cluster. Months are UTC calendar months,
// exactly as `monthBucket` buckets the counters (a change at 2025-02-01 07:00
// Asia/Shanghai is still January's); the page says so.

/** Industry clusters of the consortium (a cluster-less association or government body sees them all). */
export const INDUSTRY_CLUSTERS = [
  'smart-manufacturing', 'new-energy-vehicles', 'electronic-information', 'biomedicine', 'new-materials', 'modern-agriculture', 'digital-economy',
] as const;

/**
 * Counter names written by the subsidy programme, education outcome and pool
 * features (in a cluster's buckets, `#TOTAL` and the month of the change),
 * named from those features' own constants so reader and writers cannot drift.
 */
export const councilCounter = {
  /** Fen reserved from a programme at approval, posted in FUND entries, returned to its programme. */
  subsidyApproved: programmeCounter.approved,
  subsidyPaid: programmeCounter.paid,
  subsidyReturned: programmeCounter.returned,
  /** Participation entries fully signed off (teacher and enterprise mentor), their student hours, records issued at completion. */
  participationSignedOff: educationCounter.signedOff,
  studentHoursSignedOff: educationCounter.hours,
  studentRecordsIssued: educationCounter.recordsIssued,
  /** Pooled requests awarded, and the members of those pools. */
  poolsAwarded: poolCounter.awarded,
  poolMembersAwarded: poolCounter.members,
} as const;

export type FigureUnit = 'count' | 'fen' | 'hours';
export type FigureGroup = 'market' | 'money' | 'subsidy' | 'education' | 'talent' | 'resources' | 'pools';

export interface CouncilFigure {
  id: string;
  group: FigureGroup;
  unit: FigureUnit;
  /** Month counter it reads (the sum of that month's shards). */
  counter: string;
  /** A stock at the end of each month: the `#TOTAL` less the months after it (only for flows whose total is their running sum). */
  stock?: true;
  label: { 'zh-CN': string; en: string };
}

const figure = (id: string, group: FigureGroup, unit: FigureUnit, name: string, zh: string, en: string, stock?: true): CouncilFigure => ({
  id, group, unit, counter: name, label: { 'zh-CN': zh, en }, ...(stock ? { stock } : {}),
});

/** Every figure of the dashboard, in the order shown and exported. */
export const COUNCIL_FIGURES: readonly CouncilFigure[] = [
  figure('requestsOpened', 'market', 'count', counter.requestsEntered('OPEN'), '发布需求', 'Requests published'),
  figure('bidsSubmitted', 'market', 'count', counter.bidsEntered('SUBMITTED'), '提交方案', 'Bids submitted'),
  figure('awards', 'market', 'count', counter.requestsEntered('AWARDED'), '授标', 'Awards'),
  figure('contractsSigned', 'market', 'count', counter.contractsEntered('ACTIVE'), '合同生效', 'Contracts signed'),
  figure('contractsCompleted', 'market', 'count', counter.contractsEntered('COMPLETED'), '合同完成', 'Contracts completed'),
  figure('contractValue', 'money', 'fen', counter.contractValue, '合同金额', 'Contract value'),
  figure('escrowNet', 'money', 'fen', counter.escrow, '托管净流入', 'Escrow net inflow'),
  figure('escrowHeld', 'money', 'fen', counter.escrow, '月末托管余额', 'Escrow held at month end', true),
  figure('paid', 'money', 'fen', counter.earnings, '支付给工作室', 'Paid to studios'),
  figure('subsidyApproved', 'subsidy', 'fen', councilCounter.subsidyApproved, '补贴批准', 'Subsidy approved'),
  figure('subsidyPaid', 'subsidy', 'fen', councilCounter.subsidyPaid, '补贴拨付', 'Subsidy paid'),
  figure('subsidyReturned', 'subsidy', 'fen', councilCounter.subsidyReturned, '补贴退回', 'Subsidy returned'),
  figure('participationSignedOff', 'education', 'count', councilCounter.participationSignedOff, '学生参与签认', 'Participation signed off'),
  figure('studentHours', 'education', 'hours', councilCounter.studentHoursSignedOff, '签认学时', 'Signed-off student hours'),
  figure('studentRecords', 'education', 'count', councilCounter.studentRecordsIssued, '学生项目记录', 'Student records issued'),
  figure('appointmentsConfirmed', 'talent', 'count', appointmentCounter.confirmed, '互聘确认', 'Appointments confirmed'),
  figure('bookingsApproved', 'resources', 'count', resourceCounter.approvedEntered, '资源预约批准', 'Bookings approved'),
  figure('bookedHours', 'resources', 'hours', resourceCounter.bookedHoursEntered, '资源使用时长', 'Resource hours booked'),
  figure('poolsAwarded', 'pools', 'count', councilCounter.poolsAwarded, '联合需求授标', 'Pooled requests awarded'),
  figure('poolMembersAwarded', 'pools', 'count', councilCounter.poolMembersAwarded, '联合需求成员', 'Members of awarded pools'),
];

/** The figures of a subsidy programme (its own scope). */
export const PROGRAMME_FIGURES: readonly CouncilFigure[] = COUNCIL_FIGURES.filter((f) => f.group === 'subsidy');

export const DASHBOARD_MONTHS = { default: 24, max: 36 } as const;

/** The `months` UTC calendar months ending with the month of `until`, oldest first, as `yyyy-mm`. */
export function dashboardMonths(until: Date, months: number): string[] {
  return Array.from({ length: months }, (_, back) =>
    monthBucket(new Date(Date.UTC(until.getUTCFullYear(), until.getUTCMonth() - (months - 1 - back), 1)).toISOString()).slice('MONTH#'.length),
  );
}

export interface FigureSeries {
  id: string;
  group: FigureGroup;
  unit: FigureUnit;
  /** One value per month, aligned with the dashboard's months. */
  values: number[];
  /** Flows: the sum over the months; stocks: the last month's value. */
  total: number;
}

/**
 * The series of every figure from counters per month (`yyyy-mm` → counters)
 * and the scope's `#TOTAL`. A stock (escrow held) at the end of a month is the
 * total less the net flows of every later month the dashboard read — exact as
 * long as `months` reaches the current month, as `dashboardMonths` does.
 */
export function figureSeries(figures: readonly CouncilFigure[], months: readonly string[], byMonth: Record<string, Counters>, total: Counters): FigureSeries[] {
  return figures.map((f) => {
    const flows = months.map((month) => byMonth[month]?.[f.counter] ?? 0);
    let values = flows;
    if (f.stock) {
      let later = 0;
      values = new Array<number>(flows.length);
      for (let index = flows.length - 1; index >= 0; index -= 1) {
        values[index] = (total[f.counter] ?? 0) - later;
        later += flows[index]!;
      }
    }
    const sum = f.stock ? (values.at(-1) ?? 0) : values.reduce((a, b) => a + b, 0);
    return { id: f.id, group: f.group, unit: f.unit, values, total: sum };
  });
}

/** Fen as yuan with two decimals and no grouping, for exports ("-1234.05"). */
export function fenToYuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

// ── Who sits on the council and which clusters each sees ───────────────────

/** Organisations on the council: associations, government bodies and colleges. */
export const COUNCIL_TYPES: readonly OrgType[] = ['ASSOCIATION', 'GOVERNMENT', 'COLLEGE'];

export const isCouncilMember = (org: Pick<Organisation, 'type' | 'status'> | undefined) =>
  org !== undefined && org.status === 'VERIFIED' && COUNCIL_TYPES.includes(org.type);

export interface CouncilReach {
  /** The clusters offered by default (menus, exports without a cluster), own first. */
  clusters: string[];
  /** Whether any other well-formed cluster may be asked for as well. */
  anyCluster: boolean;
}

/**
 * Which clusters a council member sees:
 * - an association serves the whole consortium: every cluster (its own first);
 * - a government body with a cluster sees that cluster; one without (city-wide) every cluster —
 *   the rule its appointments already follow;
 * - a college sees its own cluster and the clusters of its studios whose affiliation it
 *   accepted (`studioClusters`), and nothing else;
 * - enterprises, studios and unverified organisations are not on the council.
 */
export function councilReach(org: Organisation | undefined, studioClusters: readonly string[] = []): CouncilReach {
  if (!org || !isCouncilMember(org)) {
    throw new ForbiddenError('NOT_COUNCIL_MEMBER', 'Only verified associations, government bodies and colleges see the council’s dashboard.');
  }
  const own = org.cluster ? [org.cluster] : [];
  const everything = [...new Set([...own, ...INDUSTRY_CLUSTERS])];
  if (org.type === 'ASSOCIATION') return { clusters: everything, anyCluster: true };
  if (org.type === 'GOVERNMENT') return org.cluster ? { clusters: own, anyCluster: false } : { clusters: everything, anyCluster: true };
  return { clusters: [...new Set([...own, ...[...studioClusters].sort()])], anyCluster: false };
}

/** The cluster a member may read: `asked` if its reach allows it, else the first of its clusters. */
export function councilCluster(reach: CouncilReach, asked: string | undefined): string {
  if (asked !== undefined) {
    if (reach.anyCluster || reach.clusters.includes(asked)) return asked;
    throw new ForbiddenError('NOT_IN_CLUSTER', 'Your organisation does not belong to this cluster.');
  }
  const first = reach.clusters[0];
  if (!first) throw new ForbiddenError('NO_COUNCIL_CLUSTER', 'Your organisation belongs to no cluster yet: set its cluster, or accept a studio’s affiliation.');
  return first;
}
