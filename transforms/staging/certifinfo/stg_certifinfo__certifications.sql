with source as (
    select *
    from raw.certifinfo__certifications
    where millesime = (select max(millesime) from raw.certifinfo__certifications)
),

renomme as (
    select
        certifinfo_normalise(code_diplome) as code_certifinfo,
        trim(libelle_diplome) as libelle,
        trim(libelle_type_diplome) as libelle_type_diplome,
        rncp_normalise(code_rncp) as code_rncp,
        code_au_format(code_scolarite, 8) as code_formation_diplome,
        ideo_normalise(codeideo2) as code_ideo,
        trim(certificateur) as certificateur,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    -- The extract repeats a certification once per Idéo formation: one row per code, Idéo ids as a list.
    select
        code_certifinfo,
        arg_min(libelle, (_raw_key, _raw_row)) as libelle,
        arg_min(libelle_type_diplome, (_raw_key, _raw_row)) as libelle_type_diplome,
        arg_min(code_rncp, (_raw_key, _raw_row)) filter (where code_rncp is not null) as code_rncp,
        arg_min(code_formation_diplome, (_raw_key, _raw_row)) filter (where code_formation_diplome is not null)
            as code_formation_diplome,
        liste_distincte(code_ideo) as codes_ideo,
        arg_min(certificateur, (_raw_key, _raw_row)) as certificateur,
        max(millesime) as millesime,
        min(_raw_key) as _raw_key,
        min(_raw_row) as _raw_row
    from renomme
    where code_certifinfo is not null
    group by code_certifinfo
)

select * from final
order by code_certifinfo
