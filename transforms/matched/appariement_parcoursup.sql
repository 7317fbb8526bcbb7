-- The Parcoursup matching table: each CODEFORMATIONACCUEIL with its Parcoursup fields, its candidate codes, the
-- certification retained by the cascade, the level (établissement, région académique, national), place and
-- millésime of its figures, the figures themselves (raw, secrecy is applied when published), the coverage and the
-- reasons.
with appariements as (
    select * from matched.appariements where catalogue = 'parcoursup'
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
        formation.capacite,
        case appariement.uai_priorite
            when 1 then 'composante' when 2 then 'affectation' when 3 then 'gestionnaire' when 4 then 'mere'
            when 5 then 'fille'
        end as uai_role,
        appariement.* exclude (catalogue, formation_id, libelle, filiere, est_actif)
    from appariements as appariement
    inner join parcoursup as formation on formation.code_formation_accueil = appariement.formation_id
)

select * from final
order by code_formation_accueil
