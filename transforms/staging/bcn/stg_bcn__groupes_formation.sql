with source as (
    select *
    from raw.bcn__n_groupe_formation
    where millesime = (select max(millesime) from raw.bcn__n_groupe_formation)
),

renomme as (
    select
        code_normalise(groupe_formation) as groupe_formation,
        code_normalise(type_groupe_formation) as type_groupe_formation,
        coalesce(nullif(trim(libelle_edition), ''), trim(libelle_long)) as libelle,
        code_normalise(type_groupe_formation) = 'TG01' as est_famille_metiers,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select *
    from renomme
    where groupe_formation is not null
    qualify row_number() over (partition by groupe_formation order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by groupe_formation
