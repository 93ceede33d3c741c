import { describe, expect, it } from 'vitest';
import {
  COUNCIL_FIGURES, councilCluster, councilReach, dashboardMonths, fenToYuanText, figureSeries, INDUSTRY_CLUSTERS, type CouncilFigure,
} from './council.js';
import type { Organisation, OrgType } from './organisation.js';
import { counter } from './stats.js';

const org = (type: OrgType, extra: Partial<Organisation> = {}): Organisation => ({
  id: 'org_1', type, name: '单位', status: 'VERIFIED', capabilities: [], createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z', version: 1, ...extra,
});

describe('dashboardMonths', () => {
  it('lists UTC calendar months oldest first, ending with the current one', () => {
    expect(dashboardMonths(new Date('2025-03-15T00:00:00Z'), 4)).toEqual(['2024-12', '2025-01', '2025-02', '2025-03']);
  });

  it('takes the UTC month, as monthBucket does: 1 March 07:00 in Shanghai is still February', () => {
    expect(dashboardMonths(new Date('2025-02-28T23:00:00Z'), 1)).toEqual(['2025-02']);
  });

  it('crosses years and gives 24 distinct months', () => {
    const months = dashboardMonths(new Date('2026-01-31T12:00:00Z'), 24);
    expect(months).toHaveLength(24);
    expect(new Set(months).size).toBe(24);
    expect(months[0]).toBe('2024-02');
    expect(months.at(-1)).toBe('2026-01');
  });
});

describe('figureSeries', () => {
  const months = ['2025-01', '2025-02', '2025-03'];
  const flow: CouncilFigure = { id: 'bids', group: 'market', unit: 'count', counter: 'bids>SUBMITTED', label: { 'zh-CN': '方案', en: 'Bids' } };
  const stock: CouncilFigure = { id: 'held', group: 'money', unit: 'fen', counter: 'escrow', stock: true, label: { 'zh-CN': '余额', en: 'Held' } };

  it('a flow is the month counter (absent = 0) and its total the sum', () => {
    const [series] = figureSeries([flow], months, { '2025-01': { 'bids>SUBMITTED': 2 }, '2025-03': { 'bids>SUBMITTED': 5 } }, {});
    expect(series).toEqual({ id: 'bids', group: 'market', unit: 'count', values: [2, 0, 5], total: 7 });
  });

  it('a stock at each month end is the total less the later months’ net flows', () => {
    // Held now 30 000; March took in 10 000 net, February released 5 000, January took in 25 000.
    const byMonth = { '2025-01': { escrow: 25_000 }, '2025-02': { escrow: -5_000 }, '2025-03': { escrow: 10_000 } };
    const [series] = figureSeries([stock], months, byMonth, { escrow: 30_000 });
    expect(series!.values).toEqual([25_000, 20_000, 30_000]);
    expect(series!.total).toBe(30_000);
  });

  it('a stock with money held before the window starts keeps it in every month', () => {
    const [series] = figureSeries([stock], months, { '2025-03': { escrow: -1_000 } }, { escrow: 4_000 });
    expect(series!.values).toEqual([5_000, 5_000, 4_000]);
  });

  it('every registered figure has a distinct id and both labels', () => {
    expect(new Set(COUNCIL_FIGURES.map((f) => f.id)).size).toBe(COUNCIL_FIGURES.length);
    for (const f of COUNCIL_FIGURES) expect(f.label['zh-CN'] && f.label.en).toBeTruthy();
    expect(COUNCIL_FIGURES.find((f) => f.id === 'contractValue')!.counter).toBe(counter.contractValue);
    expect(COUNCIL_FIGURES.map((f) => f.counter)).toEqual(expect.arrayContaining([
      'subsidy>APPROVED', 'subsidy>PAID', 'subsidy>RETURNED', 'participation>SIGNED_OFF', 'studentHours>SIGNED_OFF', 'studentRecords>ISSUED', 'pools>AWARDED', 'poolMembers>AWARDED',
    ]));
  });
});

describe('fenToYuanText', () => {
  it.each([
    [0, '0.00'], [5, '0.05'], [123_456, '1234.56'], [-205, '-2.05'], [100_000_000_000, '1000000000.00'],
  ])('%d fen is %s', (fen, text) => expect(fenToYuanText(fen)).toBe(text));
});

describe('councilReach', () => {
  const forbidden = (work: () => unknown) => {
    try {
      work();
    } catch (error) {
      return (error as { code: string }).code;
    }
    return 'allowed';
  };

  it('an association sees every cluster, its own first, and may ask for any', () => {
    const reach = councilReach(org('ASSOCIATION', { cluster: 'biomedicine' }));
    expect(reach.clusters[0]).toBe('biomedicine');
    expect(reach.clusters).toHaveLength(INDUSTRY_CLUSTERS.length);
    expect(councilCluster(reach, 'prop-7')).toBe('prop-7');
  });

  it('a government body with a cluster sees only it; a city-wide one every cluster', () => {
    const own = councilReach(org('GOVERNMENT', { cluster: 'new-energy-vehicles' }));
    expect(own.clusters).toEqual(['new-energy-vehicles']);
    expect(forbidden(() => councilCluster(own, 'smart-manufacturing'))).toBe('NOT_IN_CLUSTER');
    expect(councilReach(org('GOVERNMENT')).anyCluster).toBe(true);
  });

  it('a college sees its own cluster and its affiliated studios’, nothing else', () => {
    const reach = councilReach(org('COLLEGE', { cluster: 'digital-economy' }), ['smart-manufacturing', 'biomedicine', 'smart-manufacturing']);
    expect(reach.clusters).toEqual(['digital-economy', 'biomedicine', 'smart-manufacturing']);
    expect(councilCluster(reach, undefined)).toBe('digital-economy');
    expect(forbidden(() => councilCluster(reach, 'new-materials'))).toBe('NOT_IN_CLUSTER');
    expect(forbidden(() => councilCluster(councilReach(org('COLLEGE')), undefined))).toBe('NO_COUNCIL_CLUSTER');
  });

  it('enterprises, studios, unverified members and people without an organisation are not on the council', () => {
    for (const type of ['ENTERPRISE', 'STUDIO'] as const) expect(forbidden(() => councilReach(org(type)))).toBe('NOT_COUNCIL_MEMBER');
    expect(forbidden(() => councilReach(org('COLLEGE', { status: 'PENDING' })))).toBe('NOT_COUNCIL_MEMBER');
    expect(forbidden(() => councilReach(undefined))).toBe('NOT_COUNCIL_MEMBER');
  });
});
