-- Coverage of each catalogue by the statistics: formations per matching method, coverage and reason, with
-- their share of the catalogue (percent, one decimal, half-to-even).
with appariements as (
    select * from matched.appariements
),

comptes as (
    select
        catalogue,
        coalesce(methode, 'aucune') as methode,
        couverture,
        raison_non_couverture,
        count(*) as nb_formations
    from appariements
    group by all
),

final as (
    select
        *,
        round_even(100 * nb_formations::double / sum(nb_formations) over (partition by catalogue), 1)
            as part_catalogue
    from comptes
)

select * from final
order by catalogue, methode, couverture, raison_non_couverture
