with source as (
    select *
    from raw.acce__etablissements
    where millesime = (select max(millesime) from raw.acce__etablissements)
),

renomme as (
    select
        uai_normalise(numero_uai) as uai,
        code_normalise(nature_uai) as nature_uai,
        trim(nature_uai_libe) as nature_uai_libelle,
        code_normalise(type_uai) as type_uai,
        code_normalise(etat_etablissement) as etat_etablissement,
        code_normalise(secteur_public_prive) as secteur_public_prive,
        trim(denomination_principale) as denomination_principale,
        trim(appellation_officielle) as appellation_officielle,
        code_normalise(commune) as code_commune,
        trim(commune_libe) as libelle_commune,
        -- ACCE writes départements on 3 characters (`001`, `02A`, `971`); INSEE uses `01`, `2A`, `971`.
        case
            when regexp_full_match(code_normalise(departement_insee_3), '0[0-9][0-9AB]')
                then substr(code_normalise(departement_insee_3), 2)
            else code_normalise(departement_insee_3)
        end as code_departement,
        trim(departement_insee_3_libe) as libelle_departement,
        lpad(code_normalise(academie), 2, '0') as code_academie,
        trim(academie_libe) as libelle_academie,
        trim(pays_libe) as pays,
        code_normalise(code_postal_uai) as code_postal,
        code_normalise(numero_siren_siret_uai) as siret,
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
    where uai is not null
    qualify row_number() over (partition by uai order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by uai
