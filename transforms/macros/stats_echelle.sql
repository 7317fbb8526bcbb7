-- The rows of one scale (`scope`: france, region, academie, departement) of a statistics table with every scale
-- (matched.stats_toutes_echelles): scope_code, the key, then the measures; establishment columns (label, UAI roles)
-- are left out.
create or replace macro stats_echelle(tbl, echelle) as table
select
    scope_code,
    code_certification,
    filiere,
    millesime,
    * exclude (
        scope, scope_code, code_certification, filiere, millesime, libelle_etablissement, uai_type, uai_donnee,
        uai_donnee_type, uai_lieu_formation, uai_formateur, uai_gestionnaire
    )
from query_table(tbl)
where scope = echelle
