import { StatementType } from '@duckdb/node-api';
import type { Workspace } from '../../lake/duckdb-session.js';
import type { Lake, SnapshotSelector } from '../../lake/lake.js';
import { openSnapshotWorkspace } from '../../lake/snapshot-workspace.js';
import { ExportError } from './export-table.js';

export interface QueryResult {
  columns: string[];
  rows: Array<Record<string, unknown>>;
  truncated: boolean;
  snapshotId: number | undefined;
}

/** Statement types a query may run: reads only (`select`, `with`, `from`, `show`, `describe`, `explain`). */
const READ_ONLY = new Set([StatementType.SELECT, StatementType.EXPLAIN]);

/**
 * Runs read-only SQL over every table of a lake snapshot (`raw.*`, `staging.*`, `matched.*`, `published.*`), in
 * a locked-down DuckDB: no file, network, extension, `attach` or setting beyond the snapshot's own tables.
 */
export async function runQuery(
  lake: Lake,
  statement: string,
  selector: SnapshotSelector,
  workDir: string,
  limit = 10_000,
): Promise<QueryResult> {
  const { ws, tables, snapshotId } = await openSnapshotWorkspace(lake, selector, workDir);
  const fail = (error: Error): never => {
    const hint = /does not exist|not found/i.test(error.message)
      ? ` Tables in snapshot ${snapshotId ?? '(empty lake)'}: ${[...tables.keys()].sort().join(', ') || 'none'}.`
      : '';
    throw new ExportError(`${lockdownMessage(error.message) ?? error.message.split('\n')[0]}${hint}`);
  };
  try {
    await assertReadOnly(ws, statement).catch(fail);
    const reader = await ws.connection.runAndReadUntil(statement, limit + 1).catch(fail);
    const rows = reader.getRowObjectsJson() as Array<Record<string, unknown>>;
    return { columns: reader.columnNames(), rows: rows.slice(0, limit), truncated: rows.length > limit, snapshotId };
  } finally {
    await ws.close();
  }
}

/** Refuses any statement that is not a read, naming its kind (`COPY`, `ATTACH`, `SET`, `CREATE`…). */
async function assertReadOnly(ws: Workspace, statement: string): Promise<void> {
  const extracted = await ws.connection.extractStatements(statement);
  for (let i = 0; i < extracted.count; i++) {
    const { statementType } = await extracted.prepare(i);
    if (!READ_ONLY.has(statementType))
      throw new Error(
        `a query runs only read statements (select, with, show, describe, explain), not ${StatementType[statementType]}`,
      );
  }
}

/** DuckDB's refusals of the lockdown, said for a user; undefined for any other error. */
function lockdownMessage(message: string): string | undefined {
  const file = /Cannot access (?:file|directory) "([^"]*)"/.exec(message)?.[1];
  if (file !== undefined)
    return `a query cannot access "${file}": it reads only the lake's tables (layer.table); use \`devenir export\` to write a file`;
  if (/configuration has been locked/.test(message))
    return 'a query cannot change settings: the configuration is locked';
  if (/extensions is disabled/.test(message)) return 'a query cannot install or load DuckDB extensions';
  return undefined;
}
