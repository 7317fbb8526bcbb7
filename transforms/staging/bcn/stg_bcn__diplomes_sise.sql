with source as (
    select *
    from raw.bcn__n_diplome_sise
    where millesime = (select max(millesime) from raw.bcn__n_diplome_sise)
),

renomme as (
    select
        code_au_format(diplome_sise, 7) as diplome_sise,
        code_normalise(type_diplome_sise) as type_diplome_sise,
        trim(concat_ws(' ', trim(libelle_intitule_1), nullif(trim(libelle_intitule_2), ''))) as libelle,
        date_parse(date_ouverture) as date_ouverture,
        date_parse(date_fermeture) as date_fermeture,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select *
    from renomme
    where diplome_sise is not null
    qualify row_number() over (partition by diplome_sise order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by diplome_sise
