import type { ObjectStore } from '../../lake/object-store.js';

/**
 * Every object of a lake as `key size`, sorted, but the landing workers' rate leases (`_meta/rate/`: coordination
 * between live workers, rewritten by any request, conditional ones included; neither data nor history) and any
 * prefix of `ignore`. Two equal listings mean nothing was written or removed.
 */
export async function lakeListing(store: ObjectStore, ignore: string[] = []): Promise<string[]> {
  const skipped = ['_meta/rate/', ...ignore];
  return (await store.list(''))
    .filter((o) => !skipped.some((prefix) => o.key.startsWith(prefix)))
    .map((o) => `${o.key} ${o.size}`)
    .sort();
}

/** Copies every object of a lake but the rate leases into an empty one (a lake is relative to its root). */
export async function copyLake(from: ObjectStore, to: ObjectStore): Promise<void> {
  for (const o of await from.list('')) {
    if (o.key.startsWith('_meta/rate/')) continue;
    await to.put(o.key, (await from.get(o.key))!.body);
  }
}
