import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sql, Workspace } from './duckdb-session.js';
import type { Lake } from './lake.js';

/** The statements that define one view per table of a snapshot (`layer.table`), over its Parquet files. */
async function viewStatements(lake: Lake, snapshotId: number, prefix = ''): Promise<string[]> {
  const tables = await lake.tables({ snapshot: snapshotId });
  const statements = ['raw', 'staging', 'matched', 'published'].map(
    (s) => `create schema if not exists ${prefix}${sql.id(s)};`,
  );
  statements.push(
    `create or replace table ${prefix}main.devenir_snapshot as select ${snapshotId}::integer as snapshot_id, ${sql.str(lake.store.root)} as lake;`,
  );
  for (const [name, manifest] of tables) {
    const [layer, table] = name.split('.');
    const target = `${prefix}${sql.id(layer)}.${sql.id(table)}`;
    const files = manifest.files.map((f) => lake.store.localPath(f.path) ?? `${lake.store.root}/${f.path}`);
    statements.push(
      files.length
        ? `create or replace view ${target} as select * from read_parquet(${sql.list(files)}, union_by_name = true, hive_partitioning = false);`
        : `create or replace view ${target} as select ${manifest.schema.map((c) => `null::${c.type} as ${sql.id(c.name)}`).join(', ') || 'null as _empty'} where false;`,
    );
  }
  return statements;
}

/**
 * The analysts' reader kit for one lake snapshot, regenerated at each publish:
 * `_meta/catalog/devenir.sql` (views over the snapshot's Parquet files: run it in any DuckDB, with httpfs for an
 * S3 lake) and, on a filesystem lake, `_meta/catalog/devenir.duckdb`, a views-only database to
 * `ATTACH … (READ_ONLY)` and query `published.stats_etablissements` by name. Returns the catalog's location.
 */
export async function writeViewsCatalog(lake: Lake, snapshotId: number): Promise<string> {
  const script = (await viewStatements(lake, snapshotId)).join('\n');
  await lake.store.put(
    '_meta/catalog/devenir.sql',
    `-- devenir lake snapshot ${snapshotId}: views over its Parquet files.\n${script}\n`,
  );
  const local = lake.store.localPath('_meta/catalog/devenir.duckdb');
  if (!local) return `${lake.store.root}/_meta/catalog/devenir.sql`;
  // DuckDB binds a view when it is created, so the .duckdb file is made where the files are readable: here.
  const tmp = path.join(path.dirname(local), `.catalog-${randomUUID()}.duckdb`);
  await fs.mkdir(path.dirname(tmp), { recursive: true });
  const alias = `cat_${randomUUID().replace(/-/g, '')}`;
  try {
    await Workspace.with(async (ws) => {
      await ws.run(`attach ${sql.str(tmp)} as ${sql.id(alias)}`);
      try {
        for (const statement of await viewStatements(lake, snapshotId, `${sql.id(alias)}.`)) await ws.run(statement);
      } finally {
        await ws.run(`detach ${sql.id(alias)}`);
      }
    });
    await fs.rename(tmp, local);
  } finally {
    await fs.rm(tmp, { force: true });
  }
  return local;
}
