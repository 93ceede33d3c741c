import { describe, expect, it } from 'vitest';
import { bpsToPercent, formatDateTime, highlightSegments, isoToLocalInput, localInputToIso, parsePercent, parseYuan, splitList } from './format.js';

describe('money and percentages typed by people', () => {
  it('turns yuan into integer fen without floating point', () => {
    expect(parseYuan('12500')).toBe(1_250_000);
    expect(parseYuan('12,500.5')).toBe(1_250_050);
    expect(parseYuan('¥ 0.29')).toBe(29); // 0.29 * 100 is 28.999999999999996 as a float
    expect(parseYuan('1.10')).toBe(110);
    expect(parseYuan('9999999999.99')).toBe(999_999_999_999);
  });

  it('refuses what is not an amount with at most two decimals', () => {
    for (const bad of ['', 'abc', '1.234', '-5', '1e5', '12.3.4', '.5', '12345678901']) expect(parseYuan(bad), bad).toBeUndefined();
  });

  it('reads percentages as basis points and shows them back', () => {
    expect(parsePercent('33.33')).toBe(3333);
    expect(parsePercent('100')).toBe(10_000);
    expect(parsePercent('12.5%')).toBe(1250);
    expect(parsePercent('1000')).toBeUndefined();
    expect(bpsToPercent(3333)).toBe('33.33');
    expect(bpsToPercent(10_000)).toBe('100.00');
    expect(bpsToPercent(5)).toBe('0.05');
  });
});

describe('times in Asia/Shanghai', () => {
  it('reads a datetime-local value as Beijing time', () => {
    expect(localInputToIso('2026-05-01T18:00')).toBe('2026-05-01T18:00:00+08:00');
    expect(new Date(localInputToIso('2026-05-01T18:00')!).toISOString()).toBe('2026-05-01T10:00:00.000Z');
    expect(localInputToIso('2026-13-01T18:00')).toBeUndefined();
    expect(localInputToIso('tomorrow')).toBeUndefined();
  });

  it('shows instants on the Shanghai clock whatever the server zone', () => {
    expect(isoToLocalInput('2026-05-01T16:30:00Z')).toBe('2026-05-02T00:30');
    expect(formatDateTime('2026-05-01T16:30:00Z', 'zh-CN')).toBe('2026/05/02 00:30');
    expect(formatDateTime('2026-05-01T16:30:00Z', 'en')).toMatch(/2 May 2026.*00:30/);
  });
});

describe('lists', () => {
  it('splits on Chinese and latin separators', () => {
    expect(splitList('机器视觉, PLC，电池检测、 数据采集\n')).toEqual(['机器视觉', 'PLC', '电池检测', '数据采集']);
    expect(splitList('  ')).toEqual([]);
  });
});

describe('highlightSegments', () => {
  it('marks every occurrence of the matched words, joining overlaps, ignoring case', () => {
    expect(highlightSegments('焊缝缺陷视觉检测，替代人工检测', ['焊缝', '检测'])).toEqual([
      { text: '焊缝', mark: true },
      { text: '缺陷视觉', mark: false },
      { text: '检测', mark: true },
      { text: '，替代人工', mark: false },
      { text: '检测', mark: true },
    ]);
    expect(highlightSegments('PLC linkage for the plc', ['plc', 'lc l'])).toEqual([
      { text: 'PLC l', mark: true },
      { text: 'inkage for the ', mark: false },
      { text: 'plc', mark: true },
    ]);
    expect(highlightSegments('无匹配', ['焊'])).toEqual([{ text: '无匹配', mark: false }]);
    expect(highlightSegments('', ['焊'])).toEqual([]);
  });
});
