with source as (
    select *
    from raw.quiforme__organismes
    where millesime = (select max(millesime) from raw.quiforme__organismes)
),

renomme as (
    select
        uai_normalise(uai) as uai,
        code_normalise(siret) as siret,
        code_normalise(siren) as siren,
        trim(raison_sociale) as raison_sociale,
        trim(enseigne) as enseigne,
        trim(etat_administratif) as etat_administratif,
        -- The BAN address as QuiForme returns it (JSON text when it is an object).
        adresse,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select *
    from renomme
    where uai is not null
    qualify row_number() over (partition by uai, siret order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by uai, siret
