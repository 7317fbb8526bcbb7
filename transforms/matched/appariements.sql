-- One certification (and the establishment figures it is read at) per catalogue formation, by the cascade
-- normal → rncp → ideo → mne → the same inversed: the first method whose code is covered or under the threshold
-- at one of the formation's UAIs (priority 1 > 2 > 3, e.g. composante > affectation > gestionnaire) stops the
-- cascade; ties go to the best coverage, then UAI priority, then the UAI's data type (lieu > formateur >
-- gestionnaire). ONISEP formations, which have no UAI, are read in the national figures. Formations left
-- uncovered get the most telling reason.
with candidats as (
    select * from matched.appariement_candidats
),

formations as (
    select * from matched.formations_catalogues
),

stats_etablissements as (
    select * from matched.stats_etablissements
),

stats_nationales as (
    select * from matched.stats_nationales
),

etablissements as (
    select * from matched.etablissements
),

certifications as (
    select * from matched.certifications
),

derniers_etablissements as (
    select *
    from stats_etablissements
    where donnee_source_type in ('self', 'ancienne', 'nouvelle')
    qualify row_number() over (
        partition by uai, code_certification, filiere order by millesime_annee_fin desc, millesime desc
    ) = 1
),

derniers_nationaux as (
    select *
    from stats_nationales
    where donnee_source_type in ('self', 'ancienne', 'nouvelle')
    qualify row_number() over (
        partition by code_certification, filiere order by millesime_annee_fin desc, millesime desc
    ) = 1
),

uais as (
    select catalogue, formation_id, uai, min(uai_priorite) as uai_priorite
    from (
        select catalogue, formation_id, uai_1 as uai, 1 as uai_priorite from formations
        union all
        select catalogue, formation_id, uai_2, 2 from formations
        union all
        select catalogue, formation_id, uai_3, 3 from formations
    )
    where uai is not null
    group by catalogue, formation_id, uai
),

recherches as (
    select
        candidat.*, uai.uai, uai.uai_priorite, stat.millesime, stat.nb_annee_term, stat.uai_donnee,
        stat.uai_donnee_type, stat.taux_en_formation, stat.taux_en_emploi_6_mois, stat.taux_autres_6_mois
    from candidats as candidat
    inner join uais as uai on uai.catalogue = candidat.catalogue and uai.formation_id = candidat.formation_id
    left join derniers_etablissements as stat
        on stat.uai = uai.uai and stat.code_certification = candidat.code_certification
        and stat.filiere = candidat.filiere_cible
    where candidat.code_certification is not null and candidat.catalogue <> 'onisep'
    union all
    select
        candidat.*, null, null, stat.millesime, stat.nb_annee_term, null, null,
        stat.taux_en_formation, stat.taux_en_emploi_6_mois, stat.taux_autres_6_mois
    from candidats as candidat
    left join derniers_nationaux as stat
        on stat.code_certification = candidat.code_certification and stat.filiere = candidat.filiere_cible
    where candidat.code_certification is not null and candidat.catalogue = 'onisep'
),

couvertures as (
    select
        *,
        case
            when nb_annee_term is null then 'non couvert'
            when nb_annee_term < getvariable('secrecy_threshold')
                then 'sous le seuil de ' || getvariable('secrecy_threshold')::varchar
            when taux_en_formation is not null and taux_en_emploi_6_mois is not null and taux_autres_6_mois is not null
                then 'couvert'
            else 'non couvert'
        end as couverture,
        case
            when nb_annee_term is null then 2
            when nb_annee_term < getvariable('secrecy_threshold') then 1
            when taux_en_formation is not null and taux_en_emploi_6_mois is not null and taux_autres_6_mois is not null
                then 0
            else 2
        end as couverture_rang,
        case uai_donnee_type when 'lieu_formation' then 1 when 'formateur' then 2 when 'gestionnaire' then 3 else 4 end
            as uai_donnee_type_rang
    from recherches
),

