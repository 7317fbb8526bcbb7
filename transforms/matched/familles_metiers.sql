-- Familles de métiers (BCN formation groups of type TG01): each linked CFD, and every CFD on its 1:1 continuum
-- chain, belongs to the famille; a directly linked CFD whose MEFs are all the first year of a multi-year
-- dispositif is the famille's année commune (2nde pro commune).
with liens_groupe as (
    select * from staging.stg_bcn__liens_formation_groupe
),

groupes as (
    select * from staging.stg_bcn__groupes_formation
),

mefs as (
    select * from staging.stg_bcn__mefs
),

chaines as (
    select * from matched.continuum_chaines
),

membres_directs as (
    select lien.code_formation_diplome, groupe.groupe_formation, groupe.libelle
    from liens_groupe as lien
    inner join groupes as groupe on groupe.groupe_formation = lien.groupe_formation
    where groupe.est_famille_metiers
),

membres as (
    select code_formation_diplome, groupe_formation, libelle, true as lien_direct
    from membres_directs
    union all
    select chaine.code_nouveau, membre.groupe_formation, membre.libelle, false
    from membres_directs as membre
    inner join chaines as chaine on chaine.code_ancien = membre.code_formation_diplome and chaine.type_code = 'cfd'
    union all
    select chaine.code_ancien, membre.groupe_formation, membre.libelle, false
    from membres_directs as membre
    inner join chaines as chaine on chaine.code_nouveau = membre.code_formation_diplome and chaine.type_code = 'cfd'
),

premieres_annees as (
    select code_formation_diplome, bool_and(annee_dispositif = 1 and duree_dispositif > 1) as tout_en_premiere_annee
    from mefs
    where code_formation_diplome is not null
    group by code_formation_diplome
),

final as (
    select
        membre.code_formation_diplome,
        first(membre.groupe_formation order by membre.lien_direct desc, membre.groupe_formation)
            as famille_metier_code,
        first(membre.libelle order by membre.lien_direct desc, membre.groupe_formation) as famille_metier_libelle,
        bool_or(membre.lien_direct) as lien_direct,
        bool_or(membre.lien_direct) and coalesce(bool_or(annee.tout_en_premiere_annee), false) as est_annee_commune
    from membres as membre
    left join premieres_annees as annee on annee.code_formation_diplome = membre.code_formation_diplome
    group by membre.code_formation_diplome
)

select * from final
order by code_formation_diplome
