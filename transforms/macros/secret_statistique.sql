-- A matched statistics table as published: with fewer than secrecy_threshold pupils in the final year
-- (nb_annee_term), or when nb_annee_term is unknown (nothing says the cohort is large enough), every count but
-- nb_annee_term, every rate and every salary is withheld and raison_masquage says why (matched keeps the values);
-- mesures_inconnues is dropped; the rates over nb_annee_term are named so (macro taux_sur_annee_term).
create or replace macro secret_statistique(tbl) as table
with stats as (
    select * from query_table(tbl)
),

masquage as (
    select
        * exclude (mesures_inconnues),
        coalesce(nb_annee_term < getvariable('secrecy_threshold'), true) as est_masque
    from stats
),

final as ( -- noqa: ST03
    select
        columns(c -> not regexp_matches(c, '^(nb_|taux_|salaire_)') and c <> 'est_masque'),
        nb_annee_term,
        if(est_masque, null, columns(c -> regexp_matches(c, '^(nb_|taux_|salaire_)') and c <> 'nb_annee_term')),
        case
            when nb_annee_term is null then 'effectif en annee terminale inconnu'
            when est_masque
                then 'moins de ' || getvariable('secrecy_threshold')::varchar || ' eleves en annee terminale'
        end as raison_masquage
    from masquage
)

select * from taux_sur_annee_term('final')
