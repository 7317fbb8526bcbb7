-- Published statistics by région académique, statistical secrecy applied (macro secret_statistique).
with stats as (
    select * from secret_statistique('matched.stats_regionales')
),

final as (
    select * from stats
)

select * from final
order by code_region_academique, code_certification, filiere, millesime
