-- Statistics by establishment (InserJeunes per UAI, InserSup per UAI, continuum and catalogue-derived rows)
-- with the establishment's geography and UAI roles, raw values (no secrecy applied).
with stats as (
    select * from matched.stats_toutes_echelles
),

etablissements as (
    select * from matched.etablissements
),

final as (
    select
        stat.scope_code as uai,
        stat.code_certification,
        stat.filiere,
        stat.millesime,
        coalesce(etablissement.libelle, stat.libelle_etablissement) as libelle_etablissement,
        etablissement.code_commune,
        etablissement.code_departement,
        etablissement.code_academie,
        etablissement.code_region,
        etablissement.code_region_academique,
        stat.uai_type,
        stat.uai_donnee,
        stat.uai_donnee_type,
        stat.uai_lieu_formation,
        stat.uai_formateur,
        stat.uai_gestionnaire,
        stat.* exclude (
            scope, scope_code, code_certification, filiere, millesime, libelle_etablissement, uai_type, uai_donnee,
            uai_donnee_type, uai_lieu_formation, uai_formateur, uai_gestionnaire
        )
    from stats as stat
    left join etablissements as etablissement on etablissement.uai = stat.scope_code
    where stat.scope = 'uai'
)

select * from final
order by uai, code_certification, filiere, millesime
