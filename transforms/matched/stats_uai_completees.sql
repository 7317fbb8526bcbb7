-- computeUAI phases 4–5: a lieu de formation without figures of its own takes those of its formateur row when it
-- has that single formateur in the catalogue, else those of its gestionnaire row when it has that single
-- gestionnaire. The copied row says where its figures come from (uai_donnee, uai_donnee_type).
with lignes as (
    select * from matched.stats_uai
),

par_lieu as (
    select * from relations_par_uai('matched.relations_catalogue', 'lieu_formation')
),

candidats as (
    -- A formateur's (phase 4) or gestionnaire's (phase 5) row, copied to each other lieu whose single one it is.
    select
        source.* replace (
            lieu.uai as scope_code,
            null::varchar as libelle_etablissement,
            'lieu_formation' as uai_type,
            [lieu.uai] as uai_lieu_formation,
            lieu.formateurs as uai_formateur,
            lieu.gestionnaires as uai_gestionnaire
        ),
        source.uai_type = 'formateur' as depuis_formateur
    from lignes as source
    inner join par_lieu as lieu
        on lieu.code_certification = source.code_certification
        and [source.scope_code] = if(source.uai_type = 'formateur', lieu.formateurs, lieu.gestionnaires)
    where source.scope = 'uai' and source.filiere = 'apprentissage'
        and source.uai_type in ('formateur', 'gestionnaire')
        and lieu.uai <> source.scope_code
),

copies as (
    -- Only lieux without a row of their own; a lieu with both copies takes its formateur's (phase 4 before 5).
    select candidat.* exclude (depuis_formateur)
    from candidats as candidat
    anti join lignes as ligne
        on ligne.scope = 'uai' and ligne.scope_code = candidat.scope_code
        and ligne.code_certification = candidat.code_certification
        and ligne.filiere = candidat.filiere and ligne.millesime = candidat.millesime
    qualify rank() over (
        partition by candidat.scope_code, candidat.code_certification, candidat.filiere, candidat.millesime
        order by candidat.depuis_formateur desc
    ) = 1
),

final as (
    select * from lignes
    union all by name
    select * from copies
)

select * from final
order by scope, scope_code, code_certification, filiere, millesime
