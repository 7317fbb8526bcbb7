-- ACCE mother/daughter links from both extracts, each at its latest fetch date: ACCE_UAI_MERE (the found UAI is the
-- daughter) and ACCE_UAI_FILLE (the found UAI is the mother). A link both list counts once.
with meres as (
    select
        numero_uai_trouve as fille,
        numero_uai_mere as mere,
        type_rattachement,
        millesime,
        _raw_key,
        _raw_row
    from raw.acce__uai_mere
    where millesime = (select max(millesime) from raw.acce__uai_mere)
),

filles as (
    select
        numero_uai_fille as fille,
        numero_uai_trouve as mere,
        type_rattachement,
        millesime,
        _raw_key,
        _raw_row
    from raw.acce__uai_fille
    where millesime = (select max(millesime) from raw.acce__uai_fille)
),

renomme as (
    select
        uai_normalise(fille) as uai_fille,
        uai_normalise(mere) as uai_mere,
        code_normalise(type_rattachement) as type_rattachement,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from (
        select * from meres
        union all
        select * from filles
    ) as liens
),

final as (
    select *
    from renomme
    where uai_fille is not null and uai_mere is not null and uai_fille <> uai_mere
    qualify row_number() over (partition by uai_fille, uai_mere order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by uai_fille, uai_mere
