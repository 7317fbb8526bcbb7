-- Published statistics by académie, statistical secrecy applied (macro secret_statistique).
with stats as (
    select * from secret_statistique('matched.stats_academiques')
),

final as (
    select * from stats
)

select * from final
order by code_academie, code_certification, filiere, millesime
