-- Statistics by département, with the académie and region most of the département's establishments belong to,
-- raw values (no secrecy applied).
with stats as (
    select * from stats_echelle('matched.stats_toutes_echelles', 'departement')
),

etablissements as (
    select * from matched.etablissements
),

comptes as (
    select
        code_departement, libelle_departement, code_academie, libelle_academie, code_region, libelle_region,
        count(*) as nb_etablissements
    from etablissements
    where code_departement is not null
    group by code_departement, libelle_departement, code_academie, libelle_academie, code_region, libelle_region
),

departements as (
    select * exclude (nb_etablissements)
    from comptes
    qualify row_number() over (
        partition by code_departement order by nb_etablissements desc, code_academie, libelle_departement
    ) = 1
),

final as (
    select
        stat.scope_code as code_departement,
        departement.libelle_departement,
        departement.code_academie,
        departement.libelle_academie,
        departement.code_region,
        departement.libelle_region,
        stat.* exclude (scope_code)
    from stats as stat
    left join departements as departement on departement.code_departement = stat.scope_code
)

select * from final
order by code_departement, code_certification, filiere, millesime
