import type { DatasetSpec } from './connector.js';

const cols = (...groups: string[]) => groups.join(' ').split(/\s+/).filter(Boolean);
/** Columns the Omogen API adds to every nomenclature (absent from the legacy CSV export of older tables). */
const API_META = 'numero_compte gestion_diffusion id created_at updated_at statut_id date_statut';
const ARRETES =
  'date_arrete_creation date_arrete_abrogation date_arrete_modification_1 date_arrete_modification_2 date_arrete_modification_3 date_arrete_modification_4 date_arrete_modification_5 date_arrete_modification_6 date_arrete_modification_7 date_arrete_modification_8 date_arrete_modification_9 date_arrete_modification_10';
const FD_HEAD =
  'formation_diplome niveau_formation_diplome groupe_specialite lettre_specialite ancien_recme libelle_court libelle_stat_33 libelle_long_200 date_ouverture date_fermeture';
const FD_TAIL =
  'commentaire nature_formation_diplome gestionnaire_formation_diplome date_intervention id_document cite_domaine_formation niveau_qualification_rncp n_commentaire cite_domaine_detaille';
const LIENS =
  'ancien_diplome_1 ancien_diplome_2 ancien_diplome_3 ancien_diplome_4 ancien_diplome_5 ancien_diplome_6 ancien_diplome_7 nouveau_diplome_1 nouveau_diplome_2 nouveau_diplome_3 nouveau_diplome_4 nouveau_diplome_5 nouveau_diplome_6 nouveau_diplome_7';
const SESSIONS = 'unite_capitalisable date_premiere_session date_derniere_session';

const CFD = '^[0-9A-Z]{8}$';
const fetchDate = (
  description: string,
  requiredColumns: string[],
  knownColumns: string[],
  patterns?: Record<string, string>,
): DatasetSpec => ({
  description,
  period: 'fetch-date',
  requiredColumns,
  notNull: requiredColumns.slice(0, 1),
  knownColumns: [...new Set([...knownColumns, ...cols(API_META)])],
  patterns,
});

/** The BCN nomenclatures devenir lands, one dataset per table (dataset = lower-case table name). */
export const BCN_DATASETS: Record<string, DatasetSpec> = {
  n_formation_diplome: fetchDate(
    'BCN N_FORMATION_DIPLOME: diplômes (CFD) with their ancien/nouveau links',
    cols(
      'formation_diplome niveau_formation_diplome libelle_long_200 date_ouverture date_fermeture ancien_diplome_1 nouveau_diplome_1',
    ),
    cols(FD_HEAD, LIENS, SESSIONS, ARRETES, FD_TAIL, 'nb_mef_ouvert nb_mef_ferme date_session_rattrapage observation'),
    { formation_diplome: CFD },
  ),
  v_formation_diplome: fetchDate(
    'BCN V_FORMATION_DIPLOME: every formation diplôme, apprenticeship included',
    cols('formation_diplome niveau_formation_diplome libelle_long_200 date_ouverture date_fermeture'),
    cols(FD_HEAD, SESSIONS, ARRETES, FD_TAIL),
    { formation_diplome: CFD },
  ),
  n_formation_diplome_enquete_51: fetchDate(
    'BCN N_FORMATION_DIPLOME_ENQUETE_51: titres RNCP and other ministries\u2019 diplômas coded by DEPP',
    cols('formation_diplome niveau_formation_diplome libelle_long_200 diplome_sise'),
    cols(FD_HEAD, SESSIONS, ARRETES, FD_TAIL, 'diplome_sise habilitation_origine numero_uai'),
    { formation_diplome: CFD, diplome_sise: '^[0-9A-Z]{7}$' },
  ),
  n_mef: fetchDate(
    'BCN N_MEF: modules élémentaires de formation (MEF 10 ↔ MEFSTAT11 ↔ CFD)',
    cols('mef formation_diplome mef_stat_11 dispositif_formation duree_dispositif annee_dispositif'),
    cols(
      'mef dispositif_formation formation_diplome duree_dispositif annee_dispositif libelle_court libelle_long date_ouverture date_fermeture statut_mef nb_option_obligatoire nb_option_facultatif renforcement_langue duree_projet duree_stage horaire mef_inscription_scolarite mef_stat_11 mef_stat_9 date_intervention libelle_edition n_commentaire',
    ),
    { mef: '^[0-9]{10}$', formation_diplome: CFD, mef_stat_11: '^[0-9A-Z]{11}$' },
  ),
  n_niveau_formation_diplome: fetchDate(
    'BCN N_NIVEAU_FORMATION_DIPLOME: niveaux of formation diplômes',
    cols('niveau_formation_diplome libelle_100 niveau_interministeriel'),
    cols(
      'niveau_formation_diplome niveau_interministeriel libelle_court libelle_100 ancien_niveau date_ouverture date_fermeture date_intervention n_commentaire niveau_qualification_rncp',
    ),
    { niveau_formation_diplome: '^[0-9A-Z]{3}$' },
  ),
  n_diplome_sise: fetchDate(
    'BCN N_DIPLOME_SISE: higher-education diplômas (SISE)',
    cols('diplome_sise type_diplome_sise libelle_intitule_1'),
    cols(
      'diplome_sise type_diplome_sise voie_lmd domaine_formation libelle_intitule_1 libelle_intitule_2 groupe_specialite lettre_specialite secteur_disciplinaire_sise cite_domaine_formation duree nature_diplome_sise date_ouverture date_fermeture date_intervention definitif n_commentaire categorie_formation_sise cite_domaine_detaille secteur_discipl_detail_sise',
    ),
    { diplome_sise: '^[0-9A-Z]{7}$' },
  ),
  n_type_diplome_sise: fetchDate(
    'BCN N_TYPE_DIPLOME_SISE: types of SISE diplômas',
    cols('type_diplome_sise libelle_court libelle_long'),
    cols(
      'type_diplome_sise cursus cycle_sise niveau_formation niveau_interministeriel nature_diplome_sise libelle_court libelle_long ects semestres duree date_ouverture date_fermeture date_intervention n_commentaire pepsise categorie_formation_sise',
    ),
  ),
  n_groupe_formation: fetchDate(
    'BCN N_GROUPE_FORMATION: familles de métiers and other formation groups',
    cols('groupe_formation type_groupe_formation libelle_edition'),
    cols(
      'groupe_formation type_groupe_formation libelle_court libelle_long libelle_edition date_ouverture date_fermeture date_intervention n_commentaire',
    ),
  ),
  n_lien_formation_groupe: fetchDate(
    'BCN N_LIEN_FORMATION_GROUPE: CFD ↔ formation group',
    cols('groupe_formation formation_diplome'),
    cols('groupe_formation formation_diplome date_ouverture date_fermeture date_intervention n_commentaire'),
    { formation_diplome: CFD },
  ),
  n_lien_mef_famille_metier: fetchDate(
    'BCN N_LIEN_MEF_FAMILLE_METIER: MEF ↔ famille de métiers (2nde pro communes)',
    cols('famille_metier mef'),
    cols('famille_metier mef date_ouverture date_fermeture date_intervention n_commentaire tag'),
    { mef: '^[0-9]{10}$' },
  ),
  n_famille_metier_spec_pro: fetchDate(
    'BCN N_FAMILLE_METIER_SPEC_PRO: familles de métiers',
    cols('famille_metier libelle_long'),
    cols('famille_metier libelle_long libelle_edition date_ouverture date_fermeture date_intervention n_commentaire'),
  ),
};
