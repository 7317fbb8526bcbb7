import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PreconditionFailed } from '../../lake/object-store.js';
import { STORE_KINDS } from '../support/stores.js';

describe.each(STORE_KINDS)('object store conformance: $kind', ({ make }) => {
  it('puts, gets, heads, lists in key order and deletes', async () => {
    const store = make();
    await store.put('a/2.txt', 'two');
    await store.put('a/1.txt', 'one');
    await store.put('b/1.txt', 'other');
    expect((await store.get('a/1.txt'))?.body.toString()).toBe('one');
    expect((await store.head('a/2.txt'))?.size).toBe(3);
    expect((await store.list('a/')).map((o) => o.key)).toEqual(['a/1.txt', 'a/2.txt']);
    await store.delete('a/1.txt');
    expect(await store.get('a/1.txt')).toBeUndefined();
    expect(await store.head('missing')).toBeUndefined();
  });

  it('refuses a second create-only put and keeps the first content', async () => {
    const store = make();
    await store.putIfAbsent('k', 'first');
    await expect(store.putIfAbsent('k', 'second')).rejects.toBeInstanceOf(PreconditionFailed);
    expect((await store.get('k'))?.body.toString()).toBe('first');
  });

  it('refuses a compare-and-swap with a stale version, accepts the current one', async () => {
    const store = make();
    const v1 = await store.putIfAbsent('p', '1');
    const v2 = await store.putIfMatch('p', '2', v1.version);
    await expect(store.putIfMatch('p', '3', v1.version)).rejects.toBeInstanceOf(PreconditionFailed);
    await store.putIfMatch('p', '3', v2.version);
    expect((await store.get('p'))?.body.toString()).toBe('3');
    await expect(store.putIfMatch('absent', 'x', v1.version)).rejects.toBeInstanceOf(PreconditionFailed);
  });

  it('lets exactly one of many concurrent create-only writers win', async () => {
    const store = make();
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => store.putIfAbsent('race', `writer ${i}`)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results
        .filter((r) => r.status === 'rejected')
        .every((r) => (r as PromiseRejectedResult).reason instanceof PreconditionFailed),
    ).toBe(true);
  });

  it('lets exactly one of many concurrent compare-and-swap writers on the same version win', async () => {
    const store = make();
    const { version } = await store.putIfAbsent('cas', 'start');
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => store.putIfMatch('cas', `writer ${i}`, version)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('streams files up and down, create-only upload keeps the first object', async () => {
    const store = make();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'devenir-up-'));
    writeFileSync(path.join(dir, 'a.bin'), Buffer.alloc(300_000, 7));
    writeFileSync(path.join(dir, 'b.bin'), 'different');
    expect((await store.uploadFile('f/a.bin', path.join(dir, 'a.bin'), { ifAbsent: true })).created).toBe(true);
    expect((await store.uploadFile('f/a.bin', path.join(dir, 'b.bin'), { ifAbsent: true })).created).toBe(false);
    await store.downloadFile('f/a.bin', path.join(dir, 'out', 'a.bin'));
    expect(readFileSync(path.join(dir, 'out', 'a.bin')).equals(Buffer.alloc(300_000, 7))).toBe(true);
  });
});
