import { describe, expect, it } from 'vitest';
import { DICTIONARIES, LOCALES, interpolate } from './index.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('web dictionaries', () => {
  it('have exactly the same keys in every language', () => {
    const [first, ...others] = LOCALES.map((locale) => Object.keys(DICTIONARIES[locale]).sort());
    for (const keys of others) expect(keys).toEqual(first);
  });

  it('have no empty or blank messages', () => {
    for (const locale of LOCALES) {
      const blank = Object.entries(DICTIONARIES[locale]).filter(([, text]) => text.trim() === '');
      expect(blank, locale).toEqual([]);
    }
  });

  it('use the same placeholders for a key in every language', () => {
    const zh = DICTIONARIES['zh-CN'];
    const mismatched = Object.keys(zh).filter((key) => {
      const k = key as keyof typeof zh;
      return JSON.stringify(placeholders(zh[k])) !== JSON.stringify(placeholders(DICTIONARIES.en[k]));
    });
    expect(mismatched).toEqual([]);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(interpolate('需求「{title}」已通过', { title: '视觉检测' })).toBe('需求「视觉检测」已通过');
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
