-- Published statistics by establishment, statistical secrecy applied (macro secret_statistique).
with stats as (
    select * from secret_statistique('matched.stats_etablissements')
),

final as (
    select * from stats
)

select * from final
order by uai, code_certification, filiere, millesime
