import pLimit from 'p-limit';

/**
 * Maps `items` with at most `concurrency` calls in flight. After a failure no new call starts, the calls in flight
 * are awaited (so nothing keeps hitting the service once this returns), then the first error is thrown.
 */
export async function mapSettled<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const limit = pLimit(concurrency);
  let failed = false;
  const settled = await Promise.allSettled(
    items.map((item) =>
      limit(async () => {
        if (failed) return undefined as never;
        try {
          return await fn(item);
        } catch (error) {
          failed = true;
          throw error;
        }
      }),
    ),
  );
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}
