import { parse } from 'csv-parse/sync';
import { sourceDatasets } from '../../lake/dataset-registry.js';
import type { SourceConnector } from './connector.js';
import { datasetSpec } from './dataset-columns.js';
import { decodeText } from './landing-writers.js';
import { landCsvPayload, payloadReport } from './payload-landing.js';

/** data.gouv.fr resource id of the Certif Info référentiel. */
const RESOURCE = 'f2981d6f-e55c-42cd-8eba-3e891777e222';

/** Declared in datasets/certifinfo.yml. */
const DATASETS = sourceDatasets('certifinfo');

/**
 * Certif Info open data: the référentiel CSV from the data.gouv.fr tabular API (`;`, Latin-1, unquoted) and the kit
 * apprentissage CSV (UTF-8, quoted) from `DEVENIR_CERTIFINFO_KIT_URL` (default: beside the référentiel, for the simulator).
 */
export const certifinfoConnector: SourceConnector = {
  source: 'certifinfo',
  datasets: DATASETS,
  defaultPeriods: (_dataset, today) => [today],
  async land(ctx, request) {
    const spec = datasetSpec('certifinfo', DATASETS, request.dataset);
    const before = ctx.http.requests;
    const kit = request.dataset === 'kit_apprentissage';
    const url = kit
      ? (ctx.config.urls.KIT_URL ?? 'kit-apprentissage/CodeDiplome_RNCP_latest_kit.csv')
      : `api/resources/${RESOURCE}/data/csv/`;
    const res = await ctx.http.request(url, { expect: 'bytes' });
    // The référentiel is unquoted and its labels may hold a literal `"`; the kit is RFC 4180-quoted.
    const table = parse(decodeText(res.bytes), {
      delimiter: ';',
      quote: kit ? '"' : false,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as string[][];
    const { file, unknownColumns, rows } = await landCsvPayload(
      ctx,
      { source: 'certifinfo', request, spec },
      res,
      table,
      ';',
    );
    ctx.heartbeat({ done: rows, total: rows });
    return payloadReport(ctx, before, res, file, unknownColumns);
  },
};
