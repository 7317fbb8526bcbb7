import { parse } from 'csv-parse/sync';
import { readSample } from './sample-data.js';
import { roundHalfEven } from './inserjeunes-seed.js';

/** The `filiere` values of the InserJeunes API. */
export type IjFiliere = 'apprentissage' | 'voie_pro_sco_educ_nat' | 'voie_pro_sco_agri';

/** One formation's measures in one answer: the unit the simulator turns into `data[]` rows. */
export interface IjRecord {
  filiere: IjFiliere;
  /** CFD (apprentissage) or MEFSTAT11 (voie scolaire). */
  code: string;
  measures: Record<string, number>;
}

interface RegionRow extends IjRecord {
  millesime: string;
  region: string;
}

/** Count measures of the regional file, in its column order. */
export const COUNT_MEASURES = [
  'nb_annee_term',
  'nb_en_emploi_12_mois',
  'nb_en_emploi_18_mois',
  'nb_en_emploi_24_mois',
  'nb_en_emploi_6_mois',
  'nb_poursuite_etudes',
  'nb_sortant',
];
const RATE_MEASURES = [
  'taux_emploi_12_mois',
  'taux_emploi_18_mois',
  'taux_emploi_24_mois',
  'taux_emploi_6_mois',
  'taux_poursuite_etudes',
];

let cached: RegionRow[] | undefined;

/** The real regional rows of `inserjeunes_api/ij_region_data.csv` (scolaire → voie_pro_sco_educ_nat, apprentissage). */
export function regionRows(): RegionRow[] {
  if (cached) return cached;
  const csv = parse(readSample('inserjeunes_api/ij_region_data.csv').toString('utf8'), {
    columns: true,
    delimiter: ';',
    bom: true,
  }) as Record<string, string>[];
  cached = csv.map((r) => {
    const measures: Record<string, number> = {};
    for (const m of [...COUNT_MEASURES, ...RATE_MEASURES]) if (r[m] !== '') measures[m] = Number(r[m]);
    const apprentissage = r.voie === 'apprentissage';
    return {
      millesime: r.millesime,
      region: r.code_region_ij,
      filiere: apprentissage ? 'apprentissage' : 'voie_pro_sco_educ_nat',
      code: apprentissage ? r.cfd : r.mefstat11,
      measures,
    };
  });
  return cached;
}

/** Millésimes (`YYYY_YYYY`) the regional file holds. */
export function servedMillesimes(): string[] {
  return [...new Set(regionRows().map((r) => r.millesime))].sort();
}

/** Région académique codes the regional file holds. */
export function knownRegions(): string[] {
  return [...new Set(regionRows().map((r) => r.region))].sort();
}

/** The real rows of one région académique and millésime, as served by `/region/{code}/millesime/{m}`. */
export function regionalRecords(region: string, millesime: string): IjRecord[] {
  return regionRows()
    .filter((r) => r.region === region && r.millesime === millesime)
    .map(({ filiere, code, measures }) => ({ filiere, code, measures }));
}

/** National figures for year `YYYY` (second year of the pair): regional counts summed, rates recomputed. Generated. */
export function nationalRecords(year: string, filiere: IjFiliere): IjRecord[] {
  const sums = new Map<string, Record<string, number>>();
  for (const r of regionRows()) {
    if (r.filiere !== filiere || r.millesime.slice(5) !== year) continue;
    const sum = sums.get(r.code) ?? {};
    for (const m of COUNT_MEASURES) if (r.measures[m] !== undefined) sum[m] = (sum[m] ?? 0) + r.measures[m];
    sums.set(r.code, sum);
  }
  return [...sums].map(([code, counts]) => ({ filiere, code, measures: withRates(counts) }));
}

/** Counts plus the DEPP rates recomputed from them (half-to-even): poursuite over the cohort, emploi over leavers. */
export function withRates(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = { ...counts };
  const rate = (num: number | undefined, den: number | undefined) =>
    num === undefined || !den ? undefined : roundHalfEven((num / den) * 100);
  for (const h of [12, 18, 24, 6]) {
    const value = rate(counts[`nb_en_emploi_${h}_mois`], counts.nb_sortant);
    if (value !== undefined) out[`taux_emploi_${h}_mois`] = value;
  }
  const poursuite = rate(counts.nb_poursuite_etudes, counts.nb_annee_term);
  if (poursuite !== undefined) out.taux_poursuite_etudes = poursuite;
  return out;
}
