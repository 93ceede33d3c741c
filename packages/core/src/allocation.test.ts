import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateByWeight } from './allocation.js';
import { allocateByBps, WHOLE_BPS } from './money.js';

/** A random table of `size` bps that sums to exactly 10 000 (cut points on 0…10 000). */
const bpsTable = (maxParts = 8) =>
  fc.integer({ min: 1, max: maxParts }).chain((parts) =>
    fc.array(fc.integer({ min: 0, max: WHOLE_BPS }), { minLength: parts - 1, maxLength: parts - 1 }).map((cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), WHOLE_BPS];
      return points.slice(1).map((point, index) => point - points[index]!);
    }),
  );

const amount = fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 100_000_000_000 }), fc.maxSafeInteger().map(Math.abs));

/** |part × Σw − total × w| < Σw  ⇔  the part is less than one minor unit from total × w / Σw (exact, in BigInt). */
const withinOneUnit = (part: number, total: number, weight: bigint, weightSum: bigint) => {
  const error = BigInt(part) * weightSum - BigInt(total) * weight;
  return (error < 0n ? -error : error) < weightSum;
};

describe('allocateByBps (largest remainder)', () => {
  it('sums exactly and keeps every part within one minor unit of its exact share', () => {
    fc.assert(
      fc.property(amount, bpsTable(), (total, table) => {
        const parts = allocateByBps(total, table.map((bps, index) => ({ key: `p${index}`, bps })));
        expect(parts.reduce((sum, part) => sum + part.amount, 0)).toBe(total);
        parts.forEach((part, index) => {
          expect(part.amount).toBeGreaterThanOrEqual(0);
          expect(withinOneUnit(part.amount, total, BigInt(table[index]!), BigInt(WHOLE_BPS))).toBe(true);
        });
      }),
      { numRuns: 3_000 },
    );
  });

  it('breaks ties deterministically: larger share first, then the earlier position', () => {
    // 1 fen over three equal thirds of 9 999 bps would be ambiguous: the earliest wins.
    expect(allocateByBps(1, [{ key: 'a', bps: 3_333 }, { key: 'b', bps: 3_334 }, { key: 'c', bps: 3_333 }]).map((p) => p.amount)).toEqual([0, 1, 0]);
    expect(allocateByBps(1, [{ key: 'a', bps: 5_000 }, { key: 'b', bps: 5_000 }]).map((p) => p.amount)).toEqual([1, 0]);
    expect(allocateByBps(1, [{ key: 'a', bps: 2_500 }, { key: 'b', bps: 7_500 }]).map((p) => p.amount)).toEqual([0, 1]);
    // 3 fen by 2 500 / 2 500 / 5 000: exact shares 0.75, 0.75, 1.5 → floors 0, 0, 1; remainders tie at .75 → first two.
    expect(allocateByBps(3, [{ key: 'a', bps: 2_500 }, { key: 'b', bps: 2_500 }, { key: 'c', bps: 5_000 }]).map((p) => p.amount)).toEqual([1, 1, 1]);
  });
});

describe('allocateByWeight', () => {
  const weights = fc.array(fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 100_000_000_000 })), { minLength: 1, maxLength: 6 })
    .filter((list) => list.some((weight) => weight > 0));

  it('sums exactly and stays within one minor unit of total × weight / Σweights', () => {
    fc.assert(
      fc.property(amount, weights, (total, list) => {
        const parts = allocateByWeight(total, list.map((weight, index) => ({ key: index, weight })));
        const weightSum = list.reduce((sum, weight) => sum + BigInt(weight), 0n);
        expect(parts.reduce((sum, part) => sum + part.amount, 0)).toBe(total);
        parts.forEach((part, index) => {
          expect(part.key).toBe(index);
          expect(withinOneUnit(part.amount, total, BigInt(list[index]!), weightSum)).toBe(true);
          if (list[index] === 0) expect(part.amount).toBe(0);
        });
      }),
      { numRuns: 3_000 },
    );
  });

  it('agrees with allocateByBps when the weights are a bps table', () => {
    fc.assert(
      fc.property(amount, bpsTable(), (total, table) => {
        const byBps = allocateByBps(total, table.map((bps, index) => ({ key: `p${index}`, bps })));
        const byWeight = allocateByWeight(total, table.map((bps, index) => ({ key: `p${index}`, weight: bps })));
        expect(byWeight).toEqual(byBps.map((part) => ({ key: part.key, amount: part.amount })));
      }),
      { numRuns: 1_000 },
    );
  });

  it('mirrors negative totals and gives the same parts for the same input every time', () => {
    const shares = [{ key: 'x', weight: 1n }, { key: 'y', weight: 1n }, { key: 'z', weight: 1n }];
    expect(allocateByWeight(-100, shares).map((p) => p.amount)).toEqual([-34, -33, -33]);
    expect(allocateByWeight(100, shares)).toEqual(allocateByWeight(100, shares));
  });

  it('refuses weights that cannot describe a share', () => {
    expect(() => allocateByWeight(10, [{ key: 'a', weight: 0 }])).toThrow(RangeError);
    expect(() => allocateByWeight(10, [{ key: 'a', weight: -1 }, { key: 'b', weight: 2 }])).toThrow(RangeError);
    expect(() => allocateByWeight(10, [])).toThrow(RangeError);
    expect(() => allocateByWeight(0.5, [{ key: 'a', weight: 1 }])).toThrow(RangeError);
  });
});
