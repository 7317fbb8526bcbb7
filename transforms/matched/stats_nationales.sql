-- National statistics (InserJeunes by filière, InserSup), raw values (no secrecy applied).
with stats as (
    select * from matched.stats_toutes_echelles
),

final as (
    select
        code_certification,
        filiere,
        millesime,
        * exclude (
            scope, scope_code, code_certification, filiere, millesime, libelle_etablissement, uai_type, uai_donnee,
            uai_donnee_type, uai_lieu_formation, uai_formateur, uai_gestionnaire
        )
    from stats
    where scope = 'france'
)

select * from final
order by code_certification, filiere, millesime
