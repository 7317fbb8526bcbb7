import { writeFile } from 'node:fs/promises';
import { sourceDatasets } from '../../lake/dataset-registry.js';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { ConfigError } from './sources.js';
import type { LandContext, LandingReport, SourceConnector } from './connector.js';
import { checkColumns } from './dataset-columns.js';
import { fetchOdsExport, scalarsAsText } from './esr-opendata.js';
import type { HttpResponse } from './http.js';
import { decodeText, recordColumns, writeNdjson } from './landing-writers.js';
import { payloadReport } from './payload-landing.js';
import { isSpreadsheet, spreadsheetRecords } from './spreadsheet.js';

/** Declared in datasets/parcoursup.yml. */
const DATASETS = sourceDatasets('parcoursup');

/** The export's text in UTF-8: decoded with the charset the server declares, else UTF-8 when valid, else Windows-1252. */
function exportText(res: HttpResponse): string {
  const charset = /charset=["']?([\w-]+)/i.exec(res.headers.get('content-type') ?? '')?.[1];
  const text =
    charset && !/^utf-?8$/i.test(charset) && iconv.encodingExists(charset)
      ? iconv.decode(Buffer.from(res.bytes), charset)
      : decodeText(res.bytes);
  return text.replace(/^\uFEFF/, '');
}

/**
 * The formations export as Parcoursup sends it: an Excel workbook (.xlsx) or a `;`-separated CSV, told apart by the
 * answer's content type or file signature. From `DEVENIR_PARCOURSUP_EXPORT_URL` (or its older name
 * `DEVENIR_PARCOURSUP_CSV_URL`, for both formats), else `<base>/exports/listeFormationsInserJeunes.csv`. Columns are
 * matched by name (accents, case and punctuation ignored, any order); descriptive columns are optional.
 */
async function landFormations(ctx: LandContext, period: string) {
  const url = ctx.config.urls.EXPORT_URL ?? ctx.config.urls.CSV_URL ?? 'exports/listeFormationsInserJeunes.csv';
  const res = await ctx.http.request(url, { expect: 'bytes' });
  const where = { source: 'parcoursup', dataset: 'formations', url: res.url };
  if (isSpreadsheet(res.headers.get('content-type'), res.bytes)) {
    const { header, records } = await spreadsheetRecords(res.bytes);
    const unknownColumns = checkColumns(where, header, DATASETS.formations);
    const rawKey = await ctx.saveRaw(res.bytes, 'xlsx', 'formations', period);
    const landed = await writeNdjson(ctx.workDir, 'formations', records);
    return { res, unknownColumns, file: { ...landed, rawKey } };
  }
  const text = exportText(res);
  const [header = []] = parse(text, { delimiter: ';', to_line: 1, bom: true }) as string[][];
  const unknownColumns = checkColumns(where, header, DATASETS.formations);
  const rawKey = await ctx.saveRaw(res.bytes, 'csv', 'formations', period);
  const file = path.join(ctx.workDir, 'formations.csv');
  await writeFile(file, text, 'utf8');
  return {
    res,
    unknownColumns,
    file: { path: file, format: { kind: 'csv' as const, delimiter: ';', header: true as const }, rawKey },
  };
}

async function landCartographie(ctx: LandContext, period: string) {
  const { res, records } = await fetchOdsExport(ctx, 'fr-esr-cartographie_formations_parcoursup', {}, 'cartographie');
  const unknownColumns = records.length
    ? checkColumns(
        { source: 'parcoursup', dataset: 'cartographie', url: res.url },
        recordColumns(records),
        DATASETS.cartographie,
      )
    : [];
  const rawKey = await ctx.saveRaw(res.bytes, 'json', 'cartographie', period);
  const landed = await writeNdjson(ctx.workDir, 'cartographie', records.map(scalarsAsText));
  return { res, unknownColumns, file: { ...landed, rawKey } };
}

/**
 * Parcoursup: the formations export Parcoursup hands over for InserJeunes matching (.xlsx or CSV, see
 * landFormations) and the open cartographie of formations on the ESR portal (`DEVENIR_PARCOURSUP_OPENDATA_URL`).
 */
export const parcoursupConnector: SourceConnector = {
  source: 'parcoursup',
  ratePerSecond: 5,
  datasets: DATASETS,
  defaultPeriods: (_dataset, today) => [today],
  async land(ctx, request): Promise<LandingReport> {
    if (!DATASETS[request.dataset])
      throw new ConfigError(
        `parcoursup: unknown dataset "${request.dataset}" (datasets: ${Object.keys(DATASETS).join(', ')})`,
      );
    const before = ctx.http.requests;
    const { res, unknownColumns, file } =
      request.dataset === 'formations'
        ? await landFormations(ctx, request.period)
        : await landCartographie(ctx, request.period);
    ctx.heartbeat({ done: 1, total: 1 });
    return payloadReport(ctx, before, res, file, unknownColumns);
  },
};
