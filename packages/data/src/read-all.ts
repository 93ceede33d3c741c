import type { Page, PageRequest } from './query.js';

/**
 * Follows cursors until a list is exhausted, or `max` items were read. For
 * bounded sets only (one cluster's contracts, the studios with one skill),
 * never for a user's page.
 */
export async function readAll<T>(list: (page: PageRequest) => Promise<Page<T>>, pageSize = 100, max = Number.POSITIVE_INFINITY): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ cursor, limit: Math.min(pageSize, max - items.length) });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < max);
  return items;
}
