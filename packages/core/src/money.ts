import { ValidationError } from './errors.js';

/** Currencies the consortium trades in; amounts are integers in the minor unit (fen for CNY). */
export const CURRENCIES = ['CNY'] as const;
export type Currency = (typeof CURRENCIES)[number];

export interface Money {
  amount: number;
  currency: Currency;
}

/** Basis points in a whole: 10 000 bps = 100 %. */
export const WHOLE_BPS = 10_000;

export const money = (amount: number, currency: Currency = 'CNY'): Money => {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`Money amount must be a safe integer, got ${amount}`);
  return { amount, currency };
};

export function assertSameCurrency(a: Money, b: Money, path = 'currency'): void {
  if (a.currency !== b.currency) {
    throw ValidationError.field(path, `Currencies differ: ${a.currency} and ${b.currency}.`, 'CURRENCY_MISMATCH');
  }
}

/** Adds amounts of one currency; throws if they mix currencies. */
export function sumMoney(items: readonly Money[], currency: Currency = items[0]?.currency ?? 'CNY'): Money {
  let total = 0;
  for (const item of items) {
    if (item.currency !== currency) {
      throw ValidationError.field('currency', `Currencies differ: ${currency} and ${item.currency}.`, 'CURRENCY_MISMATCH');
    }
    total += item.amount;
  }
  return money(total, currency);
}

/** Formats minor units as "¥12,500.00" using integer arithmetic only. */
export function formatMoney({ amount, currency }: Money): string {
  const symbol = currency === 'CNY' ? '¥' : `${currency} `;
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  const yuan = Math.trunc(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fen = (abs % 100).toString().padStart(2, '0');
  return `${sign}${symbol}${yuan}.${fen}`;
}

export interface Share<K extends string = string> {
  key: K;
  bps: number;
}

/**
 * Splits `total` minor units by basis points with the largest-remainder method.
 *
 * Why this method: each part is floor(total × bps / 10 000) first, which can leave
 * up to n−1 units unassigned; handing those units to the largest fractional
 * remainders keeps every part within one minor unit of its exact share while the
 * parts sum exactly to `total`. Ties on the remainder go to the larger share, then
 * to the earlier position, so the result is deterministic for the same input.
 * BigInt keeps total × bps exact for any safe-integer amount.
 */
export function allocateByBps<K extends string>(total: number, shares: readonly Share<K>[]): { key: K; amount: number }[] {
  if (!Number.isSafeInteger(total)) throw new RangeError('total must be a safe integer');
  assertBpsTotal(shares);
  const negative = total < 0;
  const magnitude = BigInt(Math.abs(total));
  const whole = BigInt(WHOLE_BPS);
  const parts = shares.map((share, index) => {
    const exact = magnitude * BigInt(share.bps);
    return { key: share.key, index, bps: share.bps, amount: exact / whole, remainder: exact % whole };
  });
  let leftover = magnitude - parts.reduce((sum, part) => sum + part.amount, 0n);
  const byRemainder = [...parts].sort((a, b) =>
    a.remainder !== b.remainder ? (b.remainder > a.remainder ? 1 : -1) : b.bps - a.bps || a.index - b.index,
  );
  for (const part of byRemainder) {
    if (leftover === 0n) break;
    part.amount += 1n;
    leftover -= 1n;
  }
  return parts.map((part) => ({ key: part.key, amount: Number(part.amount) * (negative ? -1 : 1) || 0 }));
}

/** Throws unless every bps is a non-negative integer and they sum to exactly 10 000. */
export function assertBpsTotal(shares: readonly { bps: number }[], path = 'shares'): void {
  if (shares.length === 0) throw ValidationError.field(path, 'At least one share is required.', 'SHARES_EMPTY');
  let sum = 0;
  shares.forEach((share, index) => {
    if (!Number.isInteger(share.bps) || share.bps < 0 || share.bps > WHOLE_BPS) {
      throw ValidationError.field(`${path}.${index}.bps`, 'Basis points must be an integer from 0 to 10000.', 'BPS_RANGE');
    }
    sum += share.bps;
  });
  if (sum !== WHOLE_BPS) {
    throw ValidationError.field(path, `Shares must sum to exactly 10000 basis points (100%), got ${sum}.`, 'SHARES_NOT_WHOLE');
  }
}
