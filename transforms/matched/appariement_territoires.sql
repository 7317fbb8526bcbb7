-- The académie and région académique of each catalogue formation that has a UAI: those ACCE gives for its first
-- own UAI it knows, else those of the UAI's département (its first three characters), read as the académie most
-- ACCE establishments with the same first three characters belong to.
with uais as (
    select * from matched.appariement_uais
),

etablissements as (
    select * from matched.etablissements
),

academies as (
    select * from staging.stg_reference__academies
),

departements as (
    select left(uai, 3) as prefixe, code_academie, count(*) as nb_etablissements
    from etablissements
    where code_academie is not null
    group by prefixe, code_academie
    qualify row_number() over (partition by prefixe order by nb_etablissements desc, code_academie) = 1
),

propres as (
    select * from uais where uai_origine = 'formation'
),

candidats as (
    select propre.catalogue, propre.formation_id, etablissement.code_academie, 'acce' as localisation_source,
        1 as source_rang, propre.uai_priorite
    from propres as propre
    inner join etablissements as etablissement on etablissement.uai = propre.uai
    where etablissement.code_academie is not null
    union all
    select propre.catalogue, propre.formation_id, departement.code_academie, 'departement', 2, propre.uai_priorite
    from propres as propre
    inner join departements as departement on departement.prefixe = left(propre.uai, 3)
),

connues as (
    select distinct propre.catalogue, propre.formation_id
    from propres as propre
    inner join etablissements as etablissement on etablissement.uai = propre.uai
),

formations as (
    select distinct catalogue, formation_id from propres
),

choisis as (
    select *
    from candidats
    qualify row_number() over (partition by catalogue, formation_id order by source_rang, uai_priorite) = 1
),

final as (
    select
        formation.catalogue,
        formation.formation_id,
        choisi.code_academie,
        academie.code_region_academique,
        choisi.localisation_source,
        connue.formation_id is not null as est_uai_connue,
        coalesce(choisi.code_academie like '4%', false) as est_territoire_mal_couvert
    from formations as formation
    left join choisis as choisi
        on choisi.catalogue = formation.catalogue and choisi.formation_id = formation.formation_id
    left join academies as academie on academie.code_academie = choisi.code_academie
    left join connues as connue
        on connue.catalogue = formation.catalogue and connue.formation_id = formation.formation_id
)

select * from final
order by catalogue, formation_id
