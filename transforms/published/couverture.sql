-- Coverage of each catalogue by the statistics, per level of the figures (établissement, région académique,
-- national; aucun when not covered), filière, matching method, coverage and reason: the number of formations, of
-- in-scope formations, and their shares (percent, one decimal, half-to-even) of the whole catalogue and of its
-- in-scope formations.
with appariements as (
    select * from matched.appariements
),

comptes as (
    select
        catalogue,
        coalesce(niveau_donnee, 'aucun') as niveau_donnee,
        filiere,
        coalesce(methode, 'aucune') as methode,
        couverture,
        raison_non_couverture,
        count(*) as nb_formations,
        count(*) filter (where est_dans_perimetre) as nb_formations_perimetre
    from appariements
    group by catalogue, niveau_donnee, filiere, methode, couverture, raison_non_couverture
),

totaux as (
    select
        *,
        sum(nb_formations) over (partition by catalogue) as nb_catalogue,
        sum(nb_formations_perimetre) over (partition by catalogue) as nb_perimetre
    from comptes
),

final as (
    select
        catalogue,
        niveau_donnee,
        filiere,
        methode,
        couverture,
        raison_non_couverture,
        nb_formations,
        nb_formations_perimetre,
        round_even(100 * nb_formations::double / nb_catalogue, 1) as part_catalogue,
        if(nb_perimetre = 0, null, round_even(100 * nb_formations_perimetre::double / nb_perimetre, 1))
            as part_perimetre
    from totaux
)

select * from final
order by catalogue, niveau_donnee, filiere, methode, couverture, raison_non_couverture
