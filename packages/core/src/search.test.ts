import { describe, expect, it } from 'vitest';
import {
  MAX_QUERY_TOKENS, MAX_TOKENS_PER_REQUEST, firstHanChar, indexTokens, isCharToken, matchedWords, minimumMatch, parseSearchQuery, rankSearchHits, textRuns, tokensOfText,
} from './search.js';

describe('tokensOfText', () => {
  it('splits Chinese without spaces into overlapping bigrams', () => {
    expect(tokensOfText('焊缝检测')).toEqual(['焊缝', '缝检', '检测']);
  });

  it('lower-cases latin words, normalises full-width characters and splits where the script changes', () => {
    expect(textRuns('ＰＬＣ控制 and ROS2-based AGV')).toEqual([
      { kind: 'word', text: 'plc' },
      { kind: 'han', text: '控制' },
      { kind: 'word', text: 'and' },
      { kind: 'word', text: 'ros2' },
      { kind: 'word', text: 'based' },
      { kind: 'word', text: 'agv' },
    ]);
    expect(tokensOfText('ＰＬＣ控制 and ROS2-based AGV')).toEqual(['plc', '控制', 'ros2', 'based', 'agv']);
  });

  it('drops stop words, one-letter words and duplicates; cuts very long words', () => {
    expect(tokensOfText('The inspection of a weld, the WELD')).toEqual(['inspection', 'weld']);
    expect(tokensOfText('x'.repeat(40))).toEqual(['x'.repeat(32)]);
  });

  it('a lone Han character is its own token (not a function character); the index adds each run\'s last character', () => {
    expect(tokensOfText('PLC 与 机器人')).toEqual(['plc', '机器', '器人']);
    expect(tokensOfText('电 机')).toEqual(['电', '机']);
    expect(tokensOfText('焊缝检测，电机', { index: true })).toEqual(['焊缝', '缝检', '检测', '测', '电机', '机']);
    expect(tokensOfText('检测的', { index: true })).toEqual(['检测', '测的']);
    // So every character of the text starts some token: a one-character query can be answered by first character.
    const starts = new Set(tokensOfText('焊缝检测，电机', { index: true }).map((token) => firstHanChar(token)));
    for (const char of '焊缝检测电机') expect(starts).toContain(char);
    expect(isCharToken('焊')).toBe(true);
    expect(isCharToken('焊缝')).toBe(false);
    expect(isCharToken('x')).toBe(false);
    expect(firstHanChar('plc')).toBeUndefined();
  });
});

describe('indexTokens', () => {
  it('weights each token by the fields it occurs in: title 4, summary 2, tags 1', () => {
    const tokens = Object.fromEntries(
      indexTokens({ title: '焊缝检测', summary: '在线检测 PLC', tags: ['PLC', '机器视觉'] }).map(({ token, weight }) => [token, weight]),
    );
    expect(tokens['焊缝']).toBe(4);
    expect(tokens['检测']).toBe(4 + 2);
    expect(tokens['plc']).toBe(2 + 1);
    expect(tokens['视觉']).toBe(1);
    expect(tokens['测']).toBe(4 + 2); // last character of a run in title and summary
    expect(tokens['焊']).toBeUndefined(); // not the last character of a run
    expect(tokens['在线']).toBe(2);
  });

  it('keeps at most MAX_TOKENS_PER_REQUEST tokens: title, then tags, then the beginning of the summary', () => {
    const summary = '需要对冲压车间的伺服压力机进行数据采集与工艺参数优化，建立设备健康管理模型并实现预测性维护，降低停机时间和维修成本。';
    const tokens = indexTokens({ title: '冲压设备预测性维护', summary, tags: ['工业互联网', 'IIoT'] });
    expect(tokens).toHaveLength(MAX_TOKENS_PER_REQUEST);
    expect(tokens[0]).toEqual({ token: '冲压', weight: 4 + 2 });
    const kept = tokens.map((t) => t.token);
    for (const token of ['预测', '维护', '互联', 'iiot', '伺服', '采集']) expect(kept).toContain(token);
    expect(kept).not.toContain('成本'); // the summary's tail
  });
});

describe('parseSearchQuery', () => {
  it('gives bigrams for Chinese, the unigram for a single character, words for latin', () => {
    expect(parseSearchQuery('电池管理 BMS').tokens).toEqual(['电池', '池管', '管理', 'bms']);
    expect(parseSearchQuery('焊').tokens).toEqual(['焊']);
    expect(parseSearchQuery('  ?? 的 ').tokens).toEqual([]);
  });

  it('looks up at most MAX_QUERY_TOKENS tokens', () => {
    expect(parseSearchQuery('新能源汽车电池包热管理系统设计').tokens).toHaveLength(MAX_QUERY_TOKENS);
  });
});

describe('rankSearchHits', () => {
  const query = parseSearchQuery('焊缝检测'); // 焊缝 缝检 检测
  const postings = [
    { requestId: 'req_A', token: '焊缝', weight: 4 },
    { requestId: 'req_A', token: '检测', weight: 6 },
    { requestId: 'req_B', token: '焊缝', weight: 4 },
    { requestId: 'req_B', token: '缝检', weight: 4 },
    { requestId: 'req_B', token: '检测', weight: 4 },
    { requestId: 'req_C', token: '检测', weight: 7 },
    { requestId: 'req_D', token: '焊缝', weight: 2 },
    { requestId: 'req_D', token: '检测', weight: 2 },
    { requestId: 'req_E', token: '焊缝', weight: 4 },
    { requestId: 'req_E', token: '检测', weight: 6 },
    { requestId: 'req_E', token: 'other', weight: 7 },
  ];

  it('needs two thirds of the tokens, ranks by tokens matched, then score, then newest', () => {
    expect(minimumMatch(1)).toBe(1);
    expect(minimumMatch(3)).toBe(2);
    expect(minimumMatch(5)).toBe(4);
    const hits = rankSearchHits(query, postings);
    expect(hits.map((hit) => hit.requestId)).toEqual(['req_B', 'req_E', 'req_A', 'req_D']);
    expect(hits[0]).toEqual({ requestId: 'req_B', tokens: ['焊缝', '缝检', '检测'], score: 12 });
    expect(hits[1]).toEqual({ requestId: 'req_E', tokens: ['焊缝', '检测'], score: 10 });
  });

  it('finds nothing without postings', () => {
    expect(rankSearchHits(query, [])).toEqual([]);
  });
});

describe('matchedWords', () => {
  const query = parseSearchQuery('焊缝检测 PLC');
  it('joins adjacent matched bigrams back into words', () => {
    expect(matchedWords(query, ['焊缝', '缝检', '检测', 'plc'])).toEqual(['焊缝检测', 'plc']);
    expect(matchedWords(query, ['焊缝', '检测'])).toEqual(['焊缝', '检测']);
    expect(matchedWords(query, ['缝检', '检测'])).toEqual(['缝检测']);
    expect(matchedWords(parseSearchQuery('焊'), ['焊'])).toEqual(['焊']);
  });
});
