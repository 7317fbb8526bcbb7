-- Old diploma level (first character of a CFD: 5 CAP, 4 bac, 3 bac+2, 2 licence, 1 master, 0 MC) → the
-- interministerial level of the 2019 nomenclature (3, 4, 5, 6, 7, 0); anything else → null.
create or replace macro niveau_formation_nouveau(ancien) as
    case trim(ancien)
        when '5' then '3' when '4' then '4' when '3' then '5' when '2' then '6' when '1' then '7' when '0' then '0'
    end
