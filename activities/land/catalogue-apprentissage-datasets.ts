import type { DatasetSpec } from './connector.js';
import { normaliseColumnName } from '../../lake/column-names.js';

const fields = (s: string) => [...new Set(s.split(/\s+/).filter(Boolean).map(normaliseColumnName))];
const etab = (role: string) =>
  `etablissement_${role}_id etablissement_${role}_siret etablissement_${role}_enseigne etablissement_${role}_uai etablissement_${role}_published etablissement_${role}_adresse etablissement_${role}_code_postal etablissement_${role}_code_commune_insee etablissement_${role}_localite etablissement_${role}_complement_adresse etablissement_${role}_cedex etablissement_${role}_entreprise_raison_sociale etablissement_${role}_region etablissement_${role}_num_departement etablissement_${role}_nom_departement etablissement_${role}_nom_academie etablissement_${role}_num_academie etablissement_${role}_siren etablissement_${role}_date_creation etablissement_${role}_nda etablissement_${role}_courriel etablissement_${role}_certifie_qualite etablissement_${role}_habilite_rncp`;
const UAI = '^[0-9]{7}[A-Z]$';
const SIRET = '^[0-9]{14}$';

/** The catalogue's formations and établissements, as its API returns them (156 and 102 fields in the real records). */
export const CATALOGUE_DATASETS: Record<string, DatasetSpec> = {
  formations: {
    description:
      'Catalogue de l\u2019apprentissage: formations (CFD, RNCP, MEF 10, UAI gestionnaire/formateur/lieu, clé ministère éducatif)',
    period: 'fetch-date',
    requiredColumns: fields(
      'id cle_ministere_educatif cfd rncp_code bcn_mefs_10 uai_formation etablissement_gestionnaire_uai etablissement_formateur_uai etablissement_gestionnaire_siret etablissement_formateur_siret published catalogue_published',
    ),
    notNull: ['id'],
    patterns: {
      cfd: '^[0-9A-Z]{8}$',
      rncp_code: '^RNCP[0-9]+$',
      uai_formation: UAI,
      etablissement_gestionnaire_uai: UAI,
      etablissement_formateur_uai: UAI,
      etablissement_gestionnaire_siret: SIRET,
      etablissement_formateur_siret: SIRET,
    },
    knownColumns: fields(`${etab('gestionnaire')} ${etab('formateur')}
      etablissement_reference etablissement_reference_published etablissement_reference_date_creation etablissement_reference_certifie_qualite etablissement_reference_habilite_rncp
      cfd cfd_specialite cfd_outdated cfd_date_fermeture cfd_entree nom_academie num_academie code_postal code_commune_insee num_departement nom_departement region localite uai_formation uai_formation_valide
      nom intitule_long intitule_court intitule_rco diplome niveau libelle_court niveau_formation_diplome onisep_url onisep_intitule onisep_libelle_poursuite onisep_lien_site_onisepfr onisep_discipline onisep_domaine_sousdomaine
      rncp_code rncp_intitule rncp_eligible_apprentissage rncp_details rome_codes france_competence_infos periode capacite duree annee date_debut date_fin modalites_entrees_sorties entierement_a_distance niveau_entree_obligatoire
      parcoursup_statut parcoursup_error parcoursup_raison_depublication parcoursup_mefs_10 parcoursup_published_date parcoursup_perimetre parcoursup_id parcoursup_export_date parcoursup_session parcoursup_previous_session parcoursup_previous_statut
      affelnet_statut affelnet_infos_offre affelnet_code_nature affelnet_secteur affelnet_raison_depublication affelnet_mefs_10 affelnet_published_date affelnet_perimetre affelnet_id affelnet_modalites_offre affelnet_url_infos_offre affelnet_url_modalites_offre affelnet_session affelnet_previous_session affelnet_previous_statut
      published catalogue_published forced_published rejection updates_history last_update_who last_statut_update_date last_status annee_incoherente duree_incoherente editedFields tags
      lieu_formation_adresse lieu_formation_siret lieu_formation_geo_coordonnees lieu_formation_adresse_computed lieu_formation_geo_coordonnees_computed geo_coordonnees_etablissement_gestionnaire geo_coordonnees_etablissement_formateur distance distance_lieu_formation_etablissement_formateur
      id_rco_formation id_formation id_action ids_action id_certifinfo id_RCO cle_ministere_educatif bcn_mefs_10 created_at last_update_at updated_at updatedAt id`),
  },
  etablissements: {
    description:
      'Catalogue de l\u2019apprentissage: établissements (organismes de formation by SIRET, with UAI, NDA, Qualiopi)',
    period: 'fetch-date',
    requiredColumns: ['id', 'siret', 'uai'],
    notNull: ['siret'],
    patterns: { siret: SIRET, uai: UAI },
    knownColumns: fields(
      `_id siege_social etablissement_siege_siret siret siren nda naf_code naf_libelle date_creation diffusable_commercialement enseigne onisep_nom onisep_url onisep_code_postal adresse numero_voie type_voie nom_voie complement_adresse code_postal num_departement nom_departement localite code_insee_localite cedex date_fermeture ferme region_implantation_code region_implantation_nom commune_implantation_code commune_implantation_nom num_academie nom_academie uai info_datagouv_ofs info_datagouv_ofs_info info_qualiopi_info api_entreprise_reference entreprise_siren entreprise_procedure_collective entreprise_enseigne entreprise_numero_tva_intracommunautaire entreprise_raison_sociale entreprise_nom_commercial entreprise_date_creation entreprise_date_radiation entreprise_naf_code entreprise_naf_libelle entreprise_date_fermeture entreprise_ferme entreprise_siret_siege_social entreprise_nom entreprise_prenom formations_attachees formations_ids formations_uais published updates_history tags rco_uai rco_adresse rco_code_postal rco_code_insee_localite idcc opco_nom opco_siren created_at last_update_at __v entreprise_tranche_effectif_salarie etablissement_siege_id geo_coordonnees rco_geo_coordonnees uai_valide certifie_qualite date_mise_a_jour ds_id_dossier ds_questions_ask_for_certificaton_date ds_questions_declaration_code ds_questions_has_2020_training ds_questions_has_agrement_cfa ds_questions_has_ask_for_certificaton ds_questions_has_certificaton_2015 ds_questions_nom ds_questions_siren ds_questions_uai entreprise_capital_social entreprise_categorie entreprise_code_effectif_entreprise entreprise_forme_juridique entreprise_forme_juridique_code formations_n3 formations_n4 formations_n5 formations_n6 formations_n7 pays_implantation_code pays_implantation_nom tranche_effectif_salarie uais_potentiels update_error updated_at`,
    ),
  },
};
