import path from 'node:path';
import { sql, Workspace } from './duckdb-session.js';
import type { Lake } from './lake.js';
import { fromManifest, registerTables } from './lake-views.js';
import type { TableManifest } from './manifest.js';

export interface TableDiff {
  table: string;
  from?: number;
  to?: number;
  /** Per millésime (or `''` for unpartitioned tables): rows only in the newer, only in the older, and changed. */
  partitions: Array<{ millesime: string; added: number; removed: number; changed?: number }>;
}

/**
 * What changed between two lake snapshots, per table and millésime. Rows are compared whole (lineage
 * columns aside); where a unique key is known, a key present on both sides with other values counts once as
 * changed rather than as one removed and one added row.
 */
export async function diffSnapshots(
  lake: Lake,
  from: number,
  to: number,
  workDir: string,
  uniqueKeys: Record<string, string[]> = {},
): Promise<TableDiff[]> {
  const [a, b] = [await lake.tables({ snapshot: from }), await lake.tables({ snapshot: to })];
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: TableDiff[] = [];
  await Workspace.with(async (ws) => {
    for (const name of names) {
      const [ma, mb] = [a.get(name), b.get(name)];
      if (ma && mb && ma.snapshot_id === mb.snapshot_id) continue;
      await register(ws, lake, 'old_side', ma, mb, workDir);
      await register(ws, lake, 'new_side', mb, ma, workDir);
      // Both sides over the union of their columns: a column one side lacks is NULL there (schema drift is a change).
      const columnsOf = async (alias: string) =>
        (await ws.rows<{ column_name: string }>(`select column_name from (describe ${alias})`)).map(
          (c) => c.column_name,
        );
      const [newCols, oldCols] = [await columnsOf('new_side'), await columnsOf('old_side')];
      const cols = [...new Set([...newCols, ...oldCols])].filter((c) => !c.startsWith('_raw'));
      const list = (have: string[]) =>
        cols.map((c) => (have.includes(c) ? sql.id(c) : `null as ${sql.id(c)}`)).join(', ');
      const part = (have: string[]) =>
        have.includes('millesime') ? `coalesce(${sql.id('millesime')}::varchar, '')` : `''`;
      const key = (uniqueKeys[name] ?? [])
        .filter((c) => cols.includes(c))
        .map(sql.id)
        .join(', ');
      const changed = key
        ? `, (select count(*) from (select ${key}, _m from added intersect all select ${key}, _m from removed) k where k._m = p._m) as changed`
        : '';
      const rows = await ws.rows<{ m: string; added: string; removed: string; changed?: string }>(
        `with n as (select ${list(newCols)}, ${part(newCols)} as _m from new_side), o as (select ${list(oldCols)}, ${part(oldCols)} as _m from old_side),
           added as (select * from n except all select * from o), removed as (select * from o except all select * from n),
           parts as (select _m from n union select _m from o)
         select p._m as m, (select count(*) from added where _m = p._m) as added, (select count(*) from removed where _m = p._m) as removed ${changed}
         from parts p order by m`,
      );
      out.push({
        table: name,
        from: ma?.snapshot_id,
        to: mb?.snapshot_id,
        partitions: rows
          .filter((r) => Number(r.added) || Number(r.removed))
          .map((r) => {
            const c = Number(r.changed ?? 0); // a changed row is one removed and one added version: count it once
            return {
              millesime: r.m,
              added: Number(r.added) - c,
              removed: Number(r.removed) - c,
              ...(key ? { changed: c } : {}),
            };
          }),
      });
    }
  });
  return out;
}

/** Registers one side of a diff under `alias`; a side the table is absent from is empty with the other side's schema. */
async function register(
  ws: Workspace,
  lake: Lake,
  alias: string,
  m: TableManifest | undefined,
  other: TableManifest | undefined,
  workDir: string,
): Promise<void> {
  // A side may have been a view (files) or an empty table (absent) for the previous table: drop whichever it is.
  const [found] = await ws.rows<{ table_type: string }>(
    `select table_type from information_schema.tables where table_catalog = current_database() and table_name = $1`,
    [alias],
  );
  if (found) await ws.run(`drop ${found.table_type === 'VIEW' ? 'view' : 'table'} ${sql.id(alias)}`);
  const files = m ? fromManifest(alias, m) : { name: alias, files: [], schema: other!.schema };
  await registerTables(ws, lake.store, [{ ...files, name: alias }], path.join(workDir, 'cache'));
}
