import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql, type Workspace } from './duckdb-session.js';
import type { StagedTable } from './lake.js';
import type { DataFile, TableManifest } from './manifest.js';
import type { ObjectStore } from './object-store.js';

/** A table as a reader sees it: its files and schema, from a committed manifest or a staged set. */
export interface TableFiles {
  name: string;
  files: DataFile[];
  schema: Array<{ name: string; type: string }>;
}

export function fromManifest(name: string, m: TableManifest): TableFiles {
  return { name, files: m.files, schema: m.schema };
}

export function fromStaged(t: StagedTable): TableFiles {
  return { name: t.name, files: t.files, schema: t.schema };
}

/**
 * Local paths DuckDB can read for these files: the files themselves on a filesystem lake, else copies in
 * `cacheDir` (content-addressed by sha256, so a cached copy is always the right bytes).
 */
export async function localFiles(store: ObjectStore, files: DataFile[], cacheDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    const direct = store.localPath(f.path);
    if (direct) {
      out.push(direct);
      continue;
    }
    const cached = path.join(cacheDir, `${f.sha256}.parquet`);
    if (!existsSync(cached)) await store.downloadFile(f.path, cached);
    out.push(cached);
  }
  return out;
}

/** Creates one view per table (`layer.table`) over its Parquet files; an empty table keeps its schema. */
export async function registerTables(
  ws: Workspace,
  store: ObjectStore,
  tables: TableFiles[],
  cacheDir: string,
): Promise<void> {
  await createViews(ws, await resolveTables(store, tables, cacheDir));
}

/** A table with the local paths DuckDB reads it from. */
export interface LocalTable {
  name: string;
  paths: string[];
  schema: TableFiles['schema'];
}

/** Fetches (or finds) every table's files locally, see {@link localFiles}. */
export async function resolveTables(store: ObjectStore, tables: TableFiles[], cacheDir: string): Promise<LocalTable[]> {
  const out: LocalTable[] = [];
  for (const t of tables)
    out.push({ name: t.name, paths: await localFiles(store, t.files, cacheDir), schema: t.schema });
  return out;
}

/** One view per table over its local Parquet files; an empty table becomes an empty table with its schema. */
export async function createViews(ws: Workspace, tables: LocalTable[]): Promise<void> {
  for (const t of tables) {
    const target = sql.table(t.name);
    await ws.run(`drop view if exists ${target}; drop table if exists ${target}`);
    if (t.paths.length)
      await ws.run(
        `create view ${target} as select * from read_parquet(${sql.list(t.paths)}, union_by_name = true, hive_partitioning = false)`,
      );
    else
      await ws.run(
        `create table ${target} (${t.schema.map((c) => `${sql.id(c.name)} ${c.type}`).join(', ') || '_empty varchar'})`,
      );
  }
}
