import { ConfigError } from './sources.js';
import { sourceDatasets } from '../../lake/dataset-registry.js';
import type { LandContext, LandingReport, LandRequest, SourceConnector } from './connector.js';
import { checkColumns, ContractError } from './dataset-columns.js';
import { credential } from './dev-credentials.js';
import { fetchOdsExport, scalarsAsText } from './esr-opendata.js';
import type { HttpResponse } from './http.js';
import { recordColumns, writeNdjson } from './landing-writers.js';
import { payloadReport } from './payload-landing.js';

/** Declared in datasets/insersup.yml. */
const DATASETS = sourceDatasets('insersup');

/** The Omogen API: `GET <base>/insersup/formations` (path overridable by `DEVENIR_INSERSUP_FORMATIONS_PATH`). */
async function fetchEtablissements(
  ctx: LandContext,
): Promise<{ res: HttpResponse; records: Record<string, unknown>[] }> {
  const apiKey = credential(ctx, 'API_KEY', 'devenir');
  const res = await ctx.http.request(ctx.config.options.FORMATIONS_PATH ?? 'insersup/formations', {
    headers: { 'x-omogen-api-key': apiKey },
    expect: 'json',
  });
  const results = res.json<{ results?: unknown }>().results;
  if (!Array.isArray(results))
    throw new ContractError(
      `insersup: etablissements: ${res.url} is not a {"results": [...]} document`,
      'insersup',
      'etablissements',
      res.url,
    );
  return { res, records: results as Record<string, unknown>[] };
}

/** ODS export of `fr-esr-insersup` for one promo year; `scope.uo_lib` narrows it (e.g. `National`). */
function fetchNationales(ctx: LandContext, request: LandRequest) {
  const uoLib = request.scope?.uo_lib ?? [];
  const where = [
    `promo="${request.period}"`,
    ...(uoLib.length ? [`(${uoLib.map((u) => `uo_lib="${u.replace(/"/g, '\\"')}"`).join(' OR ')})`] : []),
  ].join(' AND ');
  return fetchOdsExport(ctx, 'fr-esr-insersup', { where, refine: ['source:"insersup"'] }, 'nationales');
}

/**
 * InserSup (MESR-SIES): `nationales` from the open dataset fr-esr-insersup on the ESR portal
 * (`DEVENIR_INSERSUP_OPENDATA_URL`), `etablissements` from the per-établissement API on Omogen (`DEVENIR_INSERSUP_URL`,
 * `DEVENIR_INSERSUP_API_KEY`). Records landed flattened (arrays such as `promo` as JSON text). 5 requests per second.
 */
export const insersupConnector: SourceConnector = {
  source: 'insersup',
  ratePerSecond: 5,
  datasets: DATASETS,
  defaultPeriods: (dataset, today) => {
    const year = Number(today.slice(0, 4));
    return dataset === 'nationales' ? [year - 6, year - 5, year - 4, year - 3].map(String) : [today];
  },
  async land(ctx, request): Promise<LandingReport> {
    const spec = DATASETS[request.dataset];
    if (!spec)
      throw new ConfigError(
        `insersup: unknown dataset "${request.dataset}" (datasets: ${Object.keys(DATASETS).join(', ')})`,
      );
    if (request.dataset === 'nationales' && !/^\d{4}$/.test(request.period))
      throw new ConfigError(`insersup: dataset nationales takes a promo year like 2021, not "${request.period}"`);
    const before = ctx.http.requests;
    const { res, records } =
      request.dataset === 'nationales' ? await fetchNationales(ctx, request) : await fetchEtablissements(ctx);
    const columns = recordColumns(records);
    const unknownColumns = records.length
      ? checkColumns({ source: 'insersup', dataset: request.dataset, url: res.url }, columns, spec)
      : [];
    const rawKey = await ctx.saveRaw(res.bytes, 'json', request.dataset, request.period);
    const landed = await writeNdjson(ctx.workDir, request.dataset, records.map(scalarsAsText));
    ctx.heartbeat({ done: 1, total: 1 });
    return payloadReport(ctx, before, res, { ...landed, rawKey }, unknownColumns);
  },
};
