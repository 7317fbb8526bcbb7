-- Catalogue relations (matched.relations_catalogue) grouped per certification code and UAI in one role (`role`:
-- lieu_formation, formateur or gestionnaire), with the sorted distinct lieux, formateurs and gestionnaires that UAI
-- appears with in that role.
create or replace macro relations_par_uai(tbl, role) as table
with relations as (
    select
        *,
        case role
            when 'lieu_formation' then uai_formation
            when 'formateur' then uai_formateur
            when 'gestionnaire' then uai_gestionnaire
        end as uai
    from query_table(tbl)
),

final as (
    select
        code_certification,
        uai,
        liste_distincte(uai_formation) as lieux,
        liste_distincte(uai_formateur) as formateurs,
        liste_distincte(uai_gestionnaire) as gestionnaires
    from relations
    where uai is not null
    group by code_certification, uai
)

select * from final
