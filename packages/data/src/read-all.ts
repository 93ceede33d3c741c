import type { Page, PageRequest } from './query.js';

/**
 * Follows cursors until a list is exhausted. For bounded sets only
 * (one cluster's contracts, the consortium's studios), never for a user's page.
 */
export async function readAll<T>(list: (page: PageRequest) => Promise<Page<T>>, pageSize = 100): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ cursor, limit: pageSize });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
