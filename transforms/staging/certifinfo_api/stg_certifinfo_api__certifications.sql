with source as (
    select *
    from raw.certifinfo_api__certifications
    where millesime = (select max(millesime) from raw.certifinfo_api__certifications)
),

renomme as (
    select
        certifinfo_normalise(code_certifinfo) as code_certifinfo,
        rncp_normalise(code_rncp) as code_rncp,
        code_au_format(code_scolarite, 8) as code_formation_diplome,
        code_au_format(code_sise, 7) as code_sise,
        certifinfo_normalise(code_certifinfo_ancien) as code_certifinfo_ancien,
        certifinfo_normalise(code_certifinfo_nouveau) as code_certifinfo_nouveau,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select
        code_certifinfo,
        liste_distincte(code_rncp) as codes_rncp,
        liste_distincte(code_formation_diplome) as codes_formation_diplome,
        liste_distincte(code_sise) as codes_sise,
        liste_distincte(code_certifinfo_ancien) as codes_certifinfo_anciens,
        liste_distincte(code_certifinfo_nouveau) as codes_certifinfo_nouveaux,
        max(millesime) as millesime,
        min(_raw_key) as _raw_key,
        min(_raw_row) as _raw_row
    from renomme
    where code_certifinfo is not null
    group by code_certifinfo
)

select * from final
order by code_certifinfo
