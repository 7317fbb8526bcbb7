/** The generated InserJeunes-like input of the landing benchmarks (light on imports: it runs in the measured processes). */
import { createWriteStream } from 'node:fs';

/** The raw contract's columns of an InserJeunes measure row. */
export const COLUMNS = [
  'scope',
  'scope_code',
  'millesime',
  'filiere',
  'id_mesure',
  'valeur_mesure',
  'dimension',
  'code',
  'libelle_etab',
];
/** The key under which devenir's NDJSON writer numbers each record (activities/land/landing-writers.ts). */
export const ROW_NUMBER_KEY = '#';
const MEASURES = [
  'nb_annee_term',
  'nb_sortant',
  'nb_poursuite_etudes',
  'nb_en_emploi_6_mois',
  'nb_en_emploi_12_mois',
  'taux_emploi_6_mois',
];

/**
 * Writes `rows` InserJeunes-like measure rows (the raw contract's columns) as NDJSON, numbered as devenir writes them.
 * Returns the longest line's length, as devenir's writer reports it (`longestRecord`).
 */
export async function generate(file: string, rows: number): Promise<number> {
  const out = createWriteStream(file);
  let longest = 0;
  for (let i = 0; i < rows; i++) {
    const uai = `${String(100000 + (i % 90000)).padStart(7, '0')}${String.fromCharCode(65 + (i % 26))}`;
    const line = `{"${ROW_NUMBER_KEY}":${i + 1},"scope":"uai","scope_code":"${uai}","millesime":"2021_2022","filiere":"apprentissage","id_mesure":"${MEASURES[i % MEASURES.length]}","valeur_mesure":"${i % 120}","dimension":"id_formation_apprentissage","code":"${String(40000000 + (i % 5000))}","libelle_etab":null}\n`;
    longest = Math.max(longest, 3 * line.length);
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => {
    out.end(() => resolve());
  });
  return longest;
}
