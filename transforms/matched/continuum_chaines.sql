-- Closure of the 1:1 continuum links (merges and splits ignored): every (older, newer) pair joined by a chain of
-- links where the older code has exactly one nouveau and the newer exactly one ancien, both known to the BCN,
-- with the number of steps.
with liens as (
    select * from matched.continuum_liens
),

liens_1_1 as (
    select code_ancien, code_nouveau, type_code
    from liens
    where est_1_1 and est_connu
),

chaines as (
    with recursive marche (code_ancien, code_nouveau, type_code, distance) as (
        select code_ancien, code_nouveau, type_code, 1 from liens_1_1
        union all
        select marche.code_ancien, lien.code_nouveau, marche.type_code, marche.distance + 1
        from marche
        inner join liens_1_1 as lien on lien.code_ancien = marche.code_nouveau
        -- 1:1 links form simple paths; the bound only guards against a cycle in the source data.
        where marche.distance < 50 and lien.code_nouveau <> marche.code_ancien
    )

    select * from marche
),

final as (
    select code_ancien, code_nouveau, type_code, min(distance) as distance
    from chaines
    group by code_ancien, code_nouveau, type_code
)

select * from final
order by code_ancien, code_nouveau
