-- UAI relations of the apprenticeship catalogue per certification code: each formation's (lieu de formation,
-- formateur, gestionnaire) triple, attached to its CFD and to every CFD of that CFD's 1:1 continuum chain.
with formations as (
    select * from staging.stg_catalogue_apprentissage__formations
),

chaines as (
    select * from matched.continuum_chaines
),

cfd_lies as (
    select distinct code_formation_diplome as cfd, code_formation_diplome as code_certification
    from formations
    where code_formation_diplome is not null
),

codes as (
    select cfd, code_certification from cfd_lies
    union
    select lie.cfd, chaine.code_nouveau
    from cfd_lies as lie
    inner join chaines as chaine on chaine.code_ancien = lie.cfd and chaine.type_code = 'cfd'
    union
    select lie.cfd, chaine.code_ancien
    from cfd_lies as lie
    inner join chaines as chaine on chaine.code_nouveau = lie.cfd and chaine.type_code = 'cfd'
),

final as (
    select distinct
        code.code_certification,
        formation.uai_formation,
        formation.uai_formateur,
        formation.uai_gestionnaire
    from codes as code
    inner join formations as formation on formation.code_formation_diplome = code.cfd
    where coalesce(formation.uai_formation, formation.uai_formateur, formation.uai_gestionnaire) is not null
)

select * from final
order by code_certification, uai_formation, uai_formateur, uai_gestionnaire
