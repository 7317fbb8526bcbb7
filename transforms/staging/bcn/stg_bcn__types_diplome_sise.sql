with source as (
    select *
    from raw.bcn__n_type_diplome_sise
    where millesime = (select max(millesime) from raw.bcn__n_type_diplome_sise)
),

renomme as (
    select
        code_normalise(type_diplome_sise) as type_diplome_sise,
        code_normalise(niveau_interministeriel) as niveau_interministeriel,
        trim(libelle_court) as libelle_court,
        trim(libelle_long) as libelle,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select *
    from renomme
    where type_diplome_sise is not null
    qualify row_number() over (partition by type_diplome_sise order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by type_diplome_sise
