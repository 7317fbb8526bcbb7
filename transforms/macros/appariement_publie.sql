-- A matched appariement table as published: the figures (every nb_, taux_ and salaire_ column) are shown only for a
-- formation the cascade covers (at least secrecy_threshold pupils in the final year, every 6-month rate present);
-- under the threshold or not covered, all of them are withheld. Internal ranks are dropped. The rates over
-- nb_annee_term are named so (macro taux_sur_annee_term).
create or replace macro appariement_publie(tbl) as table
with publie as ( -- noqa: ST03
    select
        columns(c -> not regexp_matches(c, '^(nb_|taux_|salaire_)') and c not in ('methode_rang', 'a_des_uais')),
        if(couverture = 'couvert', columns(c -> regexp_matches(c, '^(nb_|taux_|salaire_)')), null)
    from query_table(tbl)
)

select * from taux_sur_annee_term('publie')
