import path from 'node:path';
import { Workspace } from './duckdb-session.js';
import type { Lake, SnapshotSelector } from './lake.js';
import { fromManifest, registerTables } from './lake-views.js';
import type { TableManifest } from './manifest.js';

/** A workspace where every table of a lake snapshot is a view named `layer.table`. */
export async function openSnapshotWorkspace(
  lake: Lake,
  selector: SnapshotSelector,
  workDir: string,
): Promise<{ ws: Workspace; tables: Map<string, TableManifest>; snapshotId: number | undefined }> {
  const snapshot = await lake.lakeSnapshot(selector);
  const tables = snapshot ? await lake.tables({ snapshot: snapshot.snapshot_id }) : new Map<string, TableManifest>();
  const ws = await Workspace.open();
  try {
    await registerTables(
      ws,
      lake.store,
      [...tables].map(([name, m]) => fromManifest(name, m)),
      path.join(workDir, 'cache'),
    );
  } catch (error) {
    await ws.close();
    throw error;
  }
  return { ws, tables, snapshotId: snapshot?.snapshot_id };
}
