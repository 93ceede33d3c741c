import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTRACT_STATUSES } from './contract.js';
import { countsToTrackRecord, counter, medianFromHistogram, median, sumCounters, trackRecordDelta } from './stats.js';

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

describe('a studio’s track record', () => {
  it('counts a contract while it is ACTIVE or COMPLETED: +1 on activation, 0 on completion, −1 on termination', () => {
    expect(trackRecordDelta(undefined, { status: 'PENDING_SIGNATURES' })).toBe(0);
    expect(trackRecordDelta({ status: 'PENDING_SIGNATURES' }, { status: 'ACTIVE' })).toBe(1);
    expect(trackRecordDelta({ status: 'ACTIVE' }, { status: 'ACTIVE' })).toBe(0);
    expect(trackRecordDelta({ status: 'ACTIVE' }, { status: 'COMPLETED' })).toBe(0);
    expect(trackRecordDelta({ status: 'ACTIVE' }, { status: 'TERMINATED' })).toBe(-1);
    expect(trackRecordDelta({ status: 'PENDING_SIGNATURES' }, { status: 'TERMINATED' })).toBe(0);
  });

  it('sums, over any path through the states, to whether the contract counts at its end', () => {
    const status = fc.constantFrom(...CONTRACT_STATUSES);
    fc.assert(
      fc.property(fc.array(status, { minLength: 1, maxLength: 8 }), (path) => {
        const total = path.reduce((sum, next, at) => sum + trackRecordDelta(at === 0 ? undefined : { status: path[at - 1]! }, { status: next }), 0);
        expect(total).toBe(countsToTrackRecord(path.at(-1)!) ? 1 : 0);
      }),
    );
  });
});
