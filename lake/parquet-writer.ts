import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sql, type Workspace } from './duckdb-session.js';
import type { Column, DataFile } from './manifest.js';

export interface WrittenFile extends Omit<DataFile, 'path'> {
  /** Where DuckDB wrote it locally. */
  localPath: string;
}

/** A table written to local Parquet files, ready to upload (lake/staged.ts uploadWritten). */
export interface WrittenTable {
  files: WrittenFile[];
  schema: Array<Omit<Column, 'id'>>;
}

/** DuckDB's Parquet row group (rows): a file of at most this many rows is one row group. */
export const ROW_GROUP_ROWS = 122_880;
/**
 * The `row_group_size` of a presorted file of at most ROW_GROUP_ROWS rows. DuckDB's parallel writer takes a batch of
 * the scan as a whole row group when it holds within one vector (2,048 rows) of `row_group_size`: with the default, a
 * filtered scan whose first batch has 121,500 of the file's 122,500 rows gave two row groups on 2 threads and one on
 * 1 thread, hence other bytes. One vector more than the default makes every such file exactly one row group.
 */
const ONE_ROW_GROUP = ROW_GROUP_ROWS + 2_048;
/** Files of one row group written at once (at most DuckDB's thread count). */
const MAX_FILES_AT_ONCE = 4;

/**
 * Writes a table to zstd Parquet with DuckDB, one file per partition value, rows in `orderBy` order so the same data
 * always gives the same bytes. Returns DuckDB's own per-file statistics (COPY … RETURN_STATS).
 */
export async function writeParquet(
  ws: Workspace,
  table: string,
  outDir: string,
  opts: {
    partitionColumn: string | null;
    orderBy?: string[];
    /**
     * The table's rows already come in `orderBy` order (a landing; a model whose final `order by` starts with its
     * unique key, as DuckDB keeps a table in insertion order): no file of one row group is sorted again.
     */
    presorted?: boolean;
    /**
     * With `presorted`, also sort a file of more than one row group again, so that identical rows give identical
     * bytes whatever DuckDB's thread count: a parallel write of unsorted rows cuts row groups where the threads' scan
     * batches end. Without it such a file is written as it comes.
     */
    stableBytes?: boolean;
    /**
     * Write files of one row group several at once, each on a connection of its own (one thread encodes such a
     * file). The table must then be visible to other connections: not a temp table or view.
     */
    parallelFiles?: boolean;
  },
): Promise<WrittenTable> {
  await fs.mkdir(outDir, { recursive: true });
  const schema = await describeColumns(ws, sql.table(table));
  const order = (opts.orderBy?.length ? opts.orderBy : schema.map((c) => c.name)).map(sql.id).join(', ');
  // A table keeps its insertion order only while preserve_insertion_order is on (DuckDB's default).
  const [{ kept }] = await ws.rows<{ kept: boolean }>(`select current_setting('preserve_insertion_order') as kept`);
  const presorted = opts.presorted === true && kept;
  const column = opts.partitionColumn;
  // One scan gives the partition values and the rows of each file.
  const partitions = column
    ? await ws.rows<{ p: string | null; n: string }>(
        `select ${sql.id(column)}::varchar as p, count(*) as n from ${sql.table(table)} group by all order by p`,
      )
    : await ws.rows<{ p: null; n: string }>(`select null as p, count(*) as n from ${sql.table(table)}`);
  // Compared as text, but without a cast on a text column, so that DuckDB pushes the filter into the scan.
  const isText = schema.find((c) => c.name === column)?.type === 'VARCHAR';
  const oneRowGroup = (i: number) => Number(partitions[i].n) <= ROW_GROUP_ROWS;
  const writeFile = (connection: Workspace, i: number): Promise<WrittenFile> => {
    const partition = partitions[i].p;
    const filter = column
      ? `where ${sql.id(column)}${isText ? '' : '::varchar'} ${partition === null ? 'is null' : `= ${sql.str(partition)}`}`
      : '';
    const sorted = !presorted || (!oneRowGroup(i) && opts.stableBytes === true);
    return copyToParquet(
      connection,
      `select * from ${sql.table(table)} ${filter} ${sorted ? `order by ${order}` : ''}`,
      path.join(outDir, `part-${i}.parquet`),
      partition ?? '',
      !sorted && oneRowGroup(i) ? { rowGroupSize: ONE_ROW_GROUP } : {},
    );
  };
  const files: WrittenFile[] = [];
  const indexes = partitions.map((_, i) => i);
  // A larger file is written alone, its row groups encoded by DuckDB's threads side by side.
  for (const i of indexes.filter((i) => !oneRowGroup(i))) files[i] = await writeFile(ws, i);
  // A file of one row group is encoded by one thread: with parallelFiles, several are written at once.
  const small = indexes.filter(oneRowGroup);
  const [{ threads }] = await ws.rows<{ threads: string }>(`select current_setting('threads') as threads`);
  const width = opts.parallelFiles ? Math.min(small.length, Number(threads), MAX_FILES_AT_ONCE) : 1;
  const forks = await Promise.all(Array.from({ length: Math.max(0, width - 1) }, () => ws.fork()));
  try {
    const results = await Promise.allSettled(
      [ws, ...forks].map(async (connection) => {
        try {
          for (let i = small.shift(); i !== undefined; i = small.shift()) files[i] = await writeFile(connection, i);
        } catch (error) {
          small.length = 0;
          throw error;
        }
      }),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    for (const fork of forks) await fork.close();
  }
  return { files, schema };
}

/** The columns (name, DuckDB type) of a table, view or parenthesised query, as a written file's schema. */
export async function describeColumns(ws: Workspace, relation: string): Promise<WrittenTable['schema']> {
  const described = await ws.rows<{ column_name: string; column_type: string }>(`describe ${relation}`);
  return described.map((c) => ({ name: c.column_name, type: c.column_type }));
}

/**
 * Writes one query's rows, in the order it gives them, to one zstd Parquet file: its size, sha256 and DuckDB's own
 * per-column statistics (COPY … RETURN_STATS). `rowGroupSize` bounds the rows DuckDB buffers per row group.
 */
export async function copyToParquet(
  ws: Workspace,
  query: string,
  localPath: string,
  partition: string,
  opts: { rowGroupSize?: number } = {},
): Promise<WrittenFile> {
  const rowGroup = opts.rowGroupSize ? `, row_group_size ${opts.rowGroupSize}` : '';
  const [stats] = await ws.rows<RawStats>(
    `copy (${query}) to ${sql.str(localPath)} (format parquet, compression zstd, return_stats true${rowGroup})`,
  );
  return {
    localPath,
    partition,
    record_count: Number(stats.count),
    file_size_bytes: Number(stats.file_size_bytes),
    sha256: await sha256File(localPath),
    column_stats: columnStats(stats.column_statistics),
  };
}

interface RawStats {
  count: string;
  file_size_bytes: string;
  column_statistics: Array<{ key: string; value: Array<{ key: string; value: string | null }> }> | null;
}

function columnStats(raw: RawStats['column_statistics']): DataFile['column_stats'] {
  const out: DataFile['column_stats'] = {};
  for (const { key, value } of raw ?? []) {
    const m = Object.fromEntries(value.map((v) => [v.key, v.value]));
    out[key.replace(/^"|"$/g, '')] = {
      min: m.min ?? null,
      max: m.max ?? null,
      null_count: m.null_count == null ? null : Number(m.null_count),
    };
  }
  return out;
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}
