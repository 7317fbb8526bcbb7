with source as (
    select *
    from raw.bcn__n_niveau_formation_diplome
    where millesime = (select max(millesime) from raw.bcn__n_niveau_formation_diplome)
),

renomme as (
    select
        code_normalise(niveau_formation_diplome) as niveau_formation_diplome,
        code_normalise(niveau_interministeriel) as niveau_interministeriel,
        trim(libelle_court) as libelle_court,
        trim(libelle_100) as libelle,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select *
    from renomme
    where niveau_formation_diplome is not null
    qualify row_number() over (partition by niveau_formation_diplome order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by niveau_formation_diplome
