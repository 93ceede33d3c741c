import { describe, expect, it } from 'vitest';
import { bearerToken, verifyingOnce } from './bearer.js';

describe('bearer tokens', () => {
  it('takes the token of a Bearer header only', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer  abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('checks a token once while the check runs, and afresh once it is over', async () => {
    const checked: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const verify = verifyingOnce(async (token) => {
      checked.push(token);
      await gate;
      if (token === 'bad') throw new Error('invalid');
      return { sub: `user-${token}` };
    });
    const early = verify('t1');
    const late = verify('t1');
    const other = verify('bad');
    expect(checked).toEqual(['t1', 'bad']);
    release();
    await expect(early).resolves.toEqual({ sub: 'user-t1' });
    await expect(late).resolves.toEqual({ sub: 'user-t1' });
    await expect(other).rejects.toThrow('invalid');
    await expect(verify('bad')).rejects.toThrow('invalid');
    await verify('t1');
    expect(checked).toEqual(['t1', 'bad', 'bad', 't1']);
  });
});
