import { describe, expect, it } from 'vitest';
import { MAX_TOKENS_PER_REQUEST, indexTokens, type TechnicalRequest } from '@sharedtech/core';
import { createDb } from './client.js';
import { MAX_TRANSACTION_ITEMS, type Write } from './commit.js';
import { writesForRequestChange } from './requests.js';
import { writesForSearchTokens } from './search.js';

const db = createDb({ tableName: 'SearchTest', cursorSecret: 'unit', endpoint: 'http://127.0.0.1:9', region: 'local' });

const request = (overrides: Partial<TechnicalRequest> = {}): TechnicalRequest => ({
  id: 'req_01JD0000000000000000000000',
  ownerOrgId: 'org_01JD0000000000000000000000',
  status: 'OPEN',
  title: '焊缝缺陷视觉检测',
  summary: '需要对焊缝的气孔与裂纹进行在线视觉检测，替代人工抽检。',
  details: '节拍 3 秒/件。',
  cluster: 'smart-manufacturing',
  tags: ['机器视觉', 'PLC'],
  budget: { min: { amount: 1, currency: 'CNY' }, max: { amount: 2, currency: 'CNY' } },
  biddingDeadline: '2030-01-01T00:00:00.000Z',
  createdBy: 'u1',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 3,
  ...overrides,
});

const puts = (writes: Write[]) => writes.filter((write) => write.op.Put?.Item?.sk?.toString().startsWith('TOK#')).map((write) => write.op.Put!.Item!);
const deletes = (writes: Write[]) => writes.filter((write) => String(write.op.Delete?.Key?.sk ?? '').startsWith('TOK#')).map((write) => write.op.Delete!.Key!.sk);

describe('search token writes follow the OPEN state', () => {
  it('puts every token when a request becomes OPEN, with its index keys', () => {
    const writes = writesForSearchTokens(db, request({ status: 'SUBMITTED' }), request());
    const items = puts(writes);
    expect(items).toHaveLength(indexTokens(request()).length);
    expect(items.find((item) => item.token === '焊缝')).toMatchObject({
      pk: 'REQ#req_01JD0000000000000000000000',
      sk: 'TOK#焊缝',
      gsi1pk: 'REQS#TOK#焊缝#OPEN',
      gsi1sk: '6#req_01JD0000000000000000000000', // title 4 + summary 2
      gsi2pk: 'REQS#TOK#焊缝#CLUSTER#smart-manufacturing#OPEN',
      gsi3pk: 'REQS#CHAR#焊#OPEN',
      weight: 6,
      cluster: 'smart-manufacturing',
      tags: ['机器视觉', 'PLC'],
    });
    // A one-character token is only looked up by its first character; a latin word never by character.
    expect(items.find((item) => item.token === '测')).not.toHaveProperty('gsi1pk');
    expect(items.find((item) => item.token === 'plc')).not.toHaveProperty('gsi3pk');
  });

  it('writes only the difference when an OPEN request changes, nothing when its words stay the same', () => {
    expect(writesForSearchTokens(db, request(), request({ version: 4, biddingDeadline: '2030-02-01T00:00:00.000Z' }))).toEqual([]);
    const changed = writesForSearchTokens(db, request(), request({ title: '焊缝缺陷激光检测' }));
    // New words are put; 视觉 (tag and summary) and 觉检 (summary) stay with a lighter weight; 陷视 goes.
    expect(puts(changed).map((item) => [item.token, item.weight])).toEqual([['陷激', 4], ['激光', 4], ['光检', 4], ['视觉', 3], ['觉检', 2]]);
    expect(deletes(changed)).toEqual(['TOK#陷视']);
    // A new tag changes the copy on every token item.
    expect(puts(writesForSearchTokens(db, request(), request({ tags: ['机器视觉', 'PLC', '焊接'] })))).toHaveLength(indexTokens(request({ tags: ['机器视觉', 'PLC', '焊接'] })).length);
  });

  it('deletes every token when a request leaves OPEN, and none exist in other states', () => {
    const writes = writesForSearchTokens(db, request(), request({ status: 'AWARDED' }));
    expect(deletes(writes)).toHaveLength(indexTokens(request()).length);
    expect(puts(writes)).toEqual([]);
    expect(writesForSearchTokens(db, request({ status: 'DRAFT' }), request({ status: 'SUBMITTED' }))).toEqual([]);
  });

  it('keeps the largest request change inside one transaction, with room for an award', () => {
    const han = [...'甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土日月星山川河海风雨雷电春夏秋冬东西南北上下左右前后'];
    const text = (length: number, offset: number) => Array.from({ length }, (_, index) => han[(index * 7 + offset) % han.length]).join('');
    const largest = request({ title: text(120, 0), summary: text(1000, 3), tags: Array.from({ length: 10 }, (_, index) => text(32, index + 11)) });
    const leaving = writesForRequestChange(db, largest, { ...largest, status: 'AWARDED', version: largest.version + 1 });
    expect(deletes(leaving)).toHaveLength(MAX_TOKENS_PER_REQUEST);
    // The award adds at most: bid + lock, contract, 20 milestones, 4 party pointers, a task, 3 audit records, 4 notifications,
    // and beside the request's own counter items (in `leaving`) another shard's counters and the studio's people item: 3.
    expect(leaving.length + 2 + 1 + 20 + 4 + 1 + 3 + 4 + 3).toBeLessThanOrEqual(MAX_TRANSACTION_ITEMS - 5);
  });
});
