import { DAY_MS } from './clock.js';

/** Median of a list of numbers (mean of the middle two for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Whole days between two ISO instants, to one decimal (statistics only; never money). */
export const daysBetween = (fromIso: string, toIso: string) => Math.round(((Date.parse(toIso) - Date.parse(fromIso)) / DAY_MS) * 10) / 10;

/** A part of a whole in basis points, rounded half up; 0 when the whole is 0. */
export const ratioBps = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part * 10_000) / whole));

/**
 * How well a studio fits a request: shared capability tags weigh most, then
 * the same industry cluster, then a little for past contracts (capped so a
 * newcomer with the right skills still ranks above an incumbent without them).
 */
export function matchScore(input: { requestTags: readonly string[]; capabilities: readonly string[]; sameCluster: boolean; pastContracts: number }) {
  const wanted = new Set(input.requestTags.map((tag) => tag.toLowerCase()));
  const shared = input.capabilities.filter((capability) => wanted.has(capability.toLowerCase()));
  const score = shared.length * 10 + (input.sameCluster ? 5 : 0) + Math.min(input.pastContracts, 3);
  return { score, sharedTags: shared };
}
