-- Regional statistics (InserJeunes by région académique) with the INSEE region, raw values (no secrecy applied).
with stats as (
    select * from matched.stats_toutes_echelles
),

academies as (
    select * from staging.stg_reference__academies
),

regions as (
    select distinct code_region_academique, code_region, libelle_region
    from academies
    where code_region is not null
),

final as (
    select
        stat.scope_code as code_region_academique,
        region.code_region,
        region.libelle_region,
        stat.code_certification,
        stat.filiere,
        stat.millesime,
        stat.* exclude (
            scope, scope_code, code_certification, filiere, millesime, libelle_etablissement, uai_type, uai_donnee,
            uai_donnee_type, uai_lieu_formation, uai_formateur, uai_gestionnaire
        )
    from stats as stat
    left join regions as region on region.code_region_academique = stat.scope_code
    where stat.scope = 'region'
)

select * from final
order by code_region_academique, code_certification, filiere, millesime
