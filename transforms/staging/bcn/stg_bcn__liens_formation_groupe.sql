with source as (
    select *
    from raw.bcn__n_lien_formation_groupe
    where millesime = (select max(millesime) from raw.bcn__n_lien_formation_groupe)
),

renomme as (
    select
        code_normalise(groupe_formation) as groupe_formation,
        code_au_format(formation_diplome, 8) as code_formation_diplome,
        date_parse(date_fermeture) as date_fermeture,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select *
    from renomme
    where groupe_formation is not null and code_formation_diplome is not null
    qualify row_number() over (
        partition by groupe_formation, code_formation_diplome order by _raw_key desc, _raw_row desc
    ) = 1
)

select * from final
order by groupe_formation, code_formation_diplome
