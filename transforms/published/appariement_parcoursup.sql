-- The Parcoursup matching table as published: figures shown only for covered formations (macro appariement_publie).
with appariement as (
    select * from appariement_publie('matched.appariement_parcoursup')
),

final as (
    select * from appariement
)

select * from final
order by code_formation_accueil
