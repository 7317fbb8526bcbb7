import { ConfigError } from './sources.js';
import type { DatasetSpec, LandContext, LandingReport, LandRequest, SourceConnector } from './connector.js';
import { checkColumns, ContractError } from './dataset-columns.js';
import { credential } from './dev-credentials.js';
import { fetchOdsExport, scalarsAsText } from './esr-opendata.js';
import type { HttpResponse } from './http.js';
import { recordColumns, writeNdjson } from './landing-writers.js';
import { payloadReport } from './payload-landing.js';

const HORIZON_FIELDS = [
  'nb_sortants_en_emploi_sal_fr',
  'tx_sortants_en_emploi_sal_fr',
  'tx_sortants_en_emploi_non_sal',
  'nb_sortants_en_emploi_stable',
  'tx_sortants_en_emploi_stable',
  'salaire_q1',
  'salaire_q2',
  'salaire_q3',
  'tx_sortants_en_emploi',
  'tx_sortants_en_emploi_etranger',
];
const NATIONAL_FIELDS = [
  'date_jeu',
  'reg_nom',
  'aca_nom',
  'uo_lib',
  'uo_lib_actuel',
  'type_diplome_long',
  'dom_lib',
  'discipli_lib',
  'sectdis_lib',
  'libelle_diplome',
  'source',
  'obtention_diplome',
  'genre',
  'nationalite',
  'nb_poursuivants',
  'nb_sortants',
  'promo',
  'date_inser_long',
  'date_inser',
  'flag',
  'exception',
  'reg_id',
  'aca_id',
  'etablissement',
  'type_diplome',
  'dom',
  'discipli',
  'sectdis',
  'diplome',
  'id_paysage',
  'id_paysage_actuel',
  'taux_emploi_sal_fr',
  'taux_insertion',
  'taux_emploi',
  ...HORIZON_FIELDS,
  ...HORIZON_FIELDS.flatMap((f) => [6, 12, 18, 24].map((h) => `${f}_${h}`)),
];
const HORIZONS = [6, 12, 18, 24, 30];
const API_FIELDS = [
  'diplome',
  'diplome_consol',
  'libelle_diplome',
  'type_diplome_long',
  'etablissement',
  'denomination_principale',
  'domaine',
  'discipline',
  'secteur_disciplinaire',
  'nb_inscrits',
  'nb_diplomes',
  'nb_sortants',
  'nb_poursuivants',
  'taux_poursuivant',
  'annee_universitaire',
  ...['nb_in_dsn', 'taux_in_dsn', 'taux_autre'].flatMap((f) => HORIZONS.map((h) => `${f}_${h}`)),
  'salaire_q1_national_diplome_12',
  'salaire_q2_national_diplome_12',
  'salaire_q3_national_diplome_12',
];

const DATASETS: Record<string, DatasetSpec> = {
  nationales: {
    description:
      'InserSup open data fr-esr-insersup (ESR OpenDataSoft export), every record of one promo year (period = promo YYYY); long or wide horizon shape',
    period: 'millesime',
    requiredColumns: ['diplome', 'promo', 'nb_sortants', 'nb_poursuivants'],
    patterns: { diplome: '^[0-9A-Za-z]{7}$' },
    knownColumns: NATIONAL_FIELDS,
  },
  etablissements: {
    description:
      'InserSup per-établissement API (Omogen, X-Omogen-Api-Key): the whole dataset in one answer (period = fetch date); values as sent (nd, na, "130 *", "12 **")',
    period: 'fetch-date',
    requiredColumns: ['etablissement', 'annee_universitaire', 'nb_sortants', 'nb_poursuivants'],
    notNull: ['etablissement'],
    patterns: { etablissement: '^[0-9]{7}[A-Z]$', annee_universitaire: '^[0-9]{4}-[0-9]{4}$' },
    knownColumns: API_FIELDS,
  },
};

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
    if (
      request.dataset === 'etablissements' &&
      records.length &&
      !columns.includes('diplome') &&
      !columns.includes('diplome_consol')
    ) {
      throw new ContractError(
        `insersup: etablissements: neither "diplome" nor "diplome_consol" in the records of ${res.url}`,
        'insersup',
        'etablissements',
        res.url,
      );
    }
    const unknownColumns = records.length
      ? checkColumns({ source: 'insersup', dataset: request.dataset, url: res.url }, columns, spec)
      : [];
    const rawKey = await ctx.saveRaw(res.bytes, 'json', request.dataset, request.period);
    const landed = await writeNdjson(ctx.workDir, request.dataset, records.map(scalarsAsText));
    ctx.heartbeat({ done: 1, total: 1 });
    return payloadReport(ctx, before, res, { ...landed, rawKey }, unknownColumns);
  },
};
