/** The value of a settled promise, or its reason thrown: reads made at once whose errors are still reported in order. */
export function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/**
 * `map` over `items` with at most `limit` calls in flight, results in the
 * items' order: many independent reads at once without queueing hundreds of
 * requests on the database client's sockets. After a failure no further item
 * is started (those in flight finish), and the first failure is thrown.
 */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const at = next++;
      try {
        results[at] = await map(items[at]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
