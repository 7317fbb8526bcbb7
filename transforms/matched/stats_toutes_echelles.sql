-- All statistics rows of every grain with the identity of their certification (type, CFD, labels, diploma,
-- level, famille de métiers); rows whose code the référentiel does not know keep a null identity.
with lignes as (
    select * from matched.stats_uai_completees
),

annees_non_terminales as (
    select * from matched.stats_annees_non_terminales
),

certifications as (
    select * from matched.certifications
),

toutes as (
    select *, []::varchar[] as certifications_terminales from lignes
    union all by name
    select * from annees_non_terminales
),

final as (
    select
        ligne.scope,
        ligne.scope_code,
        ligne.code_certification,
        ligne.filiere,
        ligne.millesime,
        ligne.millesime_annee_debut,
        ligne.millesime_annee_fin,
        ligne.millesime_api,
        certification.code_certification_type,
        certification.code_formation_diplome,
        certification.libelle,
        certification.libelle_long,
        certification.diplome_code,
        certification.diplome_libelle,
        certification.niveau_formation,
        certification.date_fermeture,
        certification.famille_metier_code,
        certification.famille_metier_libelle,
        coalesce(certification.est_annee_commune, false) as est_annee_commune,
        ligne.certifications_terminales,
        ligne.producteur,
        ligne.donnee_source_type,
        ligne.donnee_source_code_certification,
        ligne.libelle_etablissement,
        ligne.uai_type,
        ligne.uai_donnee,
        ligne.uai_donnee_type,
        ligne.uai_lieu_formation,
        ligne.uai_formateur,
        ligne.uai_gestionnaire,
        ligne.nb_annee_term,
        ligne.nb_sortant,
        ligne.nb_poursuite_etudes,
        ligne.nb_en_emploi_6_mois,
        ligne.nb_en_emploi_12_mois,
        ligne.nb_en_emploi_18_mois,
        ligne.nb_en_emploi_24_mois,
        ligne.nb_diplome,
        ligne.taux_en_formation,
        ligne.taux_en_emploi_6_mois,
        ligne.taux_en_emploi_12_mois,
        ligne.taux_en_emploi_18_mois,
        ligne.taux_en_emploi_24_mois,
        ligne.taux_autres_6_mois,
        ligne.taux_autres_12_mois,
        ligne.taux_autres_18_mois,
        ligne.taux_autres_24_mois,
        ligne.taux_rupture_contrats,
        ligne.salaire_12_mois_q1,
        ligne.salaire_12_mois_q2,
        ligne.salaire_12_mois_q3,
        ligne.mesures_inconnues
    from toutes as ligne
    left join certifications as certification on certification.code_certification = ligne.code_certification
)

select * from final
order by scope, scope_code, code_certification, filiere, millesime
