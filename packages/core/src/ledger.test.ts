import { describe, expect, it } from 'vitest';
import { ConflictError } from './errors.js';
import { applyPostings, assertBalanced, balancedPostings, ledgerAccount, LedgerInvariantError, mayGoNegative, parseAccount } from './ledger.js';

describe('ledger accounts', () => {
  it('names accounts readably and parses them back', () => {
    expect(ledgerAccount.external('org_A')).toBe('external:org_A');
    expect(ledgerAccount.escrow('ctr_B')).toBe('escrow:ctr_B');
    expect(ledgerAccount.earnings('org_C')).toBe('earnings:org_C');
    expect(parseAccount('escrow:ctr_B')).toEqual({ kind: 'escrow', owner: 'ctr_B' });
    expect(() => parseAccount('wallet:org_A')).toThrow(RangeError);
  });

  it('lets only external accounts go negative', () => {
    expect(mayGoNegative('external:org_A')).toBe(true);
    expect(mayGoNegative('escrow:ctr_B')).toBe(false);
    expect(mayGoNegative('earnings:org_C')).toBe(false);
  });
});

describe('entries', () => {
  it('accepts postings that sum to zero over distinct accounts', () => {
    expect(() => assertBalanced([{ account: 'external:org_A', amount: -5 }, { account: 'escrow:ctr_B', amount: 5 }])).not.toThrow();
  });

  it('refuses unbalanced, fractional, zero, single or repeated postings', () => {
    expect(() => assertBalanced([{ account: 'external:org_A', amount: -5 }, { account: 'escrow:ctr_B', amount: 4 }])).toThrow(LedgerInvariantError);
    expect(() => assertBalanced([{ account: 'external:org_A', amount: -0.5 }, { account: 'escrow:ctr_B', amount: 0.5 }])).toThrow(LedgerInvariantError);
    expect(() => assertBalanced([{ account: 'external:org_A', amount: 0 }, { account: 'escrow:ctr_B', amount: 0 }])).toThrow(LedgerInvariantError);
    expect(() => assertBalanced([{ account: 'escrow:ctr_B', amount: 0 }])).toThrow(LedgerInvariantError);
    expect(() => assertBalanced([{ account: 'escrow:ctr_B', amount: -1 }, { account: 'escrow:ctr_B', amount: 1 }])).toThrow(LedgerInvariantError);
  });

  it('merges postings to one account and drops the zeros', () => {
    expect(
      balancedPostings([
        { account: 'external:org_A', amount: -3 },
        { account: 'external:org_A', amount: -2 },
        { account: 'external:org_G', amount: 0 },
        { account: 'escrow:ctr_B', amount: 5 },
      ]),
    ).toEqual([{ account: 'external:org_A', amount: -5 }, { account: 'escrow:ctr_B', amount: 5 }]);
  });

  it('applies entries to balances and refuses to overdraw escrow (409)', () => {
    const funded = applyPostings(new Map(), [{ account: 'external:org_A', amount: -5 }, { account: 'escrow:ctr_B', amount: 5 }]);
    expect(Object.fromEntries(funded)).toEqual({ 'external:org_A': -5, 'escrow:ctr_B': 5 });
    const release = [{ account: 'escrow:ctr_B', amount: -5 }, { account: 'earnings:org_S', amount: 5 }];
    const released = applyPostings(funded, release);
    expect(released.get('escrow:ctr_B')).toBe(0);
    expect(() => applyPostings(released, release)).toThrow(ConflictError);
    // The input map is never changed.
    expect(funded.get('escrow:ctr_B')).toBe(5);
  });
});
