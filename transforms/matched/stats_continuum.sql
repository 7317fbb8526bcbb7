-- Producer rows plus the rows derived along 1:1 continuum chains (merges and splits ignored), at every grain:
-- a code without its own figures for a scope × filière × millésime takes those of the most recent newer code of
-- its chain that has them (donnee_source_type 'nouvelle'), else of the nearest older one ('ancienne').
-- Supérieur rows have no continuum.
with sources as (
    select * from matched.stats_sources
),

chaines as (
    select * from matched.continuum_chaines
),

propres as (
    select *, 'self' as donnee_source_type, code_certification as donnee_source_code_certification
    from sources
),

candidats as (
    select
        propre.* replace (chaine.code_nouveau as code_certification, 'ancienne' as donnee_source_type),
        2 as priorite,
        chaine.distance as rang
    from propres as propre
    inner join chaines as chaine on chaine.code_ancien = propre.code_certification
    where propre.filiere <> 'superieur'
    union all
    select
        propre.* replace (chaine.code_ancien as code_certification, 'nouvelle' as donnee_source_type),
        1 as priorite,
        -chaine.distance as rang
    from propres as propre
    inner join chaines as chaine on chaine.code_nouveau = propre.code_certification
    where propre.filiere <> 'superieur'
),

derives as (
    select candidat.* exclude (priorite, rang)
    from candidats as candidat
    anti join propres as propre
        on propre.scope = candidat.scope
        and propre.scope_code = candidat.scope_code
        and propre.code_certification = candidat.code_certification
        and propre.filiere = candidat.filiere
        and propre.millesime = candidat.millesime
    qualify row_number() over (
        partition by candidat.scope, candidat.scope_code, candidat.code_certification, candidat.filiere,
            candidat.millesime
        order by candidat.priorite, candidat.rang, candidat.donnee_source_code_certification
    ) = 1
),

final as (
    select * from propres
    union all
    select * from derives
)

select * from final
order by scope, scope_code, code_certification, filiere, millesime
