-- Statistics by académie with its region, raw values (no secrecy applied).
with stats as (
    select * from stats_echelle('matched.stats_toutes_echelles', 'academie')
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
        stat.* exclude (scope_code)
    from stats as stat
    left join academies as academie on academie.code_academie = stat.scope_code
)

select * from final
order by code_academie, code_certification, filiere, millesime
