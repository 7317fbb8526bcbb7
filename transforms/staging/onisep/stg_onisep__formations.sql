with source as (
    select *
    from raw.onisep__formations_initiales
    where millesime = (select max(millesime) from raw.onisep__formations_initiales)
),

renomme as (
    select
        ideo_normalise(lien_site_onisep_fr) as code_ideo,
        trim(libelle_formation_principal) as libelle,
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
