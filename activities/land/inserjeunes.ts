import { ConfigError } from './sources.js';
import { sourceDatasets } from '../../lake/dataset-registry.js';
import type { LandContext, LandingReport, LandRequest, SourceConnector } from './connector.js';
import { mapSettled } from './inserjeunes-pool.js';
import { InserjeunesSession } from './inserjeunes-session.js';
import { flattenIj, parseIjBody, type IjDrift, type IjScope } from './inserjeunes-rows.js';
import { landUaiLoop } from './inserjeunes-uai-loop.js';
import { writeNdjson } from './landing-writers.js';

const FILIERES = ['apprentissage', 'voie_pro_sco_educ_nat', 'voie_pro_sco_agri'];
/** Régions académiques 01–18 without 00 (COM) and 13 (Mayotte), which the API does not cover. */
const REGIONS = Array.from({ length: 18 }, (_, i) => String(i + 1).padStart(2, '0')).filter((c) => c !== '13');
/** BCN académie codes. */
const ACADEMIES = [
  '01',
  '02',
  '03',
  '04',
  '06',
  '07',
  '08',
  '09',
  '10',
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '20',
  '22',
  '23',
  '24',
  '25',
  '27',
  '28',
  '31',
  '32',
  '33',
  '43',
  '70',
];
/** INSEE département codes (metropolitan, Corsica, overseas). */
const DEPARTEMENTS = [
  ...Array.from({ length: 95 }, (_, i) => String(i + 1).padStart(2, '0')).filter((c) => c !== '20'),
  '2A',
  '2B',
  '971',
  '972',
  '973',
  '974',
  '976',
];

interface Route {
  scope: IjScope['scope'];
  /** Request-scope key that overrides the default list. */
  scopeKey: string;
  defaults: string[];
  path: (code: string, period: string) => string;
  period: RegExp;
}

const ROUTES: Record<string, Route> = {
  nationales: {
    scope: 'france',
    scopeKey: 'filiere',
    defaults: FILIERES,
    path: (c, p) => `france/millesime/${p}/filiere/${c}`,
    period: /^\d{4}$/,
  },
  regionales: {
    scope: 'region',
    scopeKey: 'region',
    defaults: REGIONS,
    path: (c, p) => `region/${c}/millesime/${p}`,
    period: /^\d{4}_\d{4}$/,
  },
  etablissements: {
    scope: 'uai',
    scopeKey: 'uai',
    defaults: [],
    path: (c, p) => `UAI/${c}/millesime/${p}`,
    period: /^\d{4}_\d{4}$/,
  },
  departementales: {
    scope: 'departement',
    scopeKey: 'departement',
    defaults: DEPARTEMENTS,
    path: (c, p) => `departement/${c}/millesime/${p}`,
    period: /^\d{4}_\d{4}$/,
  },
  academiques: {
    scope: 'academie',
    scopeKey: 'academie',
    defaults: ACADEMIES,
    path: (c, p) => `academie/${c}/millesime/${p}`,
    period: /^\d{4}_\d{4}$/,
  },
};

/** Declared in datasets/inserjeunes.yml. */
const DATASETS = sourceDatasets('inserjeunes');

/** Lands the route of one dataset for every code of its scope: one raw NDJSON payload of answers, one landing file. */
async function landScoped(
  ctx: LandContext,
  request: LandRequest,
  route: Route,
  session: InserjeunesSession,
  drift: IjDrift,
) {
  const codes = request.scope?.[route.scopeKey]?.length ? request.scope[route.scopeKey] : route.defaults;
  let done = 0;
  const answers = await mapSettled(codes, 4, async (code) => {
    const res = await session.get(route.path(encodeURIComponent(code), request.period));
    ctx.heartbeat({ done: ++done, total: codes.length });
    return { code, res };
  });
  const bytes = new TextEncoder().encode(
    answers
      .map(
        ({ res }) => `${JSON.stringify({ url: ctx.http.relative(res.url), status: res.status, body: res.text() })}\n`,
      )
      .join(''),
  );
  const rawKey = await ctx.saveRaw(bytes, 'ndjson', request.dataset, request.period);
  const rows = answers.flatMap(({ code, res }) => {
    const scope: IjScope = { scope: route.scope, code, filiere: route.scope === 'france' ? code : undefined };
    return flattenIj(
      parseIjBody(res.text(), res.url, request.dataset),
      scope,
      { url: res.url, dataset: request.dataset },
      drift,
    );
  });
  return { files: [{ ...(await writeNdjson(ctx.workDir, request.dataset, rows)), rawKey }], skipped: {} };
}

/** Millésimes the DEPP has published by `today`: the last five, the latest ending two years before. */
function publishedMillesimes(dataset: string, today: string): string[] {
  const last = Number(today.slice(0, 4)) - 2;
  const years = Array.from({ length: 5 }, (_, i) => last - 4 + i);
  return dataset === 'nationales' ? years.map(String) : years.map((y) => `${y - 1}_${y}`);
}

/**
 * DEPP InserJeunes API v1.0 (`DEVENIR_INSERJEUNES_URL`, e.g. https://www.inserjeunes.education.gouv.fr/api/v1.0;
 * `DEVENIR_INSERJEUNES_USERNAME` / `_PASSWORD`): national, regional, per-UAI, département and académie figures,
 * landed one row per measure. 5 requests per second.
 */
export const inserjeunesConnector: SourceConnector = {
  source: 'inserjeunes',
  ratePerSecond: 5,
  datasets: DATASETS,
  defaultPeriods: publishedMillesimes,
  async land(ctx, request): Promise<LandingReport> {
    const route = ROUTES[request.dataset];
    if (!route)
      throw new ConfigError(
        `inserjeunes: unknown dataset "${request.dataset}" (datasets: ${Object.keys(ROUTES).join(', ')})`,
      );
    if (!route.period.test(request.period))
      throw new ConfigError(
        `inserjeunes: dataset ${request.dataset} takes a millésime like ${request.dataset === 'nationales' ? '2022' : '2021_2022'}, not "${request.period}"`,
      );
    const before = ctx.http.requests;
    const session = new InserjeunesSession(ctx);
    const drift: IjDrift = { unknownMeasures: new Set(), unknownColumns: new Set() };
    const { files, skipped } =
      route.scope === 'uai'
        ? await landUaiLoop(ctx, request, session, drift)
        : await landScoped(ctx, request, route, session, drift);
    return {
      files,
      drift: { unknownColumns: [...drift.unknownColumns].sort(), unknownMeasures: [...drift.unknownMeasures].sort() },
      skipped,
      sourceUrl: `${ctx.baseUrl.replace(/\/$/, '')}/${route.path(`{${route.scopeKey}}`, request.period)}`,
      validators: {},
      requests: ctx.http.requests - before,
    };
  },
};
