import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from '../../lake/duckdb-session.js';
import type { Lake, SnapshotSelector } from '../../lake/lake.js';
import type { ObjectStore } from '../../lake/object-store.js';
import { openSnapshotWorkspace } from '../../lake/snapshot-workspace.js';
import { ExportError } from '../errors.js';

export const EXPORT_FORMATS = ['csv', 'json', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportTableInput extends SnapshotSelector {
  /** `layer.table`, e.g. `published.stats_regionales`. */
  table: string;
  format: ExportFormat;
  /** A local path, or `s3://bucket/key` (written through `destination`). */
  out: string;
  millesime?: string[];
  /** Column = value filters, bound as parameters. */
  where?: Record<string, string>;
}

export interface ExportTableResult {
  out: string;
  rows: number;
  bytes: number;
  snapshotId: number | undefined;
}

export { ExportError } from '../errors.js';

/**
 * Exports one table of a lake snapshot, streamed by DuckDB to a temp file then moved into place, so an
 * interrupted export leaves nothing at the destination. Filters are bound parameters, never spliced.
 */
export async function exportTable(
  lake: Lake,
  input: ExportTableInput,
  workDir: string,
  remote?: (url: string) => Promise<ObjectStore>,
): Promise<ExportTableResult> {
  const isS3 = input.out.startsWith('s3://');
  const finalPath = isS3 ? path.join(workDir, 'exports', `${randomUUID()}.${input.format}`) : path.resolve(input.out);
  const tmp = `${finalPath}.partial-${randomUUID()}`;
  // DuckDB may write the temp file only: the workspace is locked down (see openSnapshotWorkspace)
  const { ws, tables, snapshotId } = await openSnapshotWorkspace(lake, input, workDir, [tmp]);
  try {
    const manifest = tables.get(input.table);
    if (!manifest)
      throw new ExportError(
        `no table "${input.table}" in snapshot ${snapshotId ?? '(empty lake)'}; tables: ${[...tables.keys()].sort().join(', ') || 'none'}`,
      );
    const columns = manifest.schema.map((c) => c.name);
    const filters: Array<[string, string[]]> = Object.entries(input.where ?? {}).map(([k, v]) => [k, [v]]);
    if (input.millesime?.length) filters.push(['millesime', input.millesime]);
    const unknown = filters.map(([c]) => c).filter((c) => !columns.includes(c));
    if (unknown.length)
      throw new ExportError(`${input.table} has no column ${unknown.join(', ')}; columns: ${columns.join(', ')}`);
    const params: string[] = [];
    const where = filters.map(
      ([c, values]) =>
        `${sql.id(c)}::varchar in (${values.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`,
    );
    const query = `select * from ${sql.table(input.table)}${where.length ? ` where ${where.join(' and ')}` : ''}`;
    const options =
      input.format === 'csv'
        ? 'format csv, header true'
        : input.format === 'json'
          ? 'format json, array true'
          : 'format parquet, compression zstd';
    await fs.mkdir(path.dirname(finalPath), { recursive: true });
    try {
      const [{ Count }] = await ws.rows<{ Count: string }>(`copy (${query}) to ${sql.str(tmp)} (${options})`, params);
      const { size } = await fs.stat(tmp);
      if (isS3) {
        const { bucketKey, store } = await s3Destination(input.out, remote);
        await store.uploadFile(bucketKey, tmp); // a single PUT: the object appears whole or not at all
      } else {
        await fs.rename(tmp, finalPath);
      }
      return { out: input.out, rows: Number(Count), bytes: size, snapshotId };
    } finally {
      await fs.rm(tmp, { force: true });
      if (isS3) await fs.rm(finalPath, { force: true });
    }
  } finally {
    await ws.close();
  }
}

async function s3Destination(
  url: string,
  remote?: (url: string) => Promise<ObjectStore>,
): Promise<{ store: ObjectStore; bucketKey: string }> {
  if (!remote) throw new ExportError(`cannot write to ${url}: no S3 credentials configured (AWS_* variables)`);
  const [bucket, ...key] = url.slice('s3://'.length).split('/');
  if (!key.length) throw new ExportError(`${url}: give a key after the bucket, e.g. s3://${bucket}/exports/table.csv`);
  return { store: await remote(`s3://${bucket}`), bucketKey: key.join('/') };
}
