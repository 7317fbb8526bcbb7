import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lake, type StagedTable } from '../../lake/lake.js';
import { TableManifest, paths, type DataFile } from '../../lake/manifest.js';
import { STORE_KINDS } from '../support/stores.js';

function file(partition: string, tag: string, rows = 10): DataFile {
  return {
    path: `raw/t/data/millesime=${partition}/${tag}.parquet`,
    partition,
    record_count: rows,
    file_size_bytes: 100,
    sha256: tag,
    column_stats: {},
  };
}

function staged(partition: string, tag: string): StagedTable {
  return {
    name: 'raw.t',
    partitionColumn: 'millesime',
    replace: [partition],
    files: [file(partition, tag)],
    schema: [{ name: 'millesime', type: 'VARCHAR' }],
  };
}

describe.each(STORE_KINDS)('versioned snapshots: $kind', ({ make }) => {
  it('commits, replaces a partition, keeps the others, and ignores a retried idempotency key', async () => {
    const lake = new Lake(make());
    const first = await lake.publish([staged('2021', 'a'), { ...staged('2022', 'b'), name: 'raw.u' }], {
      message: 'one',
      idempotencyKey: 'run-1',
    });
    expect(first.committed).toBe(true);
    const second = await lake.publish([staged('2022', 'c')], { message: 'two', idempotencyKey: 'run-2' });
    const t = (await lake.tables()).get('raw.t')!;
    expect(t.files.map((f) => f.path)).toEqual([file('2021', 'a').path, file('2022', 'c').path]);
    expect(t.summary).toEqual({ rows: 20, files: 2, partitions: { '2021': 10, '2022': 10 } });
    const retried = await lake.publish([staged('2022', 'c')], { message: 'two again', idempotencyKey: 'run-2' });
    expect(retried.committed).toBe(false);
    expect(retried.snapshot?.snapshot_id).toBe(second.snapshot?.snapshot_id);
    const unchanged = await lake.publish([staged('2022', 'c')], {
      message: 'same data, new run',
      idempotencyKey: 'run-3',
    });
    expect(unchanged.committed).toBe(false);
  });

  it('reads old snapshots and tags, and rolls back with a new commit', async () => {
    const lake = new Lake(make());
    const one = await lake.publish([staged('2021', 'a')], { message: 'one', idempotencyKey: 'k1' });
    await lake.tag('release-1', one.snapshot!.snapshot_id);
    await lake.publish([staged('2021', 'b')], { message: 'two', idempotencyKey: 'k2' });
    expect((await lake.tables({ tag: 'release-1' })).get('raw.t')!.files[0].sha256).toBe('a');
    expect((await lake.tables()).get('raw.t')!.files[0].sha256).toBe('b');
    await expect(lake.tag('release-1', 2)).rejects.toThrow();
    const back = await lake.rollback({ tag: 'release-1' }, 'rb-1');
    expect(back.snapshot!.snapshot_id).toBe(3);
    expect((await lake.tables()).get('raw.t')!.files[0].sha256).toBe('a');
    expect((await lake.tables()).get('raw.t')!.operation).toBe('rollback');
  });

  it('rolls the pointer forward past a writer that crashed between its manifest and its pointer move', async () => {
    const store = make();
    const lake = new Lake(store);
    await lake.commitTable(staged('2021', 'a'), 'k1');
    const head = (await lake.tableLog('raw.t').head())!;
    const orphan = {
      ...head,
      snapshot_id: 2,
      parent_snapshot_id: 1,
      idempotency_key: 'crashed',
      files: [...head.files, file('2022', 'z')],
    };
    await store.putIfAbsent(paths.tableSnapshot('raw', 't', 2), JSON.stringify(orphan));
    const after = await lake.commitTable(staged('2023', 'c'), 'k3');
    expect(after.snapshot!.snapshot_id).toBe(3);
    expect(after.snapshot!.files.map((f) => f.sha256)).toEqual(['a', 'z', 'c']);
    expect(JSON.parse((await store.get(paths.tableCurrent('raw', 't')))!.body.toString()).snapshot_id).toBe(3);
  });

  it('property: concurrent committers on different millésimes never lose a file; the head is always valid', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 2000, max: 2030 }), { minLength: 2, maxLength: 8 }),
        async (years) => {
          const store = make();
          const lake = new Lake(store);
          const results = await Promise.all(
            years.map((y) => lake.commitTable(staged(String(y), `f${y}`), `writer-${y}`)),
          );
          expect(results.every((r) => r.committed)).toBe(true);
          const head = TableManifest.parse((await lake.tableLog('raw.t').head())!);
          expect(head.snapshot_id).toBe(years.length);
          expect(head.files.map((f) => f.sha256).sort()).toEqual(years.map((y) => `f${y}`).sort());
          const history = await lake.tableLog('raw.t').history();
          expect(history.map((h) => h.snapshot_id)).toEqual(years.map((_, i) => years.length - i));
        },
      ),
      { numRuns: 5 },
    );
  });

  it('collects only unreferenced data files older than the grace period', async () => {
    const store = make();
    const lake = new Lake(store);
    await store.put('raw/t/data/millesime=2021/a.parquet', 'a');
    await store.put('raw/t/data/millesime=2021/orphan.parquet', 'o');
    await lake.publish(
      [{ ...staged('2021', 'a'), files: [{ ...file('2021', 'a'), path: 'raw/t/data/millesime=2021/a.parquet' }] }],
      { message: 'm', idempotencyKey: 'g1' },
    );
    expect((await lake.gc({ graceMs: 3_600_000 })).deleted).toEqual([]);
    const gc = await lake.gc({ graceMs: 0, now: new Date(Date.now() + 1000) });
    expect(gc.deleted).toEqual(['raw/t/data/millesime=2021/orphan.parquet']);
    expect(await store.head('raw/t/data/millesime=2021/a.parquet')).toBeDefined();
  });
});
