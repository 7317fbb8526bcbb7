import path from 'node:path';
import { EXPORT_FORMATS, exportTable, type ExportFormat } from '../../activities/export/export-table.js';
import { runQuery } from '../../activities/export/run-query.js';
import { openStore } from '../../lake/open-lake.js';
import type { App } from '../app.js';
import { OUTPUT_FORMATS, printRows, type OutputFormat } from './output.js';
import { UsageError } from './usage-error.js';

/** Parses `--snapshot 3` / `--tag name` into a selector. */
export function selector(opts: { snapshot?: string; tag?: string }): { snapshot?: number; tag?: string } {
  if (opts.snapshot !== undefined && !/^\d+$/.test(opts.snapshot))
    throw new UsageError(`--snapshot takes a snapshot number (see \`devenir snapshots list\`), not "${opts.snapshot}"`);
  return { snapshot: opts.snapshot === undefined ? undefined : Number(opts.snapshot), tag: opts.tag };
}

/** `devenir query "<sql>"`: SQL over every committed table of a snapshot, named `layer.table`. */
export async function query(
  app: App,
  statement: string,
  opts: { snapshot?: string; tag?: string; format?: string; limit?: string },
): Promise<void> {
  const format = (opts.format ?? 'table') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`--format takes ${OUTPUT_FORMATS.join(', ')}`);
  const result = await runQuery(
    await app.lake(),
    statement,
    selector(opts),
    app.config.workDir,
    Number(opts.limit ?? 10_000),
  );
  printRows(result.columns, result.rows, format);
  if (result.truncated)
    process.stderr.write(`(first ${result.rows.length} rows; raise --limit or use \`devenir export\` for all)\n`);
}

/** `devenir export <table>`: one table of a snapshot to CSV / JSON / Parquet, streamed and written atomically. */
export async function exportCommand(
  app: App,
  table: string,
  opts: { format: string; out: string; millesime?: string[]; where?: string[]; snapshot?: string; tag?: string },
): Promise<unknown> {
  if (!EXPORT_FORMATS.includes(opts.format as ExportFormat))
    throw new UsageError(`--format takes ${EXPORT_FORMATS.join(', ')}`);
  const where: Record<string, string> = {};
  for (const w of opts.where ?? []) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new UsageError(`--where takes column=value, not "${w}"`);
    where[w.slice(0, eq)] = w.slice(eq + 1);
  }
  const out = opts.out.startsWith('s3://') ? opts.out : path.resolve(opts.out);
  return exportTable(
    await app.lake(),
    { table, format: opts.format as ExportFormat, out, millesime: opts.millesime, where, ...selector(opts) },
    app.config.workDir,
    (url) => openStore({ lake: url, s3: app.config.s3 }),
  );
}
