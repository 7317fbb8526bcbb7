import { parse } from 'csv-parse/sync';
import { readSample } from './sample-data.js';
import { academieOfDepartement, departementOfUai } from './inserjeunes-geo.js';
import { regionRows, servedMillesimes, type IjFiliere, type IjRecord } from './inserjeunes-data.js';
import { roundHalfEven, seeded } from './inserjeunes-seed.js';
import { parcoursupCatalogue } from './parcoursup-data.js';

const DEPP_DIR = 'inserjeunes_open_data/depp_valeur_ajoutee_etablissements';
const DEPP_YEARS = ['2018_2019', '2019_2020', '2020_2021', '2021_2022'];

interface DeppUai {
  libelle: string;
  region: string;
  kinds: Set<'pro' | 'apprentissage'>;
}

let deppCache: Map<string, DeppUai> | undefined;

/** UAIs of the real DEPP per-établissement lists (lycées pro and CFA), with their latest label. */
export function deppUais(): Map<string, DeppUai> {
  if (deppCache) return deppCache;
  deppCache = new Map();
  for (const year of DEPP_YEARS) {
    for (const kind of ['pro', 'apprentissage'] as const) {
      const rows = parse(readSample(`${DEPP_DIR}/depp-2022-etablissements-${year}-${kind}.csv`).toString('utf8'), {
        delimiter: ';',
        bom: true,
        from_line: 2,
        relax_column_count: true,
        relax_quotes: true,
      }) as string[][];
      for (const [uai, libelle] of rows) {
        const region = academieOfDepartement(departementOfUai(uai) ?? '')?.region;
        if (!/^[0-9]{7}[A-Z]$/.test(uai) || !region) continue;
        const known = deppCache.get(uai) ?? { libelle, region, kinds: new Set() };
        known.libelle = libelle;
        known.kinds.add(kind);
        deppCache.set(uai, known);
      }
    }
  }
  return deppCache;
}

const pools = new Map<string, string[]>();
function pool(region: string, filiere: IjFiliere): string[] {
  const key = `${region}:${filiere}`;
  if (!pools.has(key))
    pools.set(
      key,
      [
        ...new Set(
          regionRows()
            .filter((r) => r.region === region && r.filiere === filiere)
            .map((r) => r.code),
        ),
      ].sort(),
    );
  return pools.get(key) ?? [];
}

/**
 * Generated `/UAI/{uai}/millesime/{m}` content for a DEPP UAI: a few codes of its région's real regional data
 * (MEFSTAT11 for lycées pro, CFD for CFA) plus, for part of them, the codes the generated Parcoursup catalogue
 * places at that UAI; counts seeded by UAI × millésime × code. Undefined for UAIs outside the lists.
 */
export function uaiRecords(uai: string, millesime: string): { libelle: string; records: IjRecord[] } | undefined {
  const known = deppUais().get(uai);
  if (!known) return undefined;
  if (!servedMillesimes().includes(millesime)) return { libelle: known.libelle, records: [] };
  const offer = seeded(`ij-uai-offer:${uai}`);
  const codes: Array<{ filiere: IjFiliere; code: string; always: boolean }> = [];
  if (known.kinds.has('pro'))
    for (const code of offer.sample(pool(known.region, 'voie_pro_sco_educ_nat'), offer.int(2, 6)))
      codes.push({ filiere: 'voie_pro_sco_educ_nat', code, always: false });
  if (known.kinds.has('apprentissage'))
    for (const code of offer.sample(pool(known.region, 'apprentissage'), offer.int(2, 6)))
      codes.push({ filiere: 'apprentissage', code, always: false });
  for (const t of parcoursupCatalogue().trueCodes) {
    if (t.uai !== uai || codes.some((c) => c.code === t.code && c.filiere === t.filiere)) continue;
    if (seeded(`ij-uai-psup:${uai}:${t.code}`).chance(0.7))
      codes.push({ filiere: t.filiere, code: t.code, always: true });
  }
  const records = codes.flatMap(({ filiere, code, always }) => {
    const rng = seeded(`ij-uai:${uai}:${millesime}:${filiere}:${code}`);
    if (!always && rng.chance(0.1)) return [];
    return [{ filiere, code, measures: generatedMeasures(rng) }];
  });
  return { libelle: known.libelle, records };
}

function generatedMeasures(rng: ReturnType<typeof seeded>): Record<string, number> {
  const n = rng.int(5, 120);
  const poursuite = Math.round(n * (0.1 + 0.5 * rng.next()));
  const sortant = n - poursuite;
  const e6 = Math.round(sortant * (0.25 + 0.5 * rng.next()));
  const e12 = Math.min(sortant, e6 + Math.round(sortant * 0.1 * rng.next()));
  const e18 = Math.min(sortant, e12 + Math.round(sortant * 0.08 * rng.next()));
  const e24 = Math.min(sortant, e18 + Math.round(sortant * 0.05 * rng.next()));
  const partEmploi = roundHalfEven((e6 / n) * 100);
  const partPoursuite = roundHalfEven((poursuite / n) * 100);
  return {
    nb_annee_term: n,
    nb_sortant: sortant,
    nb_poursuite_etudes: poursuite,
    nb_en_emploi_6_mois: e6,
    nb_en_emploi_12_mois: e12,
    nb_en_emploi_18_mois: e18,
    nb_en_emploi_24_mois: e24,
    DEVENIR_part_en_emploi_6_mois: partEmploi,
    DEVENIR_part_poursuite_etudes: partPoursuite,
    DEVENIR_part_autre_situation_6_mois: Math.max(0, 100 - partEmploi - partPoursuite),
  };
}
