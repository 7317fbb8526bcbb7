-- The ONISEP Idéo matching table as published: one row per Idéo formation (code_ideo), figures shown only for
-- covered formations (macro appariement_publie).
with appariements as (
    select * from appariement_publie('matched.appariements')
),

final as (
    select formation_id as code_ideo, * exclude (catalogue, formation_id)
    from appariements
    where catalogue = 'onisep'
)

select * from final
order by code_ideo
