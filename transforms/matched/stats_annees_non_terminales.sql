-- Rows without figures for the years that are not final, wherever their terminal code has a row: a non-final
-- MEFSTAT11 points to its terminal MEF; an année commune of a famille de métiers lists the terminal codes of
-- the famille that have their own figures for that scope × filière × millésime.
with lignes as (
    select * from matched.stats_uai_completees
),

non_terminales as (
    select * from matched.annees_non_terminales
),

terminales as (
    select code_certification as code_non_terminal, type_annee, unnest(certifications_terminales) as code_terminal
    from non_terminales
),

correspondances as (
    select terminale.code_non_terminal, terminale.type_annee, ligne.*
    from terminales as terminale
    inner join lignes as ligne on ligne.code_certification = terminale.code_terminal
    where terminale.type_annee = 'annee_non_terminale' or ligne.donnee_source_type = 'self'
),

regroupees as (
    select
        scope,
        scope_code,
        code_non_terminal as code_certification,
        filiere,
        millesime,
        min(millesime_annee_debut) as millesime_annee_debut,
        min(millesime_annee_fin) as millesime_annee_fin,
        arg_min(producteur, code_certification) as producteur,
        type_annee as donnee_source_type,
        if(type_annee = 'annee_non_terminale', min(code_certification), null) as donnee_source_code_certification,
        list_sort(list_distinct(list(code_certification))) as certifications_terminales,
        arg_min(uai_type, code_certification) as uai_type,
        arg_min(uai_donnee, code_certification) as uai_donnee,
        arg_min(uai_donnee_type, code_certification) as uai_donnee_type,
        arg_min(uai_lieu_formation, code_certification) as uai_lieu_formation,
        arg_min(uai_formateur, code_certification) as uai_formateur,
        arg_min(uai_gestionnaire, code_certification) as uai_gestionnaire
    from correspondances
    group by scope, scope_code, code_non_terminal, filiere, millesime, type_annee
),

final as (
    select regroupee.*
    from regroupees as regroupee
    anti join lignes as ligne
        on ligne.scope = regroupee.scope and ligne.scope_code = regroupee.scope_code
        and ligne.code_certification = regroupee.code_certification
        and ligne.filiere = regroupee.filiere and ligne.millesime = regroupee.millesime
)

select * from final
order by scope, scope_code, code_certification, filiere, millesime
