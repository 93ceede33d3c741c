/**
 * Largest-remainder allocation by arbitrary integer weights.
 *
 * `allocateByBps` (money.ts) splits by basis points; refunds and splits need to
 * split by *what each funder paid*, which is not a bps table. This is the same
 * method with weights instead of bps, so both obey one rounding rule:
 *
 * 1. every part starts at floor(total × weight / Σweights) — exact in BigInt;
 * 2. the units this leaves over (fewer than the number of parts) go one each to
 *    the parts with the largest fractional remainders;
 * 3. equal remainders go to the larger weight first, then to the earlier position.
 *
 * So the parts always sum exactly to `total`, each part is within one minor unit
 * of its exact share (strictly less than one away), and the result depends only
 * on the input order, never on sort stability or floating point.
 */
export interface WeightedPart<K> {
  key: K;
  /** A non-negative integer; only its ratio to the other weights matters. */
  weight: bigint | number;
}

export interface Allocation<K> {
  key: K;
  amount: number;
}

export function allocateByWeight<K>(total: number, parts: readonly WeightedPart<K>[]): Allocation<K>[] {
  if (!Number.isSafeInteger(total)) throw new RangeError('total must be a safe integer');
  if (parts.length === 0) throw new RangeError('at least one part is required');
  const weights = parts.map((part) => {
    const weight = typeof part.weight === 'bigint' ? part.weight : BigInt(assertWeight(part.weight));
    if (weight < 0n) throw new RangeError('weights must be non-negative');
    return weight;
  });
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0n);
  if (weightSum === 0n) throw new RangeError('weights must not all be zero');

  // Allocate the magnitude and restore the sign at the end, so a negative total
  // (a loss) rounds exactly like the positive one, mirrored.
  const negative = total < 0;
  const magnitude = BigInt(Math.abs(total));
  const shares = weights.map((weight, index) => {
    const exact = magnitude * weight;
    return { index, weight, amount: exact / weightSum, remainder: exact % weightSum };
  });
  let leftover = magnitude - shares.reduce((sum, share) => sum + share.amount, 0n);
  const byRemainder = [...shares].sort((a, b) => {
    if (a.remainder !== b.remainder) return b.remainder > a.remainder ? 1 : -1;
    if (a.weight !== b.weight) return b.weight > a.weight ? 1 : -1;
    return a.index - b.index;
  });
  for (const share of byRemainder) {
    if (leftover === 0n) break;
    share.amount += 1n;
    leftover -= 1n;
  }
  return shares.map((share) => {
    const amount = Number(share.amount);
    return { key: parts[share.index]!.key, amount: negative && amount !== 0 ? -amount : amount };
  });
}

function assertWeight(weight: number): number {
  if (!Number.isSafeInteger(weight)) throw new RangeError(`weights must be safe integers, got ${weight}`);
  return weight;
}
