-- Last year of a millésime: `2020_2021` → 2021; a national `2021` → 2021.
create or replace macro millesime_annee_fin(m) as
    case
        when regexp_full_match(trim(m), '[0-9]{4}[_-][0-9]{4}') then right(trim(m), 4)::integer
        when regexp_full_match(trim(m), '[0-9]{4}') then trim(m)::integer
    end
