-- A matched appariement table as published: the figures (every nb_, taux_ and salaire_ column) are shown only for a
-- formation the cascade covers (at least secrecy_threshold pupils in the final year, every 6-month rate present);
-- under the threshold or not covered, all of them are withheld. Internal ranks are dropped.
create or replace macro appariement_publie(tbl) as table
select
    columns(c -> not regexp_matches(c, '^(nb_|taux_|salaire_)') and c not in ('methode_rang', 'a_des_uais')),
    if(couverture = 'couvert', columns(c -> regexp_matches(c, '^(nb_|taux_|salaire_)')), null)
from query_table(tbl)
