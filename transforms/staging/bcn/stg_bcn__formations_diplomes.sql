with source as (
    select *
    from raw.bcn__n_formation_diplome
    where millesime = (select max(millesime) from raw.bcn__n_formation_diplome)
),

renomme as (
    select
        code_au_format(formation_diplome, 8) as code_formation_diplome,
        code_normalise(niveau_formation_diplome) as niveau_formation_diplome,
        code_normalise(groupe_specialite) as groupe_specialite,
        code_normalise(lettre_specialite) as lettre_specialite,
        trim(libelle_court) as libelle_court,
        trim(libelle_stat_33) as libelle_stat_33,
        trim(libelle_long_200) as libelle_long,
        date_parse(date_ouverture) as date_ouverture,
        date_parse(date_fermeture) as date_fermeture,
        entier_parse(date_premiere_session) as date_premiere_session,
        entier_parse(date_derniere_session) as date_derniere_session,
        code_normalise(niveau_qualification_rncp) as niveau_qualification_rncp,
        list_sort(list_distinct(list_filter(
            list_transform(
                [ancien_diplome_1, ancien_diplome_2, ancien_diplome_3, ancien_diplome_4,
                 ancien_diplome_5, ancien_diplome_6, ancien_diplome_7],
                c -> code_au_format(c, 8)
            ),
            c -> c is not null and c <> code_au_format(formation_diplome, 8)
        ))) as anciens_diplomes,
        list_sort(list_distinct(list_filter(
            list_transform(
                [nouveau_diplome_1, nouveau_diplome_2, nouveau_diplome_3, nouveau_diplome_4,
                 nouveau_diplome_5, nouveau_diplome_6, nouveau_diplome_7],
                c -> code_au_format(c, 8)
            ),
            c -> c is not null and c <> code_au_format(formation_diplome, 8)
        ))) as nouveaux_diplomes,
        millesime,
        _raw_key,
        _raw_row::bigint as _raw_row
    from source
),

final as (
    select *
    from renomme
    where code_formation_diplome is not null
    qualify row_number() over (partition by code_formation_diplome order by _raw_key desc, _raw_row desc) = 1
)

select * from final
order by code_formation_diplome
