-- The Parcoursup matching table as published (no figures, so nothing to withhold).
with appariement as (
    select * from matched.appariement_parcoursup
),

final as (
    select * from appariement
)

select * from final
order by code_formation_accueil
