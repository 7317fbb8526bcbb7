import { sql } from '../../lake/duckdb-session.js';
import type { Lake, SnapshotSelector } from '../../lake/lake.js';
import { openSnapshotWorkspace } from '../../lake/snapshot-workspace.js';

/**
 * Row count and an order-independent checksum over every column of each table of the current lake snapshot (or of
 * `selector`'s; all tables, or `only`): two lakes with equal checksums hold the same rows, whatever their files or
 * snapshot numbers or the order of their columns. A table with a `millesime` column gets one entry per millésime (`table [millesime]`), so a
 * difference names the partition it is in.
 */
export async function contentChecksums(
  lake: Lake,
  workDir: string,
  only?: string[],
  selector: SnapshotSelector = {},
): Promise<Record<string, { rows: number; checksum: string }>> {
  const out: Record<string, { rows: number; checksum: string }> = {};
  // One workspace for every table: opening one per query reads every manifest of the snapshot each time.
  const { ws, tables } = await openSnapshotWorkspace(lake, selector, workDir);
  try {
    for (const [name, manifest] of [...tables].sort(([a], [b]) => a.localeCompare(b))) {
      if (only && !only.includes(name)) continue;
      // Columns by name: the same rows give the same checksum whatever order a table's schema lists its columns in.
      const values = manifest.schema
        .map((c) => c.name)
        .sort()
        .map((c) => `coalesce(${sql.id(c)}::varchar, '<null>')`)
        .join(', ');
      const partitioned = manifest.schema.some((c) => c.name === 'millesime');
      const rows = await ws.rows<{ part: unknown; n: unknown; h: unknown }>(
        [
          `select ${partitioned ? 'millesime::varchar' : 'null'} as part, count(*)::bigint as n,`,
          `coalesce(sum(hash(${values})), 0)::varchar as h from ${sql.table(name)} group by all order by all`,
        ].join(' '),
      );
      if (rows.length === 0) out[name] = { rows: 0, checksum: '0' };
      for (const row of rows)
        out[partitioned ? `${name} [${String(row.part)}]` : name] = { rows: Number(row.n), checksum: String(row.h) };
    }
  } finally {
    await ws.close();
  }
  return out;
}
