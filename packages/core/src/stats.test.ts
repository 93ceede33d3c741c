import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counter, medianFromHistogram, median, sumCounters } from './stats.js';

describe('median from a histogram of tenths of days', () => {
  it('is exactly the median of the values it counts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4000 }), { maxLength: 60 }), (tenths) => {
        const histogram = sumCounters(...tenths.map((value) => ({ [counter.awardDays(value)]: 1 })));
        expect(medianFromHistogram(histogram)).toBe(median(tenths.map((value) => value / 10)));
      }),
    );
  });

  it('ignores other counters and is null when nothing was awarded', () => {
    expect(medianFromHistogram({ bids: 4, [counter.requests('OPEN')]: 2 })).toBeNull();
  });
});

describe('sumCounters', () => {
  it('adds by name and drops what sums to zero', () => {
    expect(sumCounters({ a: 1, b: 2 }, { a: -1, c: 3 })).toEqual({ b: 2, c: 3 });
  });
});
