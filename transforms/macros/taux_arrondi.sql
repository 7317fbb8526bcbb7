-- A published rate rounded to a whole percent, half-to-even.
create or replace macro taux_arrondi(x) as
    round_even(x::double, 0)::integer
