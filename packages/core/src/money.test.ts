import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { allocateByBps, assertBpsTotal, formatMoney, money, sumMoney } from './money.js';

describe('formatMoney', () => {
  it.each([
    [0, '¥0.00'],
    [5, '¥0.05'],
    [99, '¥0.99'],
    [100, '¥1.00'],
    [1_250_000, '¥12,500.00'],
    [123_456_789, '¥1,234,567.89'],
    [100_000_000_000, '¥1,000,000,000.00'],
    [-1_234_501, '-¥12,345.01'],
    [Number.MAX_SAFE_INTEGER, '¥90,071,992,547,409.91'],
  ])('formats %i fen as %s', (amount, text) => {
    expect(formatMoney(money(amount))).toBe(text);
  });
});

describe('money and sumMoney', () => {
  it('refuses amounts that are not safe integers', () => {
    expect(() => money(1.5)).toThrow(RangeError);
    expect(() => money(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    expect(() => money(Number.NaN)).toThrow(RangeError);
  });

  it('adds amounts of one currency and refuses a mix', () => {
    expect(sumMoney([money(1), money(2), money(3)])).toEqual({ amount: 6, currency: 'CNY' });
    expect(sumMoney([])).toEqual({ amount: 0, currency: 'CNY' });
    const usd = { amount: 1, currency: 'USD' } as unknown as ReturnType<typeof money>;
    expect(() => sumMoney([money(1), usd])).toThrow(ValidationError);
  });
});

describe('assertBpsTotal', () => {
  const codeOf = (shares: { bps: number }[]) => {
    try {
      assertBpsTotal(shares);
    } catch (error) {
      return (error as ValidationError).code;
    }
    return 'OK';
  };

  it('accepts shares summing to exactly 10 000, including a zero share', () => {
    expect(codeOf([{ bps: 10_000 }])).toBe('OK');
    expect(codeOf([{ bps: 6_000 }, { bps: 4_000 }, { bps: 0 }])).toBe('OK');
  });

  it.each([
    ['no shares', [], 'SHARES_EMPTY'],
    ['a total under 100 %', [{ bps: 5_000 }, { bps: 4_999 }], 'SHARES_NOT_WHOLE'],
    ['a total over 100 %', [{ bps: 5_000 }, { bps: 5_001 }], 'SHARES_NOT_WHOLE'],
    ['a negative share', [{ bps: 11_000 }, { bps: -1_000 }], 'BPS_RANGE'],
    ['a fractional share', [{ bps: 5_000.5 }, { bps: 4_999.5 }], 'BPS_RANGE'],
  ])('refuses %s', (_label, shares, code) => {
    expect(codeOf(shares)).toBe(code);
  });
});

describe('allocateByBps basics', () => {
  const split = (total: number, bps: number[]) =>
    allocateByBps(total, bps.map((value, index) => ({ key: `p${index}`, bps: value }))).map((part) => part.amount);

  it('splits exactly when the shares divide the total', () => {
    expect(split(1_000_000, [6_000, 3_000, 1_000])).toEqual([600_000, 300_000, 100_000]);
  });

  it('gives the units left over by flooring to the largest remainders', () => {
    // 100 × (33.33 %, 33.33 %, 33.34 %) = 33.33, 33.33, 33.34 → floors 33, 33, 33; one unit left, to the largest remainder.
    expect(split(100, [3_333, 3_333, 3_334])).toEqual([33, 33, 34]);
    // 10 × (33.34 %, 33.33 %, 33.33 %) = 3.334, 3.333, 3.333 → the one unit left goes to the 0.334 remainder.
    expect(split(10, [3_334, 3_333, 3_333])).toEqual([4, 3, 3]);
  });

  it('breaks an equal-remainder tie towards the larger share, then the earlier one', () => {
    // 1 × (50 %, 25 %, 25 %): exact 0.5, 0.25, 0.25 → the single unit goes to the largest remainder, the 50 % share.
    expect(split(1, [5_000, 2_500, 2_500])).toEqual([1, 0, 0]);
    // 2 × (25 %, 50 %, 25 %): remainders 0.5, 0, 0.5 → the earlier of the tied parts first.
    expect(split(2, [2_500, 5_000, 2_500])).toEqual([1, 1, 0]);
  });

  it('always sums to the total and keeps keys in input order', () => {
    const parts = allocateByBps(1_000_001, [
      { key: 'enterprise', bps: 4_321 },
      { key: 'studio', bps: 5_000 },
      { key: 'college', bps: 679 },
    ]);
    expect(parts.map((part) => part.key)).toEqual(['enterprise', 'studio', 'college']);
    expect(parts.reduce((sum, part) => sum + part.amount, 0)).toBe(1_000_001);
  });

  it('splits a negative total as the mirror of the positive one, and zero as zeros', () => {
    expect(split(-100, [3_333, 3_333, 3_334])).toEqual([-33, -33, -34]);
    expect(split(0, [5_000, 5_000])).toEqual([0, 0]);
    expect(Object.is(split(0, [10_000])[0], -0)).toBe(false);
  });

  it('never gives a unit to a zero share', () => {
    expect(split(7, [0, 5_000, 5_000])).toEqual([0, 4, 3]);
  });

  it('is exact for the largest safe integer', () => {
    const parts = split(Number.MAX_SAFE_INTEGER, [3_333, 3_333, 3_334]);
    expect(parts.reduce((sum, part) => sum + part, 0)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses a total that is not a safe integer and shares that are not whole', () => {
    expect(() => split(10.5, [10_000])).toThrow(RangeError);
    expect(() => split(10, [9_999])).toThrow(ValidationError);
  });
});
