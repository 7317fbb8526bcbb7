import { describe, expect, it } from 'vitest';
import { Lake, type StagedTable } from '../../lake/lake.js';
import { testS3Store } from '../support/stores.js';

/** One table change: partition `p` of `table`, as file `tag`. */
function change(table: string, p: string, tag: string): StagedTable {
  return {
    name: `raw.${table}`,
    partitionColumn: 'millesime',
    replace: [p],
    files: [
      {
        path: `raw/${table}/data/millesime=${p}/${tag}.parquet`,
        partition: p,
        record_count: 10,
        file_size_bytes: 100,
        sha256: tag,
        column_stats: {},
      },
    ],
    schema: [{ name: 'millesime', type: 'VARCHAR' }],
  };
}

describe('two committers on one S3 lake (two deployments sharing DEVENIR_LAKE)', () => {
  it('keeps the lake history linear and loses no table change of either', async () => {
    const a = testS3Store();
    // The second deployment: its own client and Lake on the same bucket and prefix.
    const b = testS3Store({ prefix: a.options.prefix });
    const lakes = [new Lake(a), new Lake(b)];
    // Each deployment publishes four times, concurrently with the other; both touch the shared table raw.shared.
    const publishes = lakes.flatMap((lake, who) =>
      [0, 1, 2, 3].map((i) => ({
        lake,
        staged: [
          change(`own_${who}`, String(2000 + i), `own${who}-${i}`),
          change('shared', `${who}-${i}`, `sh${who}-${i}`),
        ],
        key: `deployment-${who}/run-${i}`,
      })),
    );
    const results = await Promise.all(
      publishes.map((p) => p.lake.publish(p.staged, { message: p.key, idempotencyKey: p.key })),
    );
    expect(results.every((r) => r.committed)).toBe(true);

    const history = (await lakes[0].lakeLog.history()).reverse();
    expect(history.map((s) => s.snapshot_id)).toEqual(publishes.map((_, i) => i + 1));
    expect(history.map((s) => s.parent_snapshot_id)).toEqual(publishes.map((_, i) => (i === 0 ? null : i)));
    expect(new Set(history.map((s) => s.idempotency_key))).toEqual(new Set(publishes.map((p) => p.key)));

    // Both deployments read the same head, holding every file either one published.
    for (const lake of lakes) {
      const tables = await lake.tables();
      const tags = (name: string) =>
        tables
          .get(name)!
          .files.map((f) => f.sha256)
          .sort();
      for (const who of [0, 1]) expect(tags(`raw.own_${who}`)).toEqual([0, 1, 2, 3].map((i) => `own${who}-${i}`));
      expect(tags('raw.shared')).toEqual(publishes.map((p) => p.staged[1].files[0].sha256).sort());
    }
    // Each table's own history is linear too.
    const shared = (await lakes[1].tableLog('raw.shared').history()).reverse();
    expect(shared.map((s) => s.parent_snapshot_id)).toEqual(shared.map((_, i) => (i === 0 ? null : i)));

    // A retry of a publish either deployment already committed adds nothing.
    const again = await lakes[1].publish(publishes[0].staged, { message: 'retry', idempotencyKey: publishes[0].key });
    expect(again.committed).toBe(false);
    expect((await lakes[0].lakeLog.head())!.snapshot_id).toBe(publishes.length);
  });
});
