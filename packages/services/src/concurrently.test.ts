import { describe, expect, it } from 'vitest';
import { mapConcurrently } from './concurrently.js';

describe('mapConcurrently', () => {
  it('keeps the order of the items and never has more than `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapConcurrently(Array.from({ length: 25 }, (_, i) => i), 4, async (i) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
      inFlight -= 1;
      return i * 2;
    });
    expect(results).toEqual(Array.from({ length: 25 }, (_, i) => i * 2));
    expect(most).toBe(4);
  });

  it('rejects with the first failure, and maps nothing for no items', async () => {
    await expect(mapConcurrently([1, 2, 3], 2, async (i) => (i === 2 ? Promise.reject(new Error('two')) : i))).rejects.toThrow('two');
    expect(await mapConcurrently([], 3, async () => 1)).toEqual([]);
  });

  it('starts no further item after a failure', async () => {
    const started: number[] = [];
    const mapping = mapConcurrently(Array.from({ length: 10 }, (_, i) => i), 2, async (i) => {
      started.push(i);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (i === 1) throw new Error('one');
      return i;
    });
    await expect(mapping).rejects.toThrow('one');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toEqual([0, 1, 2]);
  });
});
