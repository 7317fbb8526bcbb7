import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSFORMS_DIR } from '../../activities/build/build-layers.js';
import { sql, Workspace } from '../../lake/duckdb-session.js';
import { finalOrderBy, modelWriteOrder } from '../../lake/model-order.js';
import { ROW_GROUP_ROWS, writeParquet } from '../../lake/parquet-writer.js';
import { loadModels } from '../../lake/transform-runner.js';

const TABLE = 'matched.ordered';
/**
 * 300,000 rows built like a model (`create table … as … order by k`), in three partitions:
 * - `A`: 121,500 rows at the start and 1,000 further on, 122,500 in all: one row group, whose first scan batch holds
 *   all but 1,000 of its rows (DuckDB's parallel writer took such a batch as a row group of its own);
 * - `B`: the 177,400 others, more than one row group;
 * - null: 100 rows.
 */
const MODEL_SQL = `select i as k,
    case when i < 121500 or i between 200000 and 200999 then 'A' when i between 250000 and 250099 then null else 'B' end
      as millesime,
    md5(i::varchar) as label,
    case when i % 7 = 0 then null else (i % 1000) / 8 end as rate
  from range(300000) as t(i)
  order by k`;

describe('writeParquet', () => {
  let ws: Workspace;
  const work = mkdtempSync(path.join(os.tmpdir(), 'devenir-writer-'));
  let run = 0;
  /** Writes TABLE under `threads` DuckDB threads; returns each file's partition, sha256 and row group sizes. */
  const write = async (
    threads: number,
    opts: { presorted?: boolean; stableBytes?: boolean; parallelFiles?: boolean },
  ) => {
    await ws.run(`set threads = ${threads}`);
    const { files } = await writeParquet(ws, TABLE, path.join(work, `run-${run++}`), {
      partitionColumn: 'millesime',
      orderBy: ['k'],
      ...opts,
    });
    const rowGroups = async (file: string) =>
      (
        await ws.rows<{ n: string }>(
          `select row_group_num_rows as n from parquet_metadata(${sql.str(file)}) group by row_group_id, n order by row_group_id`,
        )
      ).map((r) => Number(r.n));
    return Promise.all(
      files.map(async (f) => ({
        partition: f.partition,
        sha256: f.sha256,
        rowGroups: await rowGroups(f.localPath),
        f,
      })),
    );
  };

  beforeAll(async () => {
    ws = await Workspace.open();
    await ws.run('set threads = 2');
    await ws.run(`create table ${sql.table(TABLE)} as ${MODEL_SQL}`);
  });
  afterAll(async () => {
    await ws.run(`reset threads`);
    await ws.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("writes a presorted table as it comes, with the old ordered write's rows, order and bytes, on 1 and 2 threads", async () => {
    const sorted = await write(2, {});
    const asItComes = [
      await write(2, { presorted: true, stableBytes: true, parallelFiles: true }),
      await write(2, { presorted: true, stableBytes: true, parallelFiles: true }),
      await write(1, { presorted: true, stableBytes: true, parallelFiles: true }),
    ];
    const summary = (files: typeof sorted) => files.map((f) => [f.partition, f.sha256, f.rowGroups]);
    for (const files of asItComes) expect(summary(files)).toEqual(summary(sorted));
    expect(sorted.map((f) => [f.partition, f.rowGroups])).toEqual([
      ['A', [122_500]],
      ['B', [ROW_GROUP_ROWS, 177_400 - ROW_GROUP_ROWS]],
      ['', [100]],
    ]);
    // Row by row, each file holds its partition's rows in key order.
    for (const { f, partition } of asItComes[2]) {
      const where = partition === '' ? 'millesime is null' : `millesime = ${sql.str(partition)}`;
      const [{ misplaced, rows }] = await ws.rows<{ misplaced: string; rows: string }>(
        `select count(*) filter (where w.k is distinct from e.k or w.label is distinct from e.label or w.rate is distinct from e.rate) as misplaced,
           count(*) as rows
         from (select *, file_row_number as n from read_parquet(${sql.str(f.localPath)}, file_row_number = true)) as w
         full join (select *, row_number() over (order by k) - 1 as n from ${sql.table(TABLE)} where ${where}) as e using (n)`,
      );
      expect([Number(misplaced), Number(rows)]).toEqual([0, f.record_count]);
    }
  });
});

describe("a model's write order", () => {
  it("reads the final order by with DuckDB's parser: plain ascending columns only", async () => {
    await Workspace.with(async (ws) => {
      expect(await finalOrderBy(ws, 'with x as (select 1 as a) select * from x order by a, b nulls last')).toEqual([
        'a',
        'b',
      ]);
      expect(await finalOrderBy(ws, 'select 1 as a union all select 2 order by a')).toEqual(['a']);
      for (const query of [
        'select * from t',
        'with x as (select * from t order by a) select * from x',
        'select * from t order by a desc',
        'select * from t order by a nulls first',
        'select * from t order by lower(a)',
        'select * from t order by t.a',
        'not sql at all',
      ])
        expect(await finalOrderBy(ws, query), query).toBeNull();
    });
  });

  it('is presorted when the final order by starts with the unique key, sorted by the key otherwise', async () => {
    const model = (order: string, uniqueKey = ['a', 'b']) => ({
      sql: `select * from final ${order}`,
      contract: { uniqueKey } as never,
    });
    await Workspace.with(async (ws) => {
      expect(await modelWriteOrder(ws, model('order by a, b'))).toEqual({ orderBy: ['a', 'b'], presorted: true });
      expect(await modelWriteOrder(ws, model('order by a, b, c'))).toEqual({ orderBy: ['a', 'b'], presorted: true });
      for (const order of ['order by b, a', 'order by a, c, b', 'order by a', 'order by a, b desc', ''])
        expect(await modelWriteOrder(ws, model(order)), order).toEqual({ orderBy: ['a', 'b'], presorted: false });
      // The shipped models: a staging one ends with `order by uai`, its unique key.
      const models = await loadModels(TRANSFORMS_DIR);
      const acce = models.find((m) => m.id === 'staging.stg_acce__etablissements')!;
      expect(await modelWriteOrder(ws, acce)).toEqual({ orderBy: ['uai'], presorted: true });
    });
  });
});
