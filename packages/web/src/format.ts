import { formatMoney, type Money } from '@sharedtech/core';
import type { Locale } from './i18n/index.js';

/** Every time on the pages is shown in the consortium's time zone, whatever the server's. */
export const TIME_ZONE = 'Asia/Shanghai';
/** Asia/Shanghai has had no daylight saving since 1991, so its offset is fixed. */
const SHANGHAI_OFFSET = '+08:00';

const dateTimeFormats: Record<Locale, Intl.DateTimeFormat> = {
  'zh-CN': new Intl.DateTimeFormat('zh-CN', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
};
const dateFormats: Record<Locale, Intl.DateTimeFormat> = {
  'zh-CN': new Intl.DateTimeFormat('zh-CN', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, year: 'numeric', month: 'short', day: 'numeric' }),
};

/** An ISO instant as a date and time in Asia/Shanghai. */
export const formatDateTime = (iso: string, locale: Locale) => dateTimeFormats[locale].format(new Date(iso));
/** An ISO instant as a date in Asia/Shanghai. */
export const formatDate = (iso: string, locale: Locale) => dateFormats[locale].format(new Date(iso));

/** Money as "¥12,500.00" (integer arithmetic, see formatMoney). */
export const formatAmount = (value: Money) => formatMoney(value);

/** Basis points as a percentage with two decimals: 3333 → "33.33". */
export function bpsToPercent(bps: number): string {
  const sign = bps < 0 ? '-' : '';
  const abs = Math.abs(bps);
  return `${sign}${Math.trunc(abs / 100)}.${(abs % 100).toString().padStart(2, '0')}`;
}

/** Fen as the yuan string a money input shows: 1250050 → "12500.50". */
export const fenToYuanInput = (fen: number) => bpsToPercent(fen);

/**
 * Parses a decimal with at most two fraction digits into hundredths, by string
 * handling only: "12,500.5" → 1250050. Going through a float would turn
 * "0.29" into 28.999… hundredths. Returns undefined for anything else.
 */
export function parseHundredths(input: string, maxIntegerDigits = 10): number | undefined {
  const cleaned = input.trim().replace(/^[¥￥]\s*/, '').replace(/[,，\s]/g, '');
  const match = new RegExp(`^(\\d{1,${maxIntegerDigits}})(?:\\.(\\d{0,2}))?$`).exec(cleaned);
  if (!match) return undefined;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  return whole * 100 + fraction;
}

/** A yuan amount typed by a person ("12500", "¥12,500.50") as integer fen. */
export const parseYuan = (input: string) => parseHundredths(input, 10);

/** A percentage with up to two decimals ("33.33") as basis points (3333). */
export const parsePercent = (input: string) => parseHundredths(input.replace(/%$/, ''), 3);

/**
 * The value of an `<input type="datetime-local">` ("2026-05-01T18:00") read as
 * Asia/Shanghai wall time, as an ISO instant with offset; undefined if malformed.
 */
export function localInputToIso(input: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?$/.exec(input.trim());
  if (!match) return undefined;
  const iso = `${match[1]}T${match[2]}:${match[3] ?? '00'}${SHANGHAI_OFFSET}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/** An ISO instant as the Asia/Shanghai wall time a datetime-local input expects. */
export function isoToLocalInput(iso: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** Splits a list typed as "a, b，c、d" or one per line; blanks dropped, order kept. */
export const splitList = (input: string) =>
  input
    .split(/[,，、;；\n]+/)
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * A text cut into pieces to show which search words it contains: every
 * occurrence of a word (case-insensitive) is a marked piece. Overlapping and
 * adjacent occurrences join into one piece.
 */
export function highlightSegments(text: string, words: readonly string[]): { text: string; mark: boolean }[] {
  const lower = text.toLowerCase();
  // Lower-casing that changes the length (rare letters) would shift every range: then mark nothing.
  if (lower.length !== text.length) return [{ text, mark: false }];
  const marked = new Array<boolean>(text.length).fill(false);
  for (const word of words) {
    const needle = word.toLowerCase();
    if (!needle) continue;
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) marked.fill(true, at, at + needle.length);
  }
  const segments: { text: string; mark: boolean }[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const last = segments[segments.length - 1];
    if (last && last.mark === marked[index]) last.text += text[index];
    else segments.push({ text: text[index]!, mark: marked[index]! });
  }
  return segments;
}
