with source as (
    select * from raw.insersup__nationales
),

-- Two shapes (activities/land/datasets/insersup.yml): `long`, one record per horizon (`date_inser`), and `wide`
-- (Dec 2025), one record per population with `<field>_6/_12/_18/_24`. Both become one row per horizon here.
longue as (
    select
        uo_lib, promo, diplome, libelle_diplome, type_diplome_long, obtention_diplome, genre, nationalite,
        nb_sortants, nb_poursuivants, date_inser, nb_sortants_en_emploi_sal_fr, salaire_q1, salaire_q2, salaire_q3,
        _raw_key, _raw_row
    from source
    where date_inser is not null
),

large as (
    select
        uo_lib, promo, diplome, libelle_diplome, type_diplome_long, obtention_diplome, genre, nationalite,
        nb_sortants, nb_poursuivants,
        horizon.mois::varchar as date_inser,
        case horizon.mois
            when 6 then nb_sortants_en_emploi_sal_fr_6
            when 12 then nb_sortants_en_emploi_sal_fr_12
            when 18 then nb_sortants_en_emploi_sal_fr_18
            when 24 then nb_sortants_en_emploi_sal_fr_24
        end as nb_sortants_en_emploi_sal_fr,
        case horizon.mois when 12 then salaire_q1_12 end as salaire_q1,
        case horizon.mois when 12 then salaire_q2_12 end as salaire_q2,
        case horizon.mois when 12 then salaire_q3_12 end as salaire_q3,
        _raw_key, _raw_row
    from source
    cross join (values (6), (12), (18), (24)) as horizon (mois)
    where date_inser is null
),

horizons as (
    select * from longue
    union all
    select * from large
),

filtre as (
    select *
    from horizons
    where lower(trim(uo_lib)) = 'national'
        and lower(trim(diplome)) <> 'all'
        and lower(trim(coalesce(obtention_diplome, 'ensemble'))) = 'ensemble'
        and lower(trim(coalesce(genre, 'ensemble'))) = 'ensemble'
        and lower(trim(coalesce(nationalite, 'ensemble'))) = 'ensemble'
),

renomme as (
    select
        code_au_format(diplome, 7) as code_certification,
        case
            when trim(promo) like '[%' then array_to_string(list_sort(from_json(promo, '["VARCHAR"]')), '_')
            else trim(promo)
        end as millesime,
        trim(libelle_diplome) as libelle_diplome,
        trim(type_diplome_long) as type_diplome,
        entier_parse(date_inser) as mois,
        entier_parse(nb_sortants) as nb_sortants,
        entier_parse(nb_poursuivants) as nb_poursuivants,
        entier_parse(nb_sortants_en_emploi_sal_fr) as nb_emploi,
        nombre_parse(salaire_q1) as salaire_q1,
        nombre_parse(salaire_q2) as salaire_q2,
        nombre_parse(salaire_q3) as salaire_q3,
        _raw_key,
        _raw_row::bigint as _raw_row
    from filtre
),

final as (
    select
        code_certification,
        'superieur' as filiere,
        millesime,
        millesime_annee_debut(millesime) as millesime_annee_debut,
        millesime_annee_fin(millesime) as millesime_annee_fin,
        min(libelle_diplome) as libelle_diplome,
        min(type_diplome) as type_diplome,
        max(nb_sortants) as nb_sortants,
        max(nb_poursuivants) as nb_poursuivants,
        max(nb_emploi) filter (where mois = 6) as nb_sortants_en_emploi_6_mois,
        max(nb_emploi) filter (where mois = 12) as nb_sortants_en_emploi_12_mois,
        max(nb_emploi) filter (where mois = 18) as nb_sortants_en_emploi_18_mois,
        max(nb_emploi) filter (where mois = 24) as nb_sortants_en_emploi_24_mois,
        max(salaire_q1) filter (where mois = 12) as salaire_q1_12_mois,
        max(salaire_q2) filter (where mois = 12) as salaire_q2_12_mois,
        max(salaire_q3) filter (where mois = 12) as salaire_q3_12_mois,
        min(_raw_key) as _raw_key,
        min(_raw_row) as _raw_row
    from renomme
    where code_certification is not null and millesime_annee_fin(millesime) is not null
    group by code_certification, millesime
)

select * from final
order by code_certification, millesime
