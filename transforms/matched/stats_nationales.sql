-- National statistics (InserJeunes by filière, InserSup), raw values (no secrecy applied).
with stats as (
    select * from stats_echelle('matched.stats_toutes_echelles', 'france')
),

final as (
    select * exclude (scope_code)
    from stats
)

select * from final
order by code_certification, filiere, millesime
