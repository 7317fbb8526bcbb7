import { ContractError, normaliseColumn } from './dataset-columns.js';
import { HttpError } from './http.js';

/** Columns of every `raw.inserjeunes__*` table (the landing step adds `millesime` = the period, and lineage). */
export const IJ_COLUMNS = [
  'scope',
  'scope_code',
  'filiere',
  'id_mesure',
  'valeur_mesure',
  'dimension',
  'code',
  'libelle_etab',
];

/** Measures the InserJeunes API is known to send (anchor §3.3); anything else is reported as drift. */
export const KNOWN_MEASURES = new Set([
  'nb_annee_term',
  'nb_sortant',
  'nb_poursuite_etudes',
  'taux_rupture_contrats',
  'taux_poursuite_etudes',
  ...[6, 12, 18, 24].flatMap((h) => [`nb_en_emploi_${h}_mois`, `taux_emploi_${h}_mois`]),
  'DEVENIR_part_en_emploi_6_mois',
  'DEVENIR_part_poursuite_etudes',
  'DEVENIR_part_autre_situation_6_mois',
  ...[1, 2, 3].flatMap((q) => [`salaire_TS_Q${q}_12_mois`, `salaire_TS_Q${q}_12_mois_prec`]),
]);
const ROW_KEYS = new Set(['id_mesure', 'valeur_mesure', 'dimensions', 'filiere']);
const DIMENSIONS = new Set(['id_formation_apprentissage', 'id_mefstat11']);

/** Where an answer comes from: the route's scope and code, and the filière of the path (national route). */
export interface IjScope {
  scope: 'france' | 'region' | 'uai' | 'departement' | 'academie';
  code: string;
  filiere?: string;
}

/** Drift seen while flattening (unknown measures, unknown row keys or dimensions). */
export interface IjDrift {
  unknownMeasures: Set<string>;
  unknownColumns: Set<string>;
}

type Doc = { metadata?: { UAI?: { libelle_etab?: unknown } }; data: unknown[] };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses an answer body, JSON or JSON inside a JSON string (`/france`, `/UAI`); checks the `{metadata, data}` shape. */
export function parseIjBody(text: string, url: string, dataset: string): Doc {
  let value: unknown;
  try {
    value = JSON.parse(text);
    if (typeof value === 'string') value = JSON.parse(value);
  } catch (error) {
    throw new HttpError(
      `inserjeunes: invalid JSON on ${url} (${(error as Error).message})`,
      'inserjeunes',
      url,
      200,
      true,
    );
  }
  if (!isObject(value) || !Array.isArray(value.data))
    throw new ContractError(
      `inserjeunes: ${dataset}: ${url} is not a {metadata, data: [...]} document`,
      'inserjeunes',
      dataset,
      url,
    );
  return value as Doc;
}

/** One landed row per `data[]` entry (one measure of one formation), every value as text. */
export function flattenIj(
  doc: Doc,
  scope: IjScope,
  where: { url: string; dataset: string },
  drift: IjDrift,
): Record<string, string | null>[] {
  const libelle = doc.metadata?.UAI?.libelle_etab;
  return doc.data.map((entry, index) => {
    const fail = (what: string) =>
      new ContractError(
        `inserjeunes: ${where.dataset}: ${where.url}: data[${index}] ${what}`,
        'inserjeunes',
        where.dataset,
        where.url,
      );
    if (!isObject(entry)) throw fail('is not an object');
    if (typeof entry.id_mesure !== 'string' || !entry.id_mesure) throw fail('has no "id_mesure"');
    const dimension =
      Array.isArray(entry.dimensions) && isObject(entry.dimensions[0])
        ? Object.entries(entry.dimensions[0])[0]
        : undefined;
    if (!dimension) throw fail('has no "dimensions" entry');
    if (!KNOWN_MEASURES.has(entry.id_mesure)) drift.unknownMeasures.add(entry.id_mesure);
    for (const key of Object.keys(entry)) if (!ROW_KEYS.has(key)) drift.unknownColumns.add(normaliseColumn(key));
    if (!DIMENSIONS.has(dimension[0])) drift.unknownColumns.add(normaliseColumn(`dimensions_${dimension[0]}`));
    const value = entry.valeur_mesure;
    return {
      scope: scope.scope,
      scope_code: scope.code,
      filiere: typeof entry.filiere === 'string' ? entry.filiere : (scope.filiere ?? null),
      id_mesure: entry.id_mesure,
      valeur_mesure: value === null || value === undefined ? null : String(value),
      dimension: dimension[0],
      code: dimension[1] === null || dimension[1] === undefined ? null : String(dimension[1]),
      libelle_etab: typeof libelle === 'string' ? libelle : null,
    };
  });
}
