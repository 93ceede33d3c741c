/** The printed tables. The JSON report carries the same rows and more. */
import type { EndpointRow } from './endpoints.js';
import { round } from './stats.js';

const pad = (value: unknown, width: number, left = false) => (left ? String(value).padEnd(width) : String(value).padStart(width));

export function endpointTable(rows: readonly EndpointRow[]): string {
  const header = [pad('endpoint', 30, true), pad('p50', 7), pad('p95', 7), pad('calls', 5), pad('seq', 4), pad('cap', 6), pad('floor', 7), pad('×floor', 6), '  calls made'].join(' ');
  const lines = rows.map((row) =>
    [
      pad(row.name, 30, true),
      pad(row.p50.toFixed(1), 7),
      pad(row.p95.toFixed(1), 7),
      pad(row.callsMin === row.callsMax ? row.calls : `${row.calls}*`, 5),
      pad(row.roundTrips, 4),
      pad(row.capacity, 6),
      pad(row.floorP50.toFixed(1), 7),
      pad(row.kind === 'baseline' ? '' : row.ratio.toFixed(2), 6),
      `  ${row.mix.length > 70 ? `${row.mix.slice(0, 67)}…` : row.mix}${row.unbounded.length ? '  ⚠ unbounded' : ''}${
        row.errors ? `  ✗ ${Object.entries(row.statuses).map(([status, n]) => `HTTP ${status}×${n}`).join(' ')}` : ''
      }${row.replayEstimated ? '  (floor replay scaled from the first 300 calls)' : ''}`,
    ].join(' '),
  );
  return [header, ...lines].join('\n');
}

export interface ScaleComparison {
  name: string;
  callsSmall: number;
  callsLarge: number;
  callsRatio: number;
  capacitySmall: number;
  capacityLarge: number;
  capacityRatio: number;
  p50Small: number;
  p50Large: number;
  p50Ratio: number;
  /** Calls and capacity per request within 1.1× across the sizes. */
  flat: boolean;
  unbounded: string[];
}

const ratio = (large: number, small: number) => (small === 0 ? (large === 0 ? 1 : Number.POSITIVE_INFINITY) : round(large / small));

export function compareScales(small: readonly EndpointRow[], large: readonly EndpointRow[]): ScaleComparison[] {
  return small
    .filter((row) => row.kind !== 'baseline')
    .map((row) => {
      const other = large.find((candidate) => candidate.name === row.name);
      const callsLarge = other?.calls ?? Number.NaN;
      const capacityLarge = other?.capacity ?? Number.NaN;
      const callsRatio = ratio(callsLarge, row.calls);
      const capacityRatio = ratio(capacityLarge, row.capacity);
      return {
        name: row.name,
        callsSmall: row.calls,
        callsLarge,
        callsRatio,
        capacitySmall: row.capacity,
        capacityLarge,
        capacityRatio,
        p50Small: row.p50,
        p50Large: other?.p50 ?? Number.NaN,
        p50Ratio: ratio(other?.p50 ?? Number.NaN, row.p50),
        flat: callsRatio <= 1.1 && capacityRatio <= 1.1,
        unbounded: [...new Set([...row.unbounded, ...(other?.unbounded ?? [])])],
      };
    });
}

export function comparisonTable(rows: readonly ScaleComparison[], small: number, large: number): string {
  const header = [pad('endpoint', 30, true), pad(`calls ${small}×`, 9), pad(`${large}×`, 7), pad('ratio', 6), pad(`cap ${small}×`, 8), pad(`${large}×`, 8), pad('ratio', 6), pad(`p50 ${small}×`, 8), pad(`${large}×`, 8), pad('ratio', 6), '  flat?'].join(' ');
  const lines = rows.map((row) =>
    [
      pad(row.name, 30, true),
      pad(row.callsSmall, 9),
      pad(row.callsLarge, 7),
      pad(row.callsRatio, 6),
      pad(row.capacitySmall, 8),
      pad(row.capacityLarge, 8),
      pad(row.capacityRatio, 6),
      pad(row.p50Small.toFixed(1), 8),
      pad(Number.isFinite(row.p50Large) ? row.p50Large.toFixed(1) : '-', 8),
      pad(row.p50Ratio, 6),
      `  ${row.flat ? 'yes' : 'NO'}${row.unbounded.length ? `  ⚠ ${row.unbounded.join(' ')}` : ''}`,
    ].join(' '),
  );
  return [header, ...lines].join('\n');
}
