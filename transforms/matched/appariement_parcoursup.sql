-- The Parcoursup matching table: each CODEFORMATIONACCUEIL with its UAIs, its candidate codes, the certification
-- retained by the cascade, the UAI (composante > affectation > gestionnaire) and millésime its figures are read
-- at, the validity, the coverage and the reason when not covered.
with appariements as (
    select * from matched.appariements
),

parcoursup as (
    select * from staging.stg_parcoursup__formations
),

final as (
    select
        formation.code_formation_accueil,
        formation.libelle_formation,
        formation.libelle_specialite,
        formation.libelle_affectation,
        formation.academie,
        formation.voie,
        appariement.filiere,
        formation.est_parametree,
        formation.uai_composante,
        formation.uai_affectation,
        formation.uai_gestionnaire,
        formation.code_mef,
        formation.code_cfd,
        formation.code_sise,
        formation.codes_rncp,
        formation.codes_ideo,
        formation.id_rco,
        appariement.methode,
        appariement.validite_code_certification,
        appariement.codes_candidats,
        appariement.code_certification_candidat,
        appariement.code_certification,
        appariement.filiere_donnee,
        appariement.uai,
        case appariement.uai_priorite when 1 then 'composante' when 2 then 'affectation' when 3 then 'gestionnaire' end
            as uai_role,
        appariement.uai_donnee,
        appariement.uai_donnee_type,
        appariement.millesime_donnee,
        appariement.couverture,
        appariement.raison_non_couverture,
        formation.capacite
    from appariements as appariement
    inner join parcoursup as formation on formation.code_formation_accueil = appariement.formation_id
    where appariement.catalogue = 'parcoursup'
)

select * from final
order by code_formation_accueil
