import path from 'node:path';
import { Workspace } from './duckdb-session.js';
import type { Lake, SnapshotSelector } from './lake.js';
import { createViews, fromManifest, resolveTables } from './lake-views.js';
import type { TableManifest } from './manifest.js';

/**
 * A locked-down workspace where every table of a lake snapshot is a view named `layer.table`: DuckDB may read
 * those tables' files and write only `writable` (an export's destination), nothing else (see `Workspace.locked`).
 */
export async function openSnapshotWorkspace(
  lake: Lake,
  selector: SnapshotSelector,
  workDir: string,
  writable: string[] = [],
): Promise<{ ws: Workspace; tables: Map<string, TableManifest>; snapshotId: number | undefined }> {
  const snapshot = await lake.lakeSnapshot(selector);
  const tables = snapshot ? await lake.tables({ snapshot: snapshot.snapshot_id }) : new Map<string, TableManifest>();
  const local = await resolveTables(
    lake.store,
    [...tables].map(([name, m]) => fromManifest(name, m)),
    path.join(workDir, 'cache'),
  );
  const ws = await Workspace.locked([...local.flatMap((t) => t.paths), ...writable], (w) => createViews(w, local));
  return { ws, tables, snapshotId: snapshot?.snapshot_id };
}
