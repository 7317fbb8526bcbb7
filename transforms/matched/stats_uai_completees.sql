-- computeUAI phases 4–5: a lieu de formation without figures of its own takes those of its formateur row when it
-- has that single formateur in the catalogue, else those of its gestionnaire row when it has that single
-- gestionnaire. The copied row says where its figures come from (uai_donnee, uai_donnee_type).
with lignes as (
    select * from matched.stats_uai
),

relations as (
    select * from matched.relations_catalogue
),

par_lieu as (
    select
        code_certification, uai_formation as uai,
        liste_distincte(uai_formateur) as formateurs,
        liste_distincte(uai_gestionnaire) as gestionnaires
    from relations
    where uai_formation is not null
    group by code_certification, uai_formation
),

depuis_formateurs as (
    select
        source.* replace (
            lieu.uai as scope_code,
            null::varchar as libelle_etablissement,
            'lieu_formation' as uai_type,
            [lieu.uai] as uai_lieu_formation,
            lieu.formateurs as uai_formateur,
            lieu.gestionnaires as uai_gestionnaire
        )
    from lignes as source
    inner join par_lieu as lieu
        on lieu.code_certification = source.code_certification and lieu.formateurs = [source.scope_code]
    where source.scope = 'uai' and source.filiere = 'apprentissage' and source.uai_type = 'formateur'
        and lieu.uai <> source.scope_code
),

phase_4 as (
    select candidat.*
    from depuis_formateurs as candidat
    anti join lignes as ligne
        on ligne.scope = 'uai' and ligne.scope_code = candidat.scope_code
        and ligne.code_certification = candidat.code_certification
        and ligne.filiere = candidat.filiere and ligne.millesime = candidat.millesime
),

apres_phase_4 as (
    select * from lignes
    union all by name
    select * from phase_4
),

depuis_gestionnaires as (
    select
        source.* replace (
            lieu.uai as scope_code,
            null::varchar as libelle_etablissement,
            'lieu_formation' as uai_type,
            [lieu.uai] as uai_lieu_formation,
            lieu.formateurs as uai_formateur,
            lieu.gestionnaires as uai_gestionnaire
        )
    from lignes as source
    inner join par_lieu as lieu
        on lieu.code_certification = source.code_certification and lieu.gestionnaires = [source.scope_code]
    where source.scope = 'uai' and source.filiere = 'apprentissage' and source.uai_type = 'gestionnaire'
        and lieu.uai <> source.scope_code
),

phase_5 as (
    select candidat.*
    from depuis_gestionnaires as candidat
    anti join apres_phase_4 as ligne
        on ligne.scope = 'uai' and ligne.scope_code = candidat.scope_code
        and ligne.code_certification = candidat.code_certification
        and ligne.filiere = candidat.filiere and ligne.millesime = candidat.millesime
),

final as (
    select * from apres_phase_4
    union all by name
    select * from phase_5
)

select * from final
order by scope, scope_code, code_certification, filiere, millesime
