import type { Lake, SnapshotSelector } from '../../lake/lake.js';
import { openSnapshotWorkspace } from '../../lake/snapshot-workspace.js';
import { ExportError } from './export-table.js';

export interface QueryResult {
  columns: string[];
  rows: Array<Record<string, unknown>>;
  truncated: boolean;
  snapshotId: number | undefined;
}

/** Runs read-only SQL over every table of a lake snapshot (`raw.*`, `staging.*`, `matched.*`, `published.*`). */
export async function runQuery(
  lake: Lake,
  statement: string,
  selector: SnapshotSelector,
  workDir: string,
  limit = 10_000,
): Promise<QueryResult> {
  const { ws, tables, snapshotId } = await openSnapshotWorkspace(lake, selector, workDir);
  try {
    const reader = await ws.connection.runAndReadUntil(statement, limit + 1).catch((error: Error) => {
      const hint = /does not exist|not found/i.test(error.message)
        ? ` Tables in snapshot ${snapshotId ?? '(empty lake)'}: ${[...tables.keys()].sort().join(', ') || 'none'}.`
        : '';
      throw new ExportError(`${error.message.split('\n')[0]}${hint}`);
    });
    const rows = reader.getRowObjectsJson() as Array<Record<string, unknown>>;
    return { columns: reader.columnNames(), rows: rows.slice(0, limit), truncated: rows.length > limit, snapshotId };
  } finally {
    await ws.close();
  }
}
