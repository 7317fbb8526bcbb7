-- The establishment référentiel as published.
with etablissements as (
    select * from matched.etablissements
),

final as (
    select * from etablissements
)

select * from final
order by uai
