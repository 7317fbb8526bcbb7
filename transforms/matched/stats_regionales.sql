-- Regional statistics (InserJeunes by région académique) with the INSEE region, raw values (no secrecy applied).
with stats as (
    select * from stats_echelle('matched.stats_toutes_echelles', 'region')
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
        stat.* exclude (scope_code)
    from stats as stat
    left join regions as region on region.code_region_academique = stat.scope_code
)

select * from final
order by code_region_academique, code_certification, filiere, millesime
