-- Statistics by département, with the académie and region most of the département's establishments belong to,
-- raw values (no secrecy applied).
with stats as (
    select * from matched.stats_toutes_echelles
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
        stat.code_certification,
        stat.filiere,
        stat.millesime,
        stat.* exclude (
            scope, scope_code, code_certification, filiere, millesime, libelle_etablissement, uai_type, uai_donnee,
            uai_donnee_type, uai_lieu_formation, uai_formateur, uai_gestionnaire
        )
    from stats as stat
    left join departements as departement on departement.code_departement = stat.scope_code
    where stat.scope = 'departement'
)

select * from final
order by code_departement, code_certification, filiere, millesime
