import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CheckResult, Column, DataFile, parseTableName, paths } from './manifest.js';
import type { StagedTable } from './lake.js';
import type { ObjectStore } from './object-store.js';
import { writeParquet, type WrittenTable } from './parquet-writer.js';
import type { Workspace } from './duckdb-session.js';

const StagedTableSchema = z.object({
  name: z.string(),
  partitionColumn: z.string().nullable(),
  replace: z.union([z.array(z.string()), z.literal('all')]),
  files: z.array(DataFile),
  schema: z.array(Column.omit({ id: true })),
  inputs: z.array(z.object({ table: z.string(), snapshot_id: z.number().int() })).optional(),
  checks: z.array(CheckResult).optional(),
  source: z.record(z.string(), z.unknown()).optional(),
  fingerprint: z.string().optional(),
  build_ms: z.number().optional(),
});
const StagedSet = z.object({ tables: z.array(StagedTableSchema) });

/**
 * Staged tables are written to the lake as one JSON object, so that workflows pass only its key:
 * `_meta/staged/<sha256 of the content>.json` (content-addressed: a retry writes nothing new).
 */
export async function saveStaged(store: ObjectStore, tables: StagedTable[]): Promise<string> {
  const body = JSON.stringify({ tables });
  const key = `_meta/staged/${createHash('sha256').update(body).digest('hex')}.json`;
  if (!(await store.head(key))) await store.put(key, body);
  return key;
}

export async function loadStaged(store: ObjectStore, key: string): Promise<StagedTable[]> {
  const found = await store.get(key);
  if (!found) throw new Error(`staged set ${key} is missing from ${store.root}`);
  return StagedSet.parse(JSON.parse(found.body.toString('utf8'))).tables;
}

/**
 * Writes a workspace table to Parquet and uploads each file under its content-addressed key
 * (create-only: identical data written twice is one object), returning the staged table.
 */
export async function stageTable(
  ws: Workspace,
  store: ObjectStore,
  workTable: string,
  target: {
    name: string;
    partitionColumn: string | null;
    replace: string[] | 'all';
    orderBy?: string[];
    /** The rows already come in `orderBy` order (see writeParquet). */
    presorted?: boolean;
    /** Sort a presorted file of more than one row group again, for the same bytes on any thread count (see writeParquet). */
    stableBytes?: boolean;
    /** Write files of one row group several at once; not for a temp table or view (see writeParquet). */
    parallelFiles?: boolean;
    localDir: string;
  },
): Promise<StagedTable> {
  const written = await writeParquet(ws, workTable, path.join(target.localDir, target.name), {
    partitionColumn: target.partitionColumn,
    orderBy: target.orderBy,
    presorted: target.presorted,
    stableBytes: target.stableBytes,
    parallelFiles: target.parallelFiles,
  });
  return uploadWritten(store, target, written);
}

/** Uploads written Parquet files under their content-addressed keys (create-only) and returns the staged table. */
export async function uploadWritten(
  store: ObjectStore,
  target: { name: string; partitionColumn: string | null; replace: string[] | 'all' },
  { files, schema }: WrittenTable,
): Promise<StagedTable> {
  const { layer, table } = parseTableName(target.name);
  const out: DataFile[] = [];
  for (const f of files) {
    const key = paths.dataFile(layer, table, target.partitionColumn, f.partition, f.sha256);
    await store.uploadFile(key, f.localPath, { ifAbsent: true });
    await fs.rm(f.localPath, { force: true });
    out.push({
      path: key,
      partition: f.partition,
      record_count: f.record_count,
      file_size_bytes: f.file_size_bytes,
      sha256: f.sha256,
      column_stats: f.column_stats,
    });
  }
  return { name: target.name, partitionColumn: target.partitionColumn, replace: target.replace, files: out, schema };
}
