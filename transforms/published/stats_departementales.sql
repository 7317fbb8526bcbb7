-- Published statistics by département, statistical secrecy applied (macro secret_statistique).
with stats as (
    select * from secret_statistique('matched.stats_departementales')
),

final as (
    select * from stats
)

select * from final
order by code_departement, code_certification, filiere, millesime
