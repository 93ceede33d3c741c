import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError } from '@sharedtech/core';
import { retryingConflicts } from './change.js';

describe('retryingConflicts', () => {
  it('runs the change again after a race it lost, and answers what the later attempt answers', async () => {
    let calls = 0;
    const result = await retryingConflicts(['CONCURRENT_UPDATE'], 3, async () => {
      calls += 1;
      if (calls < 3) throw new ConflictError('CONCURRENT_UPDATE', 'lost the race');
      return 'signed';
    });
    expect([result, calls]).toEqual(['signed', 3]);
  });

  it('gives up after `attempts` with the last conflict, and never retries another error or another code', async () => {
    let calls = 0;
    const losing = retryingConflicts(['CONCURRENT_UPDATE'], 2, async () => {
      calls += 1;
      throw new ConflictError('CONCURRENT_UPDATE', `lost ${calls}`);
    });
    await expect(losing).rejects.toThrow('lost 2');
    for (const error of [new ConflictError('ALREADY_SIGNED', 'signed'), new ForbiddenError('NOT_A_SIGNER', 'no')]) {
      let tries = 0;
      await expect(retryingConflicts(['CONCURRENT_UPDATE'], 3, async () => {
        tries += 1;
        throw error;
      })).rejects.toBe(error);
      expect(tries).toBe(1);
    }
  });
});
