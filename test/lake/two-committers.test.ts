import { describe, expect, it } from 'vitest';
import { StaleBuild } from '../../activities/errors.js';
import { Lake, type StagedTable } from '../../lake/lake.js';
import { paths } from '../../lake/manifest.js';
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

  it('refuses a model built over an input the other committer published meanwhile, and commits nothing', async () => {
    const a = new Lake(testS3Store());
    const b = new Lake(a.store);
    await a.publish([change('input', '2020', 'in-1')], { message: 'input', idempotencyKey: 'input-1' });
    const pinned = (await a.lakeSnapshot())!.tables['raw.input'];
    // Deployment A builds a model over raw.input@1 while deployment B publishes raw.input@2.
    const model: StagedTable = {
      ...change('model', '2020', 'model-1'),
      inputs: [{ table: 'raw.input', snapshot_id: pinned }],
    };
    await b.publish([change('input', '2020', 'in-2')], { message: 'input', idempotencyKey: 'input-2' });
    const head = await a.lakeSnapshot();
    const stale = a.publish([model], { message: 'model', idempotencyKey: 'model-1' });
    await expect(stale).rejects.toThrow(StaleBuild);
    await expect(stale).rejects.toThrow(/raw\.model was built over raw\.input@1, now @2.*run it again/);
    expect(await a.lakeSnapshot()).toEqual(head);
    expect(await a.store.list('_meta/raw/model/')).toEqual([]);
    // Built again over the new head, it publishes; a retry of that publish is not refused.
    const fresh = { ...model, inputs: [{ table: 'raw.input', snapshot_id: head!.tables['raw.input'] }] };
    expect((await a.publish([fresh], { message: 'model', idempotencyKey: 'model-2' })).committed).toBe(true);
    await b.publish([change('input', '2021', 'in-3')], { message: 'input', idempotencyKey: 'input-3' });
    expect((await a.publish([fresh], { message: 'model', idempotencyKey: 'model-2' })).committed).toBe(false);
  });

  it('refuses it too when the other committer publishes between its table commits and its lake commit', async () => {
    const store = testS3Store();
    const a = new Lake(store);
    const b = new Lake(testS3Store({ prefix: store.options.prefix }));
    await a.publish([change('input', '2020', 'in-1')], { message: 'input', idempotencyKey: 'input-1' });
    const model = (tag: string, pinned: number): StagedTable => ({
      ...change('model', '2020', tag),
      inputs: [{ table: 'raw.input', snapshot_id: pinned }],
    });
    // Deployment B publishes raw.input@2 right after A's table snapshot of raw.model, before A's lake commit.
    const put = store.putIfAbsent.bind(store);
    store.putIfAbsent = async (key, body) => {
      const written = await put(key, body);
      if (key === paths.tableSnapshot('raw', 'model', 1))
        await b.publish([change('input', '2020', 'in-2')], { message: 'input', idempotencyKey: 'input-2' });
      return written;
    };
    await expect(a.publish([model('model-1', 1)], { message: 'model', idempotencyKey: 'model-1' })).rejects.toThrow(
      /raw\.model was built over raw\.input@1, now @2/,
    );
    const head = (await a.lakeSnapshot())!;
    expect(head.tables['raw.model']).toBeUndefined();
    // The refused attempt's table snapshot stays in raw.model's log under its key; the committer's rebuild publishes
    // under a key of its own (workflows/committer-workflow.ts), so the lake takes the new build's files.
    const again = await a.publish([model('model-2', head.tables['raw.input'])], {
      message: 'model',
      idempotencyKey: 'model-1/stale-rebuild-1',
    });
    expect(again.committed).toBe(true);
    expect((await a.tables()).get('raw.model')!.files.map((f) => f.sha256)).toEqual(['model-2']);
  });
});
