import { readSample } from './sample-data.js';

type OdsRecord = Record<string, unknown>;
type ApiRecord = Record<string, string>;

/** Fields of a long-shape `fr-esr-insersup` record that vary with the horizon (`date_inser`). */
export const HORIZON_FIELDS = [
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
] as const;
const WIDE_HORIZONS = [6, 12, 18, 24];
const API_HORIZONS = [6, 12, 18, 24, 30];

const json = (file: string) => JSON.parse(readSample(`insersup/${file}`).toString('utf8')) as unknown;
const dedupe = <T>(items: T[]) => [...new Map(items.map((i) => [JSON.stringify(i), i])).values()];

let ods: OdsRecord[] | undefined;
let api: ApiRecord[] | undefined;

/** The real 2024_S2 `fr-esr-insersup` records (long shape, one per horizon), both bundled files deduplicated. */
export function insersupOdsRecords(): OdsRecord[] {
  ods ??= dedupe([
    ...(json('fr-esr-insersup_0062205P_2024S2_120.json') as OdsRecord[]),
    ...(json('fr-esr-insersup_0062205P_2024S2_two_millesimes_60.json') as OdsRecord[]),
  ]);
  return ods;
}

/** The same records in the wide shape of Dec 2025: one record per population, `<field>_{6,12,18,24}`. */
export function toWideShape(records: OdsRecord[]): OdsRecord[] {
  const groups = new Map<string, { base: OdsRecord; byHorizon: Map<number, OdsRecord> }>();
  for (const r of records) {
    const base = Object.fromEntries(
      Object.entries(r).filter(
        ([k]) => !(HORIZON_FIELDS as readonly string[]).includes(k) && k !== 'date_inser' && k !== 'date_inser_long',
      ),
    );
    const key = JSON.stringify(base);
    const group = groups.get(key) ?? { base, byHorizon: new Map() };
    group.byHorizon.set(Number(r.date_inser), r);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ base, byHorizon }) => {
    const wide: OdsRecord = { ...base };
    for (const f of HORIZON_FIELDS) for (const h of WIDE_HORIZONS) wide[`${f}_${h}`] = byHorizon.get(h)?.[f] ?? null;
    return wide;
  });
}

/**
 * The per-établissement API dataset: the real old-schema `{results}` records, plus the real 2024_S2 ODS records
 * converted to API fields (see data/sample/insersup/GENERATED.md). Every value is a string, as the API sends them.
 */
export function insersupApiRecords(): ApiRecord[] {
  if (api) return api;
  const old = ['insersup_old_schema_results_1.json', 'insersup_old_schema_results_2.json'].flatMap(
    (f) => (json(f) as { results: ApiRecord[] }).results,
  );
  api = dedupe([...old, ...convertOds(insersupOdsRecords())]);
  return api;
}

/** SISE codes (`diplome`) present in the InserSup samples, sorted. */
export function insersupSiseCodes(): string[] {
  return [...new Set(insersupApiRecords().map((r) => r.diplome))].sort();
}

const fr = (value: number) => value.toFixed(1).replace('.', ',');
const text = (value: unknown, missing: string) =>
  value === null || value === undefined || value === '' ? missing : String(value);

function convertOds(records: OdsRecord[]): ApiRecord[] {
  const whole = records.filter((r) => r.genre === 'ensemble' && r.nationalite === 'ensemble');
  const keys = [...new Set(whole.map((r) => JSON.stringify([r.etablissement, r.diplome, r.promo])))];
  return keys.map((key) => {
    const rows = whole.filter((r) => JSON.stringify([r.etablissement, r.diplome, r.promo]) === key);
    const all = rows.filter((r) => r.obtention_diplome === 'ensemble');
    const graduates = rows.filter((r) => r.obtention_diplome !== 'ensemble');
    const at = (h: number) => all.find((r) => Number(r.date_inser) === h);
    const [first, gradFirst] = [all[0], graduates[0]];
    const sortants = Number(first.nb_sortants);
    const poursuivants = Number(first.nb_poursuivants);
    const inscrits = sortants + poursuivants;
    const promo = (first.promo as string[]).map(Number);
    const year = Math.max(...promo);
    const tauxPoursuivant = (poursuivants / inscrits) * 100;
    const out: ApiRecord = {
      diplome: String(first.diplome),
      libelle_diplome: String(first.libelle_diplome),
      type_diplome_long: String(first.type_diplome),
      etablissement: String(first.etablissement),
      denomination_principale: String(first.uo_lib),
      domaine: String(first.dom),
      discipline: String(first.discipli_lib),
      secteur_disciplinaire: String(first.sectdis_lib).toUpperCase(),
      nb_inscrits: String(inscrits),
      nb_diplomes: gradFirst ? String(Number(gradFirst.nb_sortants) + Number(gradFirst.nb_poursuivants)) : 'nd',
      nb_sortants: promo.length > 1 ? `${sortants} *` : String(sortants),
      nb_poursuivants: String(poursuivants),
      taux_poursuivant: fr(tauxPoursuivant),
      annee_universitaire: `${year - 1}-${year}`,
    };
    const employment = API_HORIZONS.map((h) => dsnFigures(at(h), inscrits, tauxPoursuivant));
    API_HORIZONS.forEach((h, i) => {
      out[`nb_in_dsn_${h}`] = employment[i].nb;
    });
    API_HORIZONS.forEach((h, i) => {
      out[`taux_in_dsn_${h}`] = employment[i].taux;
    });
    API_HORIZONS.forEach((h, i) => {
      out[`taux_autre_${h}`] = employment[i].autre;
    });
    for (const q of [1, 2, 3]) out[`salaire_q${q}_national_diplome_12`] = text(at(12)?.[`salaire_q${q}`], 'nd');
    return out;
  });
}

/** `nb_in_dsn`, `taux_in_dsn` (over inscrits) and `taux_autre` at one horizon: `na` without a record, `nd` without a value. */
function dsnFigures(
  record: OdsRecord | undefined,
  inscrits: number,
  tauxPoursuivant: number,
): { nb: string; taux: string; autre: string } {
  if (!record) return { nb: 'na', taux: 'na', autre: 'na' };
  const employed = record.nb_sortants_en_emploi_sal_fr;
  if (employed === null || employed === undefined || employed === '') return { nb: 'nd', taux: 'nd', autre: 'nd' };
  const taux = (Number(employed) / inscrits) * 100;
  const tenth = (value: number) => Math.round(value * 10) / 10;
  return { nb: String(employed), taux: fr(taux), autre: fr(Math.max(0, 100 - tenth(tauxPoursuivant) - tenth(taux))) };
}
