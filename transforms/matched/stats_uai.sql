-- UAI role of every establishment row (computeUAI phases 1–3). Scolaire: the UAI is the lieu de formation;
-- supérieur: inconnu. Apprentissage, through the catalogue relations of the row's CFD chain: (1) lieu de
-- formation, else formateur, else gestionnaire, else inconnu; (2) a lieu that is its own only formateur, whose
-- other lieux have no figures, holds formateur-level figures; (3) a formateur (or such a lieu) that is its own
-- only gestionnaire, with another formateur lacking figures, holds gestionnaire-level figures.
with lignes as (
    select * from matched.stats_continuum
),

relations as (
    select * from matched.relations_catalogue
),

apprentissage as (
    select * from lignes where scope = 'uai' and filiere = 'apprentissage'
),

par_lieu as (
    select * from relations_par_uai('matched.relations_catalogue', 'lieu_formation')
),

par_formateur as (
    select * from relations_par_uai('matched.relations_catalogue', 'formateur')
),

par_gestionnaire as (
    select * from relations_par_uai('matched.relations_catalogue', 'gestionnaire')
),

base as (
    select
        ligne.*,
        case
            when lieu.uai is not null then 'lieu_formation'
            when formateur.uai is not null then 'formateur'
            when gestionnaire.uai is not null then 'gestionnaire'
            else 'inconnu'
        end as type_base,
        lieu.formateurs = [ligne.scope_code] as lieu_est_son_formateur,
        formateur.gestionnaires = [ligne.scope_code] as formateur_est_son_gestionnaire,
        lieu.formateurs as formateurs_du_lieu, lieu.gestionnaires as gestionnaires_du_lieu,
        formateur.lieux as lieux_du_formateur, formateur.gestionnaires as gestionnaires_du_formateur,
        gestionnaire.lieux as lieux_du_gestionnaire, gestionnaire.formateurs as formateurs_du_gestionnaire
    from apprentissage as ligne
    left join par_lieu as lieu on lieu.code_certification = ligne.code_certification and lieu.uai = ligne.scope_code
    left join par_formateur as formateur
        on formateur.code_certification = ligne.code_certification and formateur.uai = ligne.scope_code
    left join par_gestionnaire as gestionnaire
        on gestionnaire.code_certification = ligne.code_certification and gestionnaire.uai = ligne.scope_code
),

lieux_sans_donnees as (
    -- Phase 2: rows of a lieu that is its own only formateur and whose formateur has another lieu without figures.
    select distinct ligne.scope_code, ligne.code_certification, ligne.filiere, ligne.millesime
    from base as ligne
    inner join relations as relation
        on relation.code_certification = ligne.code_certification and relation.uai_formateur = ligne.scope_code
    where ligne.type_base = 'lieu_formation' and ligne.lieu_est_son_formateur
        and relation.uai_formation <> ligne.scope_code
        and not exists (
            select 1 from apprentissage as autre
            where autre.scope_code = relation.uai_formation and autre.code_certification = ligne.code_certification
                and autre.filiere = ligne.filiere and autre.millesime = ligne.millesime
        )
),

phase_2 as (
    select
        base.*,
        if(sans.scope_code is not null, 'formateur', base.type_base) as type_2
    from base
    left join lieux_sans_donnees as sans
        on sans.scope_code = base.scope_code and sans.code_certification = base.code_certification
        and sans.filiere = base.filiere and sans.millesime = base.millesime
),

formateurs_sans_donnees as (
    -- Phase 3: another formateur of the gestionnaire has no formateur-level row and a lieu without figures.
    select distinct ligne.scope_code, ligne.code_certification, ligne.filiere, ligne.millesime
    from phase_2 as ligne
    inner join relations as relation
        on relation.code_certification = ligne.code_certification and relation.uai_gestionnaire = ligne.scope_code
    where (ligne.type_2 = 'formateur' or (ligne.type_base = 'lieu_formation' and ligne.lieu_est_son_formateur))
        and ligne.formateur_est_son_gestionnaire
        and relation.uai_formateur <> ligne.scope_code
        and relation.uai_formation is not null
        and not exists (
            select 1 from phase_2 as autre
            where autre.scope_code = relation.uai_formateur and autre.code_certification = ligne.code_certification
                and autre.filiere = ligne.filiere and autre.millesime = ligne.millesime and autre.type_2 = 'formateur'
        )
        and not exists (
            select 1 from apprentissage as autre
            where autre.scope_code = relation.uai_formation and autre.code_certification = ligne.code_certification
                and autre.filiere = ligne.filiere and autre.millesime = ligne.millesime
        )
),

phase_3 as (
    select
        phase_2.* exclude (type_base, type_2),
        if(sans.scope_code is not null, 'gestionnaire', phase_2.type_2) as uai_type
    from phase_2
    left join formateurs_sans_donnees as sans
        on sans.scope_code = phase_2.scope_code and sans.code_certification = phase_2.code_certification
        and sans.filiere = phase_2.filiere and sans.millesime = phase_2.millesime
),

apprentissage_types as (
    select
        * exclude (
            lieu_est_son_formateur, formateur_est_son_gestionnaire, formateurs_du_lieu, gestionnaires_du_lieu,
            lieux_du_formateur, gestionnaires_du_formateur, lieux_du_gestionnaire, formateurs_du_gestionnaire
        ),
        scope_code as uai_donnee,
        uai_type as uai_donnee_type,
        case uai_type
            when 'lieu_formation' then [scope_code]
            when 'formateur' then lieux_du_formateur
            when 'gestionnaire' then lieux_du_gestionnaire
            else []::varchar[]
        end as uai_lieu_formation,
        case uai_type
            when 'lieu_formation' then formateurs_du_lieu
            when 'formateur' then [scope_code]
            when 'gestionnaire' then formateurs_du_gestionnaire
            else []::varchar[]
        end as uai_formateur,
        case uai_type
            when 'lieu_formation' then gestionnaires_du_lieu
            when 'formateur' then gestionnaires_du_formateur
            when 'gestionnaire' then [scope_code]
            else []::varchar[]
        end as uai_gestionnaire
    from phase_3
),

autres as (
    select
        *,
        case when scope = 'uai' then if(filiere = 'superieur', 'inconnu', 'lieu_formation') end as uai_type,
        if(scope = 'uai', scope_code, null) as uai_donnee,
        case when scope = 'uai' then if(filiere = 'superieur', 'inconnu', 'lieu_formation') end as uai_donnee_type,
        case when scope = 'uai' then if(filiere = 'superieur', []::varchar[], [scope_code]) end as uai_lieu_formation,
        case when scope = 'uai' then if(filiere = 'superieur', []::varchar[], [scope_code]) end as uai_formateur,
        case when scope = 'uai' then if(filiere = 'superieur', []::varchar[], [scope_code]) end as uai_gestionnaire
    from lignes
    where not (scope = 'uai' and filiere = 'apprentissage')
),

final as (
    select * from autres
    union all by name
    select * from apprentissage_types
)

select * from final
order by scope, scope_code, code_certification, filiere, millesime
