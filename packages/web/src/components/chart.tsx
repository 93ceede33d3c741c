import type { FC } from 'hono/jsx';

/*
 * Charts drawn on the server as SVG: no chart library, no script. Each chart
 * is an image with a title and a description for screen readers, and the
 * caller puts the numbers in a table beside it.
 */

export const CHART = { width: 460, height: 230, top: 16, right: 36, bottom: 40, left: 96, fontSize: 16 } as const;

/** The left margin that fits the longest value label (digits and ¥ are about 0.6 em wide), within bounds. */
export const leftMarginFor = (labels: readonly string[]) =>
  Math.round(Math.min(180, Math.max(36, 14 + Math.max(0, ...labels.map((label) => label.length)) * CHART.fontSize * 0.6)));

/** A "nice" step (1, 2 or 5 × 10ⁿ) so that about `count` steps cover `span`; at least `minStep`. */
export function niceStep(span: number, count = 4, minStep = 1): number {
  if (span <= 0) return minStep;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw)!;
  return Math.max(step, minStep);
}

export interface ChartGeometry {
  /** The value axis: from `min` to `max` in `step`s, 0 always on it. */
  min: number;
  max: number;
  ticks: { value: number; y: number }[];
  /** Where 0 is. */
  baseline: number;
  /** Per value: the centre of its slot, and its bar from the baseline. */
  points: { x: number; y: number; barX: number; barY: number; barHeight: number; barWidth: number }[];
}

/** Scales and positions of a chart of `values` (one slot per value, left to right). */
export function chartGeometry(values: readonly number[], minStep = 1, left: number = CHART.left): ChartGeometry {
  const { width, height, top, right, bottom } = CHART;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  const step = niceStep(high - low, 4, minStep);
  const min = Math.floor(low / step) * step;
  const max = Math.max(Math.ceil(high / step) * step, min + step);
  const y = (value: number) => top + plotHeight - ((value - min) / (max - min)) * plotHeight;
  const ticks: ChartGeometry['ticks'] = [];
  for (let value = min; value <= max; value += step) ticks.push({ value, y: round(y(value)) });
  const slot = plotWidth / Math.max(values.length, 1);
  const barWidth = round(Math.max(slot * 0.7, 1));
  const baseline = round(y(0));
  const points = values.map((value, index) => {
    const x = round(left + slot * index + slot / 2);
    const at = round(y(value));
    return { x, y: at, barX: round(x - barWidth / 2), barY: Math.min(at, baseline), barHeight: round(Math.abs(baseline - at)), barWidth };
  });
  return { min, max, ticks, baseline, points };
}

const round = (value: number) => Math.round(value * 10) / 10;

export interface ChartProps {
  /** Unique on the page: the title and description are referenced by id. */
  id: string;
  title: string;
  /** What the chart shows in words (the period, the total, the highest month). */
  description: string;
  /** One label per value (the x axis); only every `labelEvery`-th is drawn. */
  labels: readonly string[];
  values: readonly number[];
  kind: 'bar' | 'line';
  /** Axis and tooltip text of a value (money as ¥ with two decimals). */
  format: (value: number) => string;
  /** Smallest tick step in the values' unit (1 for counts, 100 for fen = ¥1.00). */
  minStep?: number;
  labelEvery?: number;
}

/** A bar or line chart as an accessible SVG image (`role="img"`, `<title>`, `<desc>`). */
export const Chart: FC<ChartProps> = ({ id, title, description, labels, values, kind, format, minStep = 1, labelEvery = 3 }) => {
  const { width, height, right, bottom } = CHART;
  const left = leftMarginFor(chartGeometry(values, minStep).ticks.map((tick) => format(tick.value)));
  const geometry = chartGeometry(values, minStep, left);
  const last = labels.length - 1;
  return (
    <svg
      class="chart"
      data-chart={id}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      xmlns="http://www.w3.org/2000/svg"
      preserveAspectRatio="xMidYMid meet"
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description}</desc>
      <g class="chart-grid" aria-hidden="true">
        {geometry.ticks.map((tick) => (
          <g>
            <line x1={left} x2={width - right} y1={tick.y} y2={tick.y} />
            <text x={left - 8} y={tick.y + 5} text-anchor="end">{format(tick.value)}</text>
          </g>
        ))}
      </g>
      <line class="chart-axis" x1={left} x2={width - right} y1={geometry.baseline} y2={geometry.baseline} aria-hidden="true" />
      <g class="chart-labels" aria-hidden="true">
        {labels.map((label, index) =>
          (last - index) % labelEvery === 0 ? (
            <text x={geometry.points[index]?.x ?? left} y={height - bottom + 24} text-anchor="middle">{label}</text>
          ) : null,
        )}
      </g>
      {kind === 'bar' ? (
        <g class="chart-bars">
          {geometry.points.map((point, index) => (
            <rect x={point.barX} y={point.barY} width={point.barWidth} height={point.barHeight} class={values[index]! < 0 ? 'negative' : undefined}>
              <title>{`${labels[index]}: ${format(values[index]!)}`}</title>
            </rect>
          ))}
        </g>
      ) : (
        <g class="chart-line">
          <polyline points={geometry.points.map((point) => `${point.x},${point.y}`).join(' ')} />
          {geometry.points.map((point, index) => (
            <circle cx={point.x} cy={point.y} r="3">
              <title>{`${labels[index]}: ${format(values[index]!)}`}</title>
            </circle>
          ))}
        </g>
      )}
    </svg>
  );
};
