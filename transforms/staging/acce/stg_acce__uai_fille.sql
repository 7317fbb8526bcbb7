-- The ACCE_UAI_FILLE extract read as links in the same direction as stg_acce__uai_mere: the found UAI is the mother,
-- each listed UAI one of its daughters.
with source as (
    select *
    from raw.acce__uai_fille
    where millesime = (select max(millesime) from raw.acce__uai_fille)
),

renomme as (
    select
        uai_normalise(numero_uai_fille) as uai_fille,
        uai_normalise(numero_uai_trouve) as uai_mere,
        code_normalise(type_rattachement) as type_rattachement,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select *
    from renomme
    where uai_fille is not null and uai_mere is not null and uai_fille <> uai_mere
    qualify row_number() over (partition by uai_fille, uai_mere order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by uai_fille, uai_mere
