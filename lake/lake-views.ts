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
  for (const t of tables) {
    const files = await localFiles(store, t.files, cacheDir);
    const target = sql.table(t.name);
    await ws.run(`drop view if exists ${target}; drop table if exists ${target}`);
    if (files.length)
      await ws.run(
        `create view ${target} as select * from read_parquet(${sql.list(files)}, union_by_name = true, hive_partitioning = false)`,
      );
    else
      await ws.run(
        `create table ${target} (${t.schema.map((c) => `${sql.id(c.name)} ${c.type}`).join(', ') || '_empty varchar'})`,
      );
  }
}
