with source as (
    select *
    from raw.catalogue_apprentissage__etablissements
    where millesime = (select max(millesime) from raw.catalogue_apprentissage__etablissements)
),

renomme as (
    select
        code_normalise(siret) as siret,
        uai_normalise(uai) as uai,
        trim(entreprise_raison_sociale) as raison_sociale,
        trim(enseigne) as enseigne,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select *
    from renomme
    where siret is not null
    qualify row_number() over (partition by siret order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by siret
