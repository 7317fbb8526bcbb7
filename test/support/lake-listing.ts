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
  const keys = (await from.list('')).map((o) => o.key).filter((key) => !key.startsWith('_meta/rate/'));
  for (let i = 0; i < keys.length; i += 16)
    await Promise.all(keys.slice(i, i + 16).map(async (key) => to.put(key, (await from.get(key))!.body)));
}
