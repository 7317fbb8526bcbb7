import { parse } from 'csv-parse/sync';
import { sourceDatasets } from '../../lake/dataset-registry.js';
import type { SourceConnector } from './connector.js';
import { datasetSpec } from './dataset-columns.js';
import { decodeText } from './landing-writers.js';
import { landCsvPayload, payloadReport } from './payload-landing.js';

/** Declared in datasets/acce.yml. */
const DATASETS = sourceDatasets('acce');
/** Dataset → member of the ACCE extraction. */
const MEMBERS: Record<string, string> = {
  etablissements: 'ACCE_UAI',
  uai_mere: 'ACCE_UAI_MERE',
  uai_fille: 'ACCE_UAI_FILLE',
};

/**
 * ACCE (DEPP établissements): the extraction files `ACCE_UAI*.csv` (`;`, ISO-8859-1/Windows-1252) fetched from
 * `DEVENIR_ACCE_URL` + `/extract/<member>.csv` (ACCE itself has no API: host the members of its extraction ZIP there).
 */
export const acceConnector: SourceConnector = {
  source: 'acce',
  datasets: DATASETS,
  defaultPeriods: (_dataset, today) => [today],
  async land(ctx, request) {
    const spec = datasetSpec('acce', DATASETS, request.dataset);
    const before = ctx.http.requests;
    const res = await ctx.http.request(`extract/${MEMBERS[request.dataset]}.csv`, { expect: 'bytes' });
    const table = parse(decodeText(res.bytes), {
      delimiter: ';',
      quote: '"',
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as string[][];
    const { file, unknownColumns, rows } = await landCsvPayload(
      ctx,
      { source: 'acce', request, spec },
      res,
      table,
      ';',
    );
    ctx.heartbeat({ done: rows, total: rows });
    return payloadReport(ctx, before, res, file, unknownColumns);
  },
};
