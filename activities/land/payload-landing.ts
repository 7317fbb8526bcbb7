import { normaliseColumnName } from '../../lake/column-names.js';
import type { DatasetSpec, LandContext, LandingFile, LandingReport, LandRequest } from './connector.js';
import { checkColumns } from './dataset-columns.js';
import type { HttpResponse } from './http.js';
import { writeCsv } from './landing-writers.js';

/** The report of a dataset landed from one payload as one file: its URL and HTTP validators, its unknown columns, the requests made since `before`. */
export function payloadReport(
  ctx: LandContext,
  before: number,
  res: HttpResponse,
  file: LandingFile,
  unknownColumns: string[],
): LandingReport {
  return {
    files: [file],
    drift: { unknownColumns, unknownMeasures: [] },
    skipped: {},
    sourceUrl: res.url,
    validators: {
      etag: res.headers.get('etag') ?? undefined,
      lastModified: res.headers.get('last-modified') ?? undefined,
    },
    requests: ctx.http.requests - before,
  };
}

/**
 * Lands a parsed CSV payload (header row first): checks the header against the dataset's spec, saves the original
 * bytes and writes the UTF-8 landing file with normalised column names. Returns the file, the unknown columns and
 * the number of data rows.
 */
export async function landCsvPayload(
  ctx: LandContext,
  where: { source: string; request: LandRequest; spec: DatasetSpec },
  res: HttpResponse,
  table: string[][],
  delimiter: string,
): Promise<{ file: LandingFile; unknownColumns: string[]; rows: number }> {
  const { source, request, spec } = where;
  const [header = [], ...rows] = table;
  const unknownColumns = checkColumns({ source, dataset: request.dataset, url: res.url }, header, spec);
  const rawKey = await ctx.saveRaw(res.bytes, 'csv', request.dataset, request.period);
  const path = await writeCsv(ctx.workDir, request.dataset, header.map(normaliseColumnName), rows, delimiter);
  return {
    file: { path, format: { kind: 'csv', delimiter, header: true }, rawKey },
    unknownColumns,
    rows: rows.length,
  };
}
