import { describe, expect, it } from 'vitest';
import { formatMoney } from '@sharedtech/core';
import { CHART, Chart, chartGeometry, leftMarginFor, niceStep } from './chart.js';

const yuan = (fen: number) => formatMoney({ amount: fen, currency: 'CNY' });
const render = (props: Partial<Parameters<typeof Chart>[0]> = {}) =>
  String(
    Chart({
      id: 'c1', title: '合同金额', description: '24 个月合计 ¥30,000.00', labels: ['2025-01', '2025-02', '2025-03', '2025-04'], values: [0, 1_000_000, 2_500_000, 500_000],
      kind: 'bar', format: yuan, minStep: 100, ...props,
    }),
  );

describe('niceStep', () => {
  it.each([
    [10, 2.5], [100, 25], [7, 2], [3_000_000, 1_000_000], [1, 1],
  ])('a span of %d has a step of 1, 2 or 5 × 10ⁿ at least a quarter of it (%d)', (span, quarter) => {
    const step = niceStep(span);
    expect(step).toBeGreaterThanOrEqual(quarter);
    expect(step / 10 ** Math.floor(Math.log10(step))).toSatisfy((m: number) => [1, 2, 5].includes(m));
  });

  it('never goes below the smallest step (whole counts, whole yuan)', () => {
    expect(niceStep(2, 4, 1)).toBe(1);
    expect(niceStep(120, 4, 100)).toBe(100);
    expect(niceStep(0, 4, 100)).toBe(100);
  });
});

describe('chartGeometry', () => {
  it('puts 0 on the axis, covers the highest value with whole steps, and gives each value a slot left to right', () => {
    const g = chartGeometry([0, 3, 7, 1]);
    expect(g.min).toBe(0);
    expect(g.max).toBeGreaterThanOrEqual(7);
    expect(g.ticks[0]!.value).toBe(0);
    expect(g.ticks.at(-1)!.value).toBe(g.max);
    expect(g.baseline).toBe(CHART.height - CHART.bottom);
    expect(g.points.map((p) => p.x)).toEqual([...g.points.map((p) => p.x)].sort((a, b) => a - b));
    // The tallest bar reaches the highest value's height; a zero has no bar.
    expect(g.points[2]!.barHeight).toBeGreaterThan(g.points[1]!.barHeight);
    expect(g.points[0]!.barHeight).toBe(0);
    expect(g.points[2]!.barY + g.points[2]!.barHeight).toBeCloseTo(g.baseline, 5);
  });

  it('a negative value hangs below the baseline, inside the plot', () => {
    const g = chartGeometry([-500, 1_000], 100);
    expect(g.min).toBeLessThan(0);
    expect(g.points[0]!.barY).toBe(g.baseline);
    expect(g.points[0]!.y).toBeGreaterThan(g.baseline);
    expect(g.points[0]!.y).toBeLessThanOrEqual(CHART.height - CHART.bottom);
  });

  it('all zeros still draw an axis with one step', () => {
    const g = chartGeometry([0, 0, 0]);
    expect(g.ticks.map((t) => t.value)).toEqual([0, 1]);
  });
});

describe('leftMarginFor', () => {
  it('grows with the longest value label, within bounds', () => {
    expect(leftMarginFor(['0', '1'])).toBe(36);
    expect(leftMarginFor(['¥0.00', '¥30,000.00'])).toBeGreaterThan(leftMarginFor(['¥0.00', '¥300.00']));
    expect(leftMarginFor(['x'.repeat(100)])).toBe(180);
  });
});

describe('Chart', () => {
  it('is an image named by its title and description', () => {
    const svg = render();
    expect(svg).toMatch(/^<svg[^>]*role="img"[^>]*aria-labelledby="c1-title c1-desc"/);
    expect(svg).toContain('<title id="c1-title">合同金额</title>');
    expect(svg).toContain('<desc id="c1-desc">24 个月合计 ¥30,000.00</desc>');
  });

  it('draws one bar per month with its value as ¥ with two decimals, and money on the axis', () => {
    const svg = render();
    expect(svg.match(/<rect /g)).toHaveLength(4);
    expect(svg).toContain('<title>2025-03: ¥25,000.00</title>');
    expect(svg).toMatch(/<text[^>]*>¥0\.00<\/text>/);
  });

  it('labels every third month counting back from the last', () => {
    const svg = render();
    expect(svg).toContain('>2025-04</text>');
    expect(svg).toContain('>2025-01</text>');
    expect(svg).not.toContain('>2025-02</text>');
  });

  it('a line chart is a polyline through a point per month', () => {
    const svg = render({ kind: 'line' });
    expect(svg).toContain('<polyline points="');
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg).not.toContain('<rect ');
  });

  it('escapes text', () => {
    expect(render({ title: '<b>x</b>' })).toContain('&lt;b&gt;x&lt;/b&gt;');
  });
});
