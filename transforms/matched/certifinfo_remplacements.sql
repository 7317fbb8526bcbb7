-- Certif Info replacement chains followed to their end in both directions: for every Certif Info code, each code
-- reachable through "remplacé par" links (sens nouveau: older → newer) or "remplace" links (sens ancien:
-- newer → older), with the number of hops and the path. Links are symmetrised (a code listed as another's nouveau
-- is that one's ancien); a path never visits a code twice, so cycles in the source end the walk.
with api as (
    select * from staging.stg_certifinfo_api__certifications
),

liens_declares as (
    select code_certifinfo as depuis, unnest(codes_certifinfo_nouveaux) as vers, 'nouveau' as sens from api
    union
    select code_certifinfo, unnest(codes_certifinfo_anciens), 'ancien' from api
),

liens as (
    select depuis, vers, sens from liens_declares
    union
    select vers, depuis, if(sens = 'nouveau', 'ancien', 'nouveau') from liens_declares
),

liens_utiles as (
    select * from liens where depuis <> vers
),

chaines as (
    with recursive marche (code_certifinfo, code_remplacant, sens, distance, chemin) as (
        select depuis, vers, sens, 1, [depuis, vers] from liens_utiles
        union all
        select
            marche.code_certifinfo, lien.vers, marche.sens, marche.distance + 1, list_append(marche.chemin, lien.vers)
        from marche
        inner join liens_utiles as lien on lien.depuis = marche.code_remplacant and lien.sens = marche.sens
        where not list_contains(marche.chemin, lien.vers) and marche.distance < 50
    )

    select * from marche
),

final as (
    -- The shortest path to each code reached (several paths of one length: the first in code order).
    select code_certifinfo, code_remplacant, sens, distance, chemin
    from chaines
    qualify row_number() over (partition by code_certifinfo, code_remplacant, sens order by distance, chemin) = 1
)

select * from final
order by code_certifinfo, sens, distance, code_remplacant
