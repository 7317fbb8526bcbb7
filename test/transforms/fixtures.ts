import type { DuckDBConnection } from '@duckdb/node-api';
import { insertRaw } from './support.js';

type Raw = Record<string, string | null>;

/** A N_FORMATION_DIPLOME row (CSV style dates) with its ancien/nouveau links. */
export function formation(
  cfd: string,
  opts: { anciens?: string[]; nouveaux?: string[]; libelle?: string; premiereSession?: string } = {},
): Raw {
  const row: Raw = {
    formation_diplome: cfd,
    niveau_formation_diplome: cfd.slice(0, 3),
    libelle_court: 'BAC PRO',
    libelle_stat_33: opts.libelle ?? `DIPLOME ${cfd}`,
    libelle_long_200: opts.libelle ?? `DIPLOME ${cfd}`,
    date_ouverture: '01/09/2015',
    date_premiere_session: opts.premiereSession ?? null,
  };
  (opts.anciens ?? []).forEach((code, i) => (row[`ancien_diplome_${i + 1}`] = code));
  (opts.nouveaux ?? []).forEach((code, i) => (row[`nouveau_diplome_${i + 1}`] = code));
  return row;
}

/** A N_MEF row: MEF (10), MEFSTAT11, CFD, dispositif, duration and year. */
export function mef(
  mef10: string,
  mef11: string,
  cfd: string,
  duree: number,
  annee: number,
  dispositif = mef11.slice(0, 3),
): Raw {
  return {
    mef: mef10,
    mef_stat_11: mef11,
    formation_diplome: cfd,
    dispositif_formation: dispositif,
    duree_dispositif: String(duree),
    annee_dispositif: String(annee),
    libelle_long: `MEF ${mef11}`,
    date_ouverture: '01/09/2015',
  };
}

export type Measures = Record<string, number | string>;

/** The InserJeunes raw rows (one per measure) of one formation at one scope. */
export function inserjeunes(
  scope: string,
  scopeCode: string,
  millesime: string,
  code: string,
  measures: Measures,
  filiere: string | null = code.length === 8 ? 'apprentissage' : 'voie_pro_sco_educ_nat',
): Raw[] {
  const dimension = code.length === 8 ? 'id_formation_apprentissage' : 'id_mefstat11';
  return Object.entries(measures).map(([id, value]) => ({
    scope,
    scope_code: scopeCode,
    millesime,
    filiere,
    id_mesure: id,
    valeur_mesure: String(value),
    dimension,
    code,
  }));
}

/** Counts of a cohort: nb_annee_term, nb_poursuite_etudes, nb_en_emploi_6_mois (+ optional others). */
export function cohorte(annee: number, poursuite: number, emploi6: number, more: Measures = {}): Measures {
  return { nb_annee_term: annee, nb_poursuite_etudes: poursuite, nb_en_emploi_6_mois: emploi6, ...more };
}

/** A catalogue de l'apprentissage formation (lieu, formateur, gestionnaire UAIs). */
export function formationApprentissage(
  cle: string,
  cfd: string,
  lieu: string | null,
  formateur: string | null,
  gestionnaire: string | null,
  more: Raw = {},
): Raw {
  return {
    cle_ministere_educatif: cle,
    cfd,
    uai_formation: lieu,
    etablissement_formateur_uai: formateur,
    etablissement_gestionnaire_uai: gestionnaire,
    bcn_mefs_10: '[]',
    published: 'true',
    ...more,
  };
}

/** An ACCE establishment row. */
export function acce(uai: string, academie = '10'): Raw {
  return {
    numero_uai: uai,
    academie,
    departement_insee_3: '069',
    commune: '69123',
    appellation_officielle: `Etab ${uai}`,
  };
}

/** Inserts rows of several raw tables. */
export async function given(connection: DuckDBConnection, tables: Record<string, Raw[]>): Promise<void> {
  for (const [table, rows] of Object.entries(tables)) await insertRaw(connection, table, rows);
}
