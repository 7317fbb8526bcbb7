-- The apprenticeship catalogue's matching table as published: one row per formation (clé ministère éducatif), UAI
-- priorities 1 lieu de formation, 2 formateur, 3 gestionnaire; figures shown only for covered formations (macro
-- appariement_publie).
with appariements as (
    select * from appariement_publie('matched.appariements')
),

final as (
    select formation_id as cle_ministere_educatif, * exclude (catalogue, formation_id)
    from appariements
    where catalogue = 'catalogue_apprentissage'
)

select * from final
order by cle_ministere_educatif
