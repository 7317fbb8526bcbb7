with source as (
    select *
    from raw.catalogue_apprentissage__formations
    where millesime = (select max(millesime) from raw.catalogue_apprentissage__formations)
),

renomme as (
    select
        trim(cle_ministere_educatif) as cle_ministere_educatif,
        nullif(trim(id_formation), '') as id_formation,
        nullif(trim(id_rco), '') as id_rco,
        code_au_format(cfd, 8) as code_formation_diplome,
        rncp_normalise(rncp_code) as code_rncp,
        trim(intitule_long) as intitule_long,
        uai_normalise(uai_formation) as uai_formation,
        uai_normalise(etablissement_formateur_uai) as uai_formateur,
        uai_normalise(etablissement_gestionnaire_uai) as uai_gestionnaire,
        -- bcn_mefs_10 is the JSON text of [{"mef10": "…", "modalite": {…}}].
        case
            when json_valid(bcn_mefs_10) then list_sort(list_distinct(list_filter(
                list_transform(from_json(bcn_mefs_10, '[{"mef10": "VARCHAR"}]'), m -> code_au_format(m.mef10, 10)),
                m -> m is not null
            )))
            else []::varchar[]
        end as mefs_10,
        lower(trim(published)) = 'true' or lower(trim(catalogue_published)) = 'true' as est_publie,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select *
    from renomme
    where cle_ministere_educatif is not null and cle_ministere_educatif <> ''
    qualify row_number() over (partition by cle_ministere_educatif order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by cle_ministere_educatif