arrets as (
    select catalogue, formation_id, min(methode_rang) as methode_rang
    from couvertures
    where couverture_rang < 2
    group by catalogue, formation_id
),

couverts as (
    select couverture.*
    from couvertures as couverture
    inner join arrets as arret
        on arret.catalogue = couverture.catalogue and arret.formation_id = couverture.formation_id
        and arret.methode_rang = couverture.methode_rang
    where couverture.couverture_rang < 2
    qualify row_number() over (
        partition by couverture.catalogue, couverture.formation_id
        order by couverture.couverture_rang, couverture.uai_priorite, couverture.uai_donnee_type_rang,
            couverture.code_certification
    ) = 1
),

non_couverts as (
    select candidat.*
    from candidats as candidat
    anti join arrets as arret on arret.catalogue = candidat.catalogue and arret.formation_id = candidat.formation_id
    qualify row_number() over (
        partition by candidat.catalogue, candidat.formation_id
        order by
            case candidat.validite_code_certification when 'valide' then 0 when 'plusieurs codes' then 1 else 2 end,
            case candidat.resolution
                when 'terminale' then 0 when 'annee non terminale' then 0 when 'annee commune' then 1 else 2
            end,
            candidat.methode_rang
    ) = 1
),

uais_connues as (
    select distinct uai.catalogue, uai.formation_id
    from uais as uai
    inner join etablissements as etablissement on etablissement.uai = uai.uai
),

derniere_annee as (
    select max(millesime_annee_fin) as annee
    from (
        select millesime_annee_fin from stats_etablissements
        union all
        select millesime_annee_fin from stats_nationales
    )
),

final as (
    select
        formation.catalogue,
        formation.formation_id,
        formation.libelle,
        formation.filiere,
        formation.est_actif,
        coalesce(couvert.methode, non_couvert.methode) as methode,
        coalesce(couvert.methode_rang, non_couvert.methode_rang) as methode_rang,
        coalesce(couvert.validite_code_certification, non_couvert.validite_code_certification, 'code inconnu')
            as validite_code_certification,
        coalesce(couvert.codes_candidats, non_couvert.codes_candidats, []) as codes_candidats,
        coalesce(couvert.code_certification_candidat, non_couvert.code_certification_candidat)
            as code_certification_candidat,
        coalesce(couvert.code_certification, non_couvert.code_certification) as code_certification,
        coalesce(couvert.filiere_cible, non_couvert.filiere_cible) as filiere_donnee,
        couvert.uai,
        couvert.uai_priorite,
        couvert.uai_donnee,
        couvert.uai_donnee_type,
        couvert.millesime as millesime_donnee,
        coalesce(couvert.couverture, 'non couvert') as couverture,
        case
            when couvert.catalogue is not null then null
            when non_couvert.validite_code_certification = 'plusieurs codes'
                then 'plusieurs formations en annee terminale'
            when non_couvert.validite_code_certification is distinct from 'valide' then 'code certification inconnu'
            when non_couvert.resolution = 'annee commune' then 'premiere annee commune'
            when non_couvert.resolution = 'plusieurs terminales' then 'plusieurs formations en annee terminale'
            when formation.catalogue <> 'onisep' and connue.formation_id is null then 'UAI inconnu'
            when certification.date_premiere_session > (select annee from derniere_annee) then 'nouvelle formation'
            else 'sans raison evidente'
        end as raison_non_couverture
    from formations as formation
    left join couverts as couvert
        on couvert.catalogue = formation.catalogue and couvert.formation_id = formation.formation_id
    left join non_couverts as non_couvert
        on non_couvert.catalogue = formation.catalogue and non_couvert.formation_id = formation.formation_id
    left join uais_connues as connue
        on connue.catalogue = formation.catalogue and connue.formation_id = formation.formation_id
    left join certifications as certification
        on certification.code_certification = coalesce(couvert.code_certification, non_couvert.code_certification)
)

select * from final
order by catalogue, formation_id
