/**
 * The coverage summary `npm start` prints, per catalogue and level of the figures (établissement, région
 * académique, national, none): formations covered, under the threshold and not covered, with their share of the
 * whole catalogue and of its in-scope formations (percent, one decimal).
 */
export const COVERAGE_SUMMARY_SQL = `
with comptes as (
    select catalogue, niveau_donnee, couverture, sum(nb_formations) as n, sum(nb_formations_perimetre) as p
    from published.couverture
    group by catalogue, niveau_donnee, couverture
)
select
    catalogue,
    niveau_donnee as level,
    couverture as coverage,
    n::integer as formations,
    round_even(100 * n / sum(n) over (partition by catalogue), 1) as pct_catalogue,
    round_even(100 * p / nullif(sum(p) over (partition by catalogue), 0), 1) as pct_in_scope
from comptes
order by catalogue, list_position(['etablissement', 'region', 'national', 'aucun'], niveau_donnee), coverage`;
