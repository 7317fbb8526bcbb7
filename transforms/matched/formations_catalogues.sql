-- The formations of the catalogues matched to certifications, in one shape: Parcoursup (one per
-- CODEFORMATIONACCUEIL), ONISEP Idéo formations and the apprenticeship catalogue; their filière, their UAIs in
-- priority order and the candidate codes each matching method starts from.
with parcoursup as (
    select * from staging.stg_parcoursup__formations
),

onisep as (
    select * from staging.stg_onisep__formations
),

catalogue as (
    select * from staging.stg_catalogue_apprentissage__formations
),

depuis_parcoursup as (
    select
        'parcoursup' as catalogue,
        code_formation_accueil as formation_id,
        concat_ws(' - ', libelle_formation, libelle_specialite) as libelle,
        case
            -- The supérieur perimeter: licences, masters… keyed by SISE.
            when code_formation in ('89000', '89100', '89200') then 'superieur'
            when try_cast(code_formation as integer) between 3001 and 3013 then 'superieur'
            when code_sise is not null and code_cfd is null and code_mef is null then 'superieur'
            else coalesce(voie, 'pro')
        end as filiere,
        uai_composante as uai_1,
        uai_affectation as uai_2,
        uai_gestionnaire as uai_3,
        list_filter([code_mef], c -> c is not null) as codes_mef,
        code_cfd,
        code_sise,
        codes_rncp,
        codes_ideo,
        list_filter([id_rco], c -> c is not null) as ids_rco,
        est_parametree as est_actif
    from parcoursup
),

depuis_onisep as (
    select
        'onisep' as catalogue,
        code_ideo as formation_id,
        libelle,
        case
            when regexp_matches(
                lower(strip_accents(coalesce(libelle_type_formation, ''))),
                '^(licence|master|bachelor universitaire|diplome universitaire de technologie)'
            ) then 'superieur'
            else 'pro'
        end as filiere,
        null::varchar as uai_1,
        null::varchar as uai_2,
        null::varchar as uai_3,
        []::varchar[] as codes_mef,
        null::varchar as code_cfd,
        null::varchar as code_sise,
        list_filter([code_rncp], c -> c is not null) as codes_rncp,
        [code_ideo] as codes_ideo,
        []::varchar[] as ids_rco,
        true as est_actif
    from onisep
),

depuis_catalogue as (
    select
        'catalogue_apprentissage' as catalogue,
        cle_ministere_educatif as formation_id,
        intitule_long as libelle,
        'apprentissage' as filiere,
        uai_formation as uai_1,
        uai_formateur as uai_2,
        uai_gestionnaire as uai_3,
        mefs_10 as codes_mef,
        code_formation_diplome as code_cfd,
        null::varchar as code_sise,
        list_filter([code_rncp], c -> c is not null) as codes_rncp,
        []::varchar[] as codes_ideo,
        []::varchar[] as ids_rco,
        est_publie as est_actif
    from catalogue
),

final as (
    select * from depuis_parcoursup
    union all
    select * from depuis_onisep
    union all
    select * from depuis_catalogue
)

select * from final
order by catalogue, formation_id
