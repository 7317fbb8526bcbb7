-- Published statistics by certification (national), statistical secrecy applied (macro secret_statistique).
with stats as (
    select * from secret_statistique('matched.stats_nationales')
),

final as (
    select * from stats
)

select * from final
order by code_certification, filiere, millesime
