import { ACADEMIES } from './inserjeunes-geo.js';
import { COUNT_MEASURES, regionalRecords, withRates, type IjRecord } from './inserjeunes-data.js';
import { seeded } from './inserjeunes-seed.js';

/**
 * Generated figures for a département or an académie: the real rows of its région académique, every count scaled
 * by the territory's deterministic share of the région (seeded by its code), rates recomputed.
 * Undefined for a code the geography does not know.
 */
export function territoryRecords(
  kind: 'departement' | 'academie',
  code: string,
  millesime: string,
): IjRecord[] | undefined {
  const academie = ACADEMIES.find((a) => (kind === 'academie' ? a.code === code : a.departements.includes(code)));
  if (!academie) return undefined;
  const units =
    kind === 'academie'
      ? ACADEMIES.filter((a) => a.region === academie.region).map((a) => a.code)
      : ACADEMIES.filter((a) => a.region === academie.region).flatMap((a) => a.departements);
  const weights = new Map(units.map((u) => [u, seeded(`ij-territory:${kind}:${u}`).int(2, 10)]));
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  const share = (weights.get(code) ?? 0) / total;
  return regionalRecords(academie.region, millesime).flatMap(({ filiere, code: formation, measures }) => {
    const counts: Record<string, number> = {};
    for (const m of COUNT_MEASURES) if (measures[m] !== undefined) counts[m] = Math.round(measures[m] * share);
    return (counts.nb_annee_term ?? 0) >= 1 ? [{ filiere, code: formation, measures: withRates(counts) }] : [];
  });
}
