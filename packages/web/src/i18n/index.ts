import { en } from './en.js';
import { zhCN, type MessageKey, type Messages } from './zh-CN.js';

export type { MessageKey, Messages };

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
/** Chinese first: the consortium's users read Chinese; English is a switch. */
export const DEFAULT_LOCALE: Locale = 'zh-CN';

export const DICTIONARIES: Record<Locale, Messages> = { 'zh-CN': zhCN, en };

export const isLocale = (value: unknown): value is Locale => LOCALES.includes(value as Locale);

export type Params = Record<string, string | number | undefined>;
export type Translate = (key: MessageKey, params?: Params) => string;

/** Fills `{name}` placeholders; a missing parameter stays visible as `{name}` rather than vanishing. */
export function interpolate(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

export function translator(locale: Locale): Translate {
  const messages = DICTIONARIES[locale];
  return (key, params) => interpolate(messages[key], params);
}

/** For keys built from data (a notification type, an error code): is there a message for it? */
export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(zhCN, key);
