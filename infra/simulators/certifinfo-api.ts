import { certifInfoRows } from './certifinfo-data.js';
import { applyColumnFaults } from './faults.js';
import { readSampleCsv } from './sample-csv.js';
import type { SimRequest, SimResponse, SourceSimulator } from './server.js';
import { DEV_TOKEN, bearerToken, jsonError } from './sim-tokens.js';

type Certification = Record<string, unknown>;
interface Index {
  all: Certification[];
  by: Record<'code_certifinfo' | 'code_rncp' | 'code_scolarite' | 'code_sise', Map<string, Certification[]>>;
}

/** Lookup parameter → accepted code shape. */
const PARAMS = {
  code_certifinfo: /^[0-9]+$/,
  code_rncp: /^(RNCP)?[0-9]+$/,
  code_scolarite: /^[0-9A-Z]{8}$/,
  code_sise: /^[0-9A-Z]{7}$/,
} as const;
const orNull = (v: string | undefined) => (v ? v : null);
let index: Index | undefined;

/**
 * GENERATED answers (see data/sample/certifinfo/GENERATED.md): one certification per row of the real Certif Info
 * extract, with its real predecessor (`Code_Ancien_*`), its successors (rows naming it as predecessor) and the SISE
 * code that BCN N_FORMATION_DIPLOME_ENQUETE_51 gives its CFD.
 */
function build(): Index {
  const sise = new Map(
    readSampleCsv('bcn/bcn_export_with_labels/N_FORMATION_DIPLOME_ENQUETE_51.csv', {
      delimiter: ';',
      encoding: 'utf-8',
      quoted: false,
    })
      .rows.filter((r) => r.DIPLOME_SISE)
      .map((r) => [r.FORMATION_DIPLOME, r.DIPLOME_SISE]),
  );
  const rows = certifInfoRows();
  const successors = new Map<string, string[]>();
  for (const r of rows)
    if (r.Code_Ancien_Diplome)
      successors.set(r.Code_Ancien_Diplome, [...(successors.get(r.Code_Ancien_Diplome) ?? []), r.Code_Diplome]);
  const all = rows.map((r): Certification => ({
    code_certifinfo: r.Code_Diplome,
    intitule: r.Libelle_Diplome,
    type_diplome: orNull(r.Libelle_Type_Diplome),
    code_type_diplome: orNull(r.code_type_diplome),
    niveau_europeen: orNull(r.Code_Niveau_Europeen),
    code_rncp: r.Code_RNCP ? `RNCP${r.Code_RNCP}` : null,
    code_rs: r.Code_RS ? `RS${r.Code_RS}` : null,
    code_scolarite: orNull(r['Code_Scolarité']),
    code_sise: sise.get(r['Code_Scolarité']) ?? null,
    code_ideo: orNull(r.codeIdeo2),
    etat: r.Etat,
    etat_libelle: r.Etat_Libelle,
    date_maj: orNull(r.Date_MaJ),
    annee_premiere_session: orNull(r.Annee_Premiere_Session),
    annee_derniere_session: orNull(r.Annee_Derniere_Session),
    certificateur: orNull(r.certificateur),
    valideur: orNull(r.valideur),
    code_nsf: orNull(r.Code_Nsf),
    code_formacode: orNull(r.Code_FormaCode),
    codes_rome: [r.Code_Rome_1, r.Code_Rome_2, r.Code_Rome_3, r.Code_Rome_4, r.Code_Rome_5].filter(Boolean),
    code_certifinfo_ancien: orNull(r.Code_Ancien_Diplome),
    intitule_ancien: orNull(r['Intitulé_Ancien_Diplome']),
    code_rncp_ancien: r.Code_Ancien_RNCP ? `RNCP${r.Code_Ancien_RNCP}` : null,
    code_scolarite_ancien: orNull(r['Code_Ancien_Scolarité']),
    etat_ancien_libelle: orNull(r.Etat_Ancien_Diplome_Libelle),
    // Like the RCO's `Code Certifinfo remplaçant`, one code: the most recent successor (highest code); all of them in the list.
    code_certifinfo_nouveau: (successors.get(r.Code_Diplome) ?? []).reduce<string | null>(
      (a, b) => (a === null || Number(b) > Number(a) ? b : a),
      null,
    ),
    codes_certifinfo_nouveaux: successors.get(r.Code_Diplome) ?? [],
  }));
  const group = (key: string) => {
    const map = new Map<string, Certification[]>();
    for (const c of all)
      if (typeof c[key] === 'string') map.set(c[key] as string, [...(map.get(c[key] as string) ?? []), c]);
    return map;
  };
  return {
    all,
    by: {
      code_certifinfo: group('code_certifinfo'),
      code_rncp: group('code_rncp'),
      code_scolarite: group('code_scolarite'),
      code_sise: group('code_sise'),
    },
  };
}

function lookup(req: SimRequest): SimResponse {
  if (bearerToken(req) !== DEV_TOKEN) return jsonError(401, 'Token invalide ou absent');
  const asked = (Object.keys(PARAMS) as (keyof typeof PARAMS)[]).filter((p) => req.query.has(p));
  if (asked.length !== 1) return jsonError(400, `exactly one of ${Object.keys(PARAMS).join(', ')} expected`);
  const param = asked[0];
  const value = req.query.get(param)!.trim().toUpperCase();
  if (!PARAMS[param].test(value)) return jsonError(400, `${param} invalide: ${value}`);
  index ??= build();
  const code = param === 'code_rncp' && !value.startsWith('RNCP') ? `RNCP${value}` : value;
  const certifications = applyColumnFaults(index.by[param].get(code) ?? [], req.shapeFaults);
  return { status: 200, body: { total: certifications.length, certifications } };
}

/**
 * API Certif Info (Réseau des Carif-Oref): `GET /certifications?code_rncp=|code_scolarite=|code_sise=|code_certifinfo=`
 * with `Authorization: Bearer <token>`; answers `{total, certifications: [...]}` with replacement links.
 */
export const certifinfoApiSimulator: SourceSimulator = {
  source: 'certifinfo-api',
  basePath: '',
  isAuthenticated: (req) => bearerToken(req) === DEV_TOKEN,
  handle(req) {
    if (req.method === 'GET' && req.path === '/certifications') return lookup(req);
    return jsonError(404, `no route ${req.method} ${req.path}`);
  },
};
