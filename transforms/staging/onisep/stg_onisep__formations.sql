with source as (
    select *
    from raw.onisep__formations_initiales
    where millesime = (select max(millesime) from raw.onisep__formations_initiales)
),

renomme as (
    select
        -- The 2022 layout links to onisep.fr (`lien site onisep.fr`), the current one gives `url et ID Onisep`.
        ideo_normalise(coalesce(url_et_id_onisep, lien_site_onisep_fr)) as code_ideo,
        trim(libelle_formation_principal) as libelle,
        -- The current layout's `code scolarité` is the formation's CFD, where it has one (none in the 2022 layout).
        code_au_format(code_scolarite, 8) as code_formation_diplome,
        trim(libelle_type_formation) as libelle_type_formation,
        rncp_normalise(code_rncp) as code_rncp,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select *
    from renomme
    where code_ideo is not null
    qualify row_number() over (partition by code_ideo order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by code_ideo
