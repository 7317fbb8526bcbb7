-- First year of a millésime: `2020_2021` → 2020; a national `2021` → 2020 (the pair is (YYYY-1, YYYY)).
create or replace macro millesime_annee_debut(m) as
    case
        when regexp_full_match(trim(m), '[0-9]{4}[_-][0-9]{4}') then left(trim(m), 4)::integer
        when regexp_full_match(trim(m), '[0-9]{4}') then trim(m)::integer - 1
    end
