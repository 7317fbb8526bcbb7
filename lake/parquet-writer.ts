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

/**
 * Writes a table to zstd Parquet with DuckDB, one file per partition value, rows in `orderBy` order so the
 * same data always gives the same bytes. Returns DuckDB's own per-file statistics (COPY … RETURN_STATS).
 */
export async function writeParquet(
  ws: Workspace,
  table: string,
  outDir: string,
  /** `presorted`: the table's rows already come in `orderBy` order (e.g. a landing), so none is sorted again. */
  opts: { partitionColumn: string | null; orderBy?: string[]; presorted?: boolean },
): Promise<WrittenTable> {
  await fs.mkdir(outDir, { recursive: true });
  const schema = (await ws.rows<{ column_name: string; column_type: string }>(`describe ${sql.table(table)}`)).map(
    (c) => ({ name: c.column_name, type: c.column_type }),
  );
  const order = (opts.orderBy?.length ? opts.orderBy : schema.map((c) => c.name)).map(sql.id).join(', ');
  const partitions = opts.partitionColumn
    ? (
        await ws.rows<{ p: string | null }>(
          `select distinct ${sql.id(opts.partitionColumn)}::varchar as p from ${sql.table(table)} order by p`,
        )
      ).map((r) => r.p)
    : [null];
  const files: WrittenFile[] = [];
  for (const [i, partition] of partitions.entries()) {
    const filter = opts.partitionColumn
      ? `where ${sql.id(opts.partitionColumn)}::varchar ${partition === null ? 'is null' : `= ${sql.str(partition)}`}`
      : '';
    files.push(
      await copyToParquet(
        ws,
        `select * from ${sql.table(table)} ${filter} ${opts.presorted ? '' : `order by ${order}`}`,
        path.join(outDir, `part-${i}.parquet`),
        partition ?? '',
      ),
    );
  }
  return { files, schema };
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
