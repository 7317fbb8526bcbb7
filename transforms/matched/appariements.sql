-- One certification and the finest figures that exist per catalogue formation. At each level (établissement,
-- région académique, national; matched.appariement_recherches) the cascade normal → rncp → ideo → mne (→ the same
-- inversed, établissement only) takes the first method that covers the formation, else the first under the
-- threshold (the anchor stops at the first of either); ties go to UAI priority, then the UAI's data type (lieu >
-- formateur > gestionnaire). The formation takes the finest level that covers it, else the finest under the
-- threshold; establishment figures under the threshold give way to covering regional or national ones and stay
-- recorded (couverture_etablissement, raison_etablissement).
with candidats as (
    select * from matched.appariement_candidats
),

recherches as (
    select * from matched.appariement_recherches
),

formations as (
    select * from matched.formations_catalogues
),

territoires as (
    select * from matched.appariement_territoires
),

certifications as (
    select * from matched.certifications
),

stats as (
    select * from matched.stats_toutes_echelles
),

par_niveau as (
    -- The best row of each level: covering first, then under the threshold; then the earliest method, UAI priority,
    -- the UAI's data type.
    select *
    from recherches
    where couverture_rang < 2
    qualify row_number() over (
        partition by catalogue, formation_id, niveau_rang
        order by couverture_rang, methode_rang, uai_priorite, uai_donnee_type_rang, code_certification,
            code_region_academique
    ) = 1
),

choisis as (
    select *
    from par_niveau
    qualify row_number() over (partition by catalogue, formation_id order by couverture_rang, niveau_rang) = 1
),

non_couverts as (
    -- The most telling candidate of a formation no level covers nor puts under the threshold.
    select candidat.*
    from candidats as candidat
    anti join choisis as choisi using (catalogue, formation_id)
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

voies as (
    -- The filières in which a diploma (CFD) has regional or national figures: a formation whose diploma has some
    -- only in the other voie is not covered (apprentices' and pupils' outcomes differ) and says so.
    select code_formation_diplome, list(distinct filiere order by filiere) as filieres
    from stats
    where scope in ('france', 'region') and code_formation_diplome is not null
    group by code_formation_diplome
),

derniere_annee as (
    select max(millesime_annee_fin) as annee from stats where scope in ('france', 'uai')
),

retenus as (
    select
        formation.catalogue, formation.formation_id, formation.libelle, formation.filiere, formation.est_actif,
        coalesce(choisi.methode, non_couvert.methode) as methode,
        coalesce(choisi.methode_rang, non_couvert.methode_rang) as methode_rang,
        coalesce(choisi.validite_code_certification, non_couvert.validite_code_certification, 'code inconnu')
            as validite_code_certification,
        coalesce(choisi.codes_candidats, non_couvert.codes_candidats, []) as codes_candidats,
        coalesce(choisi.code_certification_candidat, non_couvert.code_certification_candidat)
            as code_certification_candidat,
        coalesce(choisi.code_certification, non_couvert.code_certification) as code_certification,
        coalesce(choisi.resolution, non_couvert.resolution) as resolution,
        coalesce(choisi.certifications_terminales, non_couvert.certifications_terminales, [])
            as certifications_terminales,
        coalesce(choisi.est_code_remplace, non_couvert.est_code_remplace, false) as est_code_remplace,
        coalesce(choisi.filiere_cible, non_couvert.filiere_cible) as filiere_donnee,
        choisi.* exclude (
            catalogue, formation_id, methode, methode_rang, validite_code_certification, codes_candidats,
            code_certification_candidat, code_certification, resolution, certifications_terminales,
            est_code_remplace, filiere_cible,
            couverture_rang, uai_donnee_type_rang, niveau_rang, millesime
        ),
        choisi.millesime as millesime_donnee,
        certification.code_formation_diplome,
        case choisi.couverture_rang
            when 0 then 'couvert' when 1 then 'sous le seuil de ' || getvariable('secrecy_threshold')::varchar
            else 'non couvert'
        end as couverture,
        case etablissement.couverture_rang
            when 0 then 'couvert' when 1 then 'sous le seuil de ' || getvariable('secrecy_threshold')::varchar
            else 'non couvert'
        end as couverture_etablissement,
        territoire.code_academie, territoire.code_region_academique as code_region_academique_formation,
        territoire.localisation_source, coalesce(territoire.est_uai_connue, false) as est_uai_connue,
        coalesce(territoire.est_territoire_mal_couvert, false) as est_territoire_mal_couvert,
        territoire.formation_id is not null as a_des_uais,
        coalesce(certification.date_premiere_session > (select annee from derniere_annee), false)
            as est_nouvelle_formation
    from formations as formation
    left join choisis as choisi using (catalogue, formation_id)
    left join non_couverts as non_couvert using (catalogue, formation_id)
    left join par_niveau as etablissement
        on etablissement.catalogue = formation.catalogue and etablissement.formation_id = formation.formation_id
        and etablissement.niveau_rang = 1
    left join territoires as territoire using (catalogue, formation_id)
    left join certifications as certification
        on certification.code_certification = coalesce(choisi.code_certification, non_couvert.code_certification)
),

final as (
    select
        retenu.*,
        coalesce(retenu.donnee_source_type in ('ancienne', 'nouvelle'), false) as est_continuum,
        coalesce(
            retenu.resolution in ('annee non terminale', 'annee commune') and retenu.code_certification is not null,
            false
        ) as est_annee_non_terminale,
        case
            when retenu.couverture = 'couvert' then null
            when retenu.couverture like 'sous le seuil%' then 'sous le seuil de '
                || getvariable('secrecy_threshold')::varchar || ' eleves'
            when retenu.validite_code_certification = 'plusieurs codes' then 'plusieurs formations en annee terminale'
            when retenu.validite_code_certification <> 'valide' then 'code certification inconnu'
            when retenu.resolution = 'annee commune' and retenu.code_certification is null then 'premiere annee commune'
            when retenu.resolution = 'plusieurs terminales' then 'plusieurs formations en annee terminale'
            when retenu.catalogue <> 'onisep' and not retenu.est_uai_connue then 'UAI inconnu'
            when retenu.est_territoire_mal_couvert then 'territoire mal couvert'
            when retenu.est_nouvelle_formation then 'nouvelle formation'
            when retenu.catalogue <> 'onisep' and retenu.filiere in ('pro', 'apprentissage')
                and not list_contains(voie.filieres, retenu.filiere)
                then 'donnees dans l''autre voie seulement'
            else 'sans raison evidente'
        end as raison_non_couverture,
        case
            when retenu.niveau_donnee = 'etablissement' then null
            when retenu.couverture_etablissement like 'sous le seuil%' then 'etablissement sous le seuil de '
                || getvariable('secrecy_threshold')::varchar || ' eleves'
            when not retenu.a_des_uais then 'formation sans UAI'
            when not retenu.est_uai_connue then 'UAI inconnu'
            else 'pas de donnees pour l''etablissement'
        end as raison_etablissement,
        retenu.est_actif and (retenu.catalogue = 'onisep' or retenu.est_uai_connue)
            and retenu.validite_code_certification = 'valide' and not retenu.est_nouvelle_formation
            and not retenu.est_territoire_mal_couvert as est_dans_perimetre
    from retenus as retenu
    left join voies as voie on voie.code_formation_diplome = retenu.code_formation_diplome
)

select * from final
order by catalogue, formation_id
