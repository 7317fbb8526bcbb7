import { certifInfoRows } from './certifinfo-data.js';
import { applyColumnFaults } from './faults.js';
import { readSampleCsv } from './sample-csv.js';
import type { SimRequest, SimResponse, SourceSimulator } from './server.js';
import { DEV_PASSWORD, DEV_TOKEN, DEV_USER, TokenBook, bearerToken, jsonError } from './sim-tokens.js';

/** Idéo-Formations initiales en France and the table de passage codes certifications et formations. */
const ONISEP_DATASET_IDS = { formations: '5fa591127f501', passage: '6152ccdf850ef' } as const;

const tokens = new TokenBook();
const datasets = new Map<string, Record<string, string>[]>();

/** The real 2022 export, one JSON record per line of the CSV, keyed by its own column titles (`libellé formation principal`…). */
function formations(): Record<string, string>[] {
  return readSampleCsv('onisep/ideo-formations_initiales_en_france.csv', { delimiter: ';', encoding: 'utf-8' }).rows;
}

/**
 * GENERATED (see data/sample/onisep/GENERATED.md): the table de passage built from the real Certif Info extract,
 * keeping published certifications linked to an Idéo formation (`codeIdeo2`) and to an RNCP or BCN code.
 */
function tableDePassage(): Record<string, string>[] {
  const libelles = new Map(
    formations().map((f) => [f['lien site onisep.fr'].split('/').pop() ?? '', f['libellé formation principal']]),
  );
  return certifInfoRows()
    .filter((r) => r.codeIdeo2.startsWith('FOR.') && r.Etat === '0' && (r.Code_RNCP || r['Code_Scolarité']))
    .map((r) => ({
      certif_info_ci_identifiant: r.Code_Diplome,
      ci_intitule: r.Libelle_Diplome,
      ci_intitule_type_diplome: r.Libelle_Type_Diplome,
      ci_niveau_europeen: r.Code_Niveau_Europeen,
      ci_code_rncp: r.Code_RNCP,
      ci_code_scolarite: r['Code_Scolarité'],
      ideo_identifiant_formation: r.codeIdeo2,
      ideo_libelle_formation: libelles.get(r.codeIdeo2) ?? '',
    }));
}

/** The records of a dataset id, memoised; undefined for an unknown id. */
function onisepRecords(id: string): Record<string, string>[] | undefined {
  const build =
    id === ONISEP_DATASET_IDS.formations ? formations : id === ONISEP_DATASET_IDS.passage ? tableDePassage : undefined;
  if (!build) return undefined;
  let records = datasets.get(id);
  if (!records) datasets.set(id, (records = build()));
  return records;
}

async function login(req: SimRequest): Promise<SimResponse> {
  let form: FormData;
  try {
    form = await new Request('http://onisep.invalid/login', {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type'] ?? '') },
      body: req.body,
    }).formData();
  } catch {
    return jsonError(400, 'multipart/form-data with email and password expected');
  }
  if (form.get('email') !== DEV_USER || form.get('password') !== DEV_PASSWORD) return jsonError(401, 'Bad credentials');
  return { status: 200, body: { token: tokens.issue('onisep') } };
}

function search(req: SimRequest, id: string): SimResponse {
  if (!tokens.has(bearerToken(req))) return jsonError(401, 'Invalid or expired token');
  if (req.headers['application-id'] !== DEV_TOKEN) return jsonError(403, 'Unknown Application-ID');
  const records = onisepRecords(id);
  if (!records) return jsonError(404, `dataset ${id} not found`);
  const q = (req.query.get('q') ?? '').toLowerCase();
  const matching = q ? records.filter((r) => Object.values(r).some((v) => v.toLowerCase().includes(q))) : records;
  const from = Number(req.query.get('from') ?? 0);
  const size = Number(req.query.get('size') ?? 10);
  if (!Number.isInteger(from) || !Number.isInteger(size) || from < 0 || size < 0 || size > 1000)
    return jsonError(400, 'from >= 0 and 0 <= size <= 1000 expected');
  const results = applyColumnFaults(matching.slice(from, from + size), req.shapeFaults);
  return { status: 200, body: { total: matching.length, size: results.length, from, results } };
}

/**
 * ONISEP open data: JSON downloads `GET /downloads/{id}/{id}.json` (public) and the API `POST /api/1.0/login`,
 * `GET /api/1.0/dataset/{id}/search?from=&size=&q=` (Bearer token + Application-ID).
 */
export const onisepSimulator: SourceSimulator = {
  source: 'onisep',
  basePath: '',
  isAuthenticated: (req) => tokens.has(bearerToken(req)),
  async handle(req) {
    const download = /^\/downloads\/([0-9a-f]+)\/([0-9a-f]+)\.json$/.exec(req.path);
    if (req.method === 'GET' && download && download[1] === download[2]) {
      const records = onisepRecords(download[1]);
      if (!records)
        return {
          status: 404,
          headers: { 'content-type': 'text/html; charset=utf-8' },
          body: '<html><body>404 Not Found</body></html>',
        };
      return { status: 200, body: applyColumnFaults(records, req.shapeFaults) };
    }
    if (req.method === 'POST' && req.path === '/api/1.0/login') return login(req);
    const dataset = /^\/api\/1\.0\/dataset\/([0-9a-f]+)\/search$/.exec(req.path);
    if (req.method === 'GET' && dataset) return search(req, dataset[1]);
    return jsonError(404, `no route ${req.method} ${req.path}`);
  },
};
