-- Statistics by académie with its region, raw values (no secrecy applied).
with stats as (
    select * from matched.stats_toutes_echelles
),

academies as (
    select * from staging.stg_reference__academies
),

final as (
    select
        stat.scope_code as code_academie,
        academie.libelle_academie,
        academie.code_region,
        academie.libelle_region,
        academie.code_region_academique,
        stat.code_certification,
        stat.filiere,
        stat.millesime,
        stat.* exclude (
            scope, scope_code, code_certification, filiere, millesime, libelle_etablissement, uai_type, uai_donnee,
            uai_donnee_type, uai_lieu_formation, uai_formateur, uai_gestionnaire
        )
    from stats as stat
    left join academies as academie on academie.code_academie = stat.scope_code
    where stat.scope = 'academie'
)

select * from final
order by code_academie, code_certification, filiere, millesime
