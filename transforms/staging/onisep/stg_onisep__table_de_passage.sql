with source as (
    select *
    from raw.onisep__table_de_passage
    where millesime = (select max(millesime) from raw.onisep__table_de_passage)
),

renomme as (
    select
        certifinfo_normalise(certif_info_ci_identifiant) as code_certifinfo,
        ideo_normalise(ideo_identifiant_formation) as code_ideo,
        rncp_normalise(ci_code_rncp) as code_rncp,
        code_au_format(ci_code_scolarite, 8) as code_formation_diplome,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select *
    from renomme
    where code_certifinfo is not null and code_ideo is not null
    qualify row_number() over (partition by code_certifinfo, code_ideo order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by code_certifinfo, code_ideo
