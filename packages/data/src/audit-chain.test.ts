import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '@sharedtech/core';
import { AUDIT_GENESIS, canonicalJson, chainedAuditItem, hashAuditItem, verifyAuditChain, type ChainTail } from './audit-chain.js';

const ENTITY = 'contract:ctr_1';
const record = (n: number): AuditRecord => ({
  id: `aud_${n}`,
  entity: { type: 'contract', id: 'ctr_1' },
  action: `step-${n}`,
  actor: { sub: 'u1', orgId: 'org_1' },
  before: 'A',
  after: 'B',
  at: `2026-01-01T00:00:0${n}.000Z`,
  details: { milestone: n, nested: { z: 1, a: [1, 'x'] } },
});

/** A chain of `length` links as stored. */
function chain(length: number) {
  const items: Record<string, unknown>[] = [];
  let tail: ChainTail = { seq: 0, hash: AUDIT_GENESIS };
  for (let n = 1; n <= length; n++) {
    const item = chainedAuditItem(record(n), tail);
    items.push(item);
    tail = { seq: item.seq as number, hash: item.hash as string };
  }
  return items;
}

describe('canonicalJson', () => {
  it('is the same text whatever the order of keys, at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [2, { x: 2, y: 1 }] }, b: 1 }));
    expect(canonicalJson({ a: undefined, b: 'é' })).toBe('{"b":"é"}');
  });
});

describe('verifyAuditChain', () => {
  it('accepts an intact chain and names its head', () => {
    const items = chain(4);
    expect(verifyAuditChain(ENTITY, [...items].reverse())).toEqual({ entity: ENTITY, chained: 4, preChain: 0, head: items[3]!.hash, ok: true });
    expect(verifyAuditChain(ENTITY, [])).toMatchObject({ ok: true, chained: 0, head: AUDIT_GENESIS });
  });

  it('finds an edited record: its hash no longer matches', () => {
    const items = chain(4);
    items[1] = { ...items[1], after: 'C' };
    expect(verifyAuditChain(ENTITY, items)).toMatchObject({ ok: false, broken: { seq: 2, id: 'aud_2', reason: expect.stringMatching(/changed after it was written/) } });
  });

  it('finds an edited record whose hash was recomputed: the next record no longer follows it', () => {
    const items = chain(4);
    const edited = { ...items[1], details: { milestone: 99 } };
    items[1] = { ...edited, hash: hashAuditItem(edited) };
    expect(verifyAuditChain(ENTITY, items)).toMatchObject({ ok: false, broken: { seq: 3, reason: expect.stringMatching(/does not follow record 2/) } });
  });

  it('finds a deleted record (a gap) and a record moved to another entity', () => {
    const items = chain(4);
    expect(verifyAuditChain(ENTITY, [items[0]!, items[2]!, items[3]!])).toMatchObject({ ok: false, broken: { seq: 2, reason: expect.stringMatching(/record 2 is missing/) } });
    expect(verifyAuditChain('contract:ctr_2', chain(1).map((item) => ({ ...item, pk: 'AUDIT#contract:ctr_2' })))).toMatchObject({
      ok: false,
      broken: { seq: 1, reason: expect.stringMatching(/changed after it was written/) },
    });
  });

  it('counts records written before the chain existed, without failing on them', () => {
    const legacy = { pk: `AUDIT#${ENTITY}`, sk: 'aud_01JLEGACY', id: 'aud_01JLEGACY', action: 'create' };
    expect(verifyAuditChain(ENTITY, [legacy, ...chain(2)])).toMatchObject({ ok: true, chained: 2, preChain: 1 });
  });
});
