with source as (
    select *
    from raw.bcn__n_mef
    where millesime = (select max(millesime) from raw.bcn__n_mef)
),

renomme as (
    select
        code_au_format(mef, 10) as mef,
        code_au_format(mef_stat_11, 11) as mef_stat_11,
        code_normalise(dispositif_formation) as dispositif_formation,
        code_au_format(formation_diplome, 8) as code_formation_diplome,
        entier_parse(duree_dispositif) as duree_dispositif,
        entier_parse(annee_dispositif) as annee_dispositif,
        trim(libelle_court) as libelle_court,
        trim(libelle_long) as libelle_long,
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
    where mef is not null
    qualify row_number() over (partition by mef order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by mef
