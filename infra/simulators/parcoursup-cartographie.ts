import { readSample } from './sample-data.js';

/** The fields of `fr-esr-cartographie_formations_parcoursup`, in the portal's schema order. */
export const CARTOGRAPHIE_FIELDS = [
  'annee',
  'etab_uai',
  'etab_nom',
  'tc',
  'tf',
  'nm',
  'nmc',
  'fl',
  'app',
  'int',
  'amg',
  'aut',
  'gti',
  'gta',
  'fiche',
  'dataviz',
  'etab_url',
  'etab_gps',
  'region',
  'departement',
  'commune',
] as const;

/** One cartographie record as the Explore API v2.1 exports it (flat fields, geo points as `{lon, lat}`). */
export type CartographieRecord = Record<(typeof CARTOGRAPHIE_FIELDS)[number], unknown>;

let cached: CartographieRecord[] | undefined;

/**
 * The 179 real records of the bundled v1 export (`{fields, geometry…}`), reshaped to the v2.1 export shape:
 * same values, absent fields as null, `etab_gps` `[lat, lon]` → `{lon, lat}`. Sorted by `gta`.
 */
export function cartographieRecords(): CartographieRecord[] {
  if (cached) return cached;
  const v1 = JSON.parse(
    readSample('parcoursup/fr-esr-cartographie_formations_parcoursup_2021_179.json').toString('utf8'),
  ) as Array<{ fields: Record<string, unknown> }>;
  cached = v1
    .map(({ fields }) => {
      const record = Object.fromEntries(CARTOGRAPHIE_FIELDS.map((f) => [f, fields[f] ?? null])) as CartographieRecord;
      const gps = fields.etab_gps as [number, number] | undefined;
      record.etab_gps = gps ? { lon: gps[1], lat: gps[0] } : null;
      return record;
    })
    .sort((a, b) => Number(a.gta) - Number(b.gta));
  return cached;
}
