-- Every figure a catalogue formation's candidate certifications find, at the three levels, latest millésime first:
-- établissement (each of its UAIs, all eight methods: the inverted voie is tried only here, as the anchor does),
-- région académique of the formation and national (the four methods in the formation's own voie; an ONISEP
-- formation has no voie of its own, so both are tried, its own default first). Each row says
-- whether it covers the formation (couvert), has fewer than secrecy_threshold pupils, or lacks a rate.
with candidats as (
    select * from matched.appariement_candidats where code_certification is not null
),

uais as (
    select * from matched.appariement_uais
),

territoires as (
    select * from matched.appariement_territoires
),

etablissements as (
    select * from matched.stats_etablissements where donnee_source_type in ('self', 'ancienne', 'nouvelle')
    qualify row_number() over (
        partition by uai, code_certification, filiere order by millesime_annee_fin desc, millesime desc
    ) = 1
),

regionales as (
    select * from matched.stats_regionales where donnee_source_type in ('self', 'ancienne', 'nouvelle')
    qualify row_number() over (
        partition by code_region_academique, code_certification, filiere
        order by millesime_annee_fin desc, millesime desc
    ) = 1
),

nationales as (
    select * from matched.stats_nationales where donnee_source_type in ('self', 'ancienne', 'nouvelle')
    qualify row_number() over (
        partition by code_certification, filiere order by millesime_annee_fin desc, millesime desc
    ) = 1
),

trouvees as (
    select
        candidat.*, 'etablissement' as niveau_donnee, 1 as niveau_rang, uai.uai, uai.uai_priorite,
        null::varchar as code_region_academique, stat.uai_donnee, stat.uai_donnee_type,
        stat.millesime, stat.donnee_source_type, stat.donnee_source_code_certification,
        columns('^(nb_|taux_|salaire_)')
    from candidats as candidat
    inner join uais as uai on uai.catalogue = candidat.catalogue and uai.formation_id = candidat.formation_id
    inner join etablissements as stat
        on stat.uai = uai.uai and stat.code_certification = candidat.code_certification
        and stat.filiere = candidat.filiere_cible
    union all by name
    select
        candidat.*, 'region' as niveau_donnee, 2 as niveau_rang, null as uai, null as uai_priorite,
        stat.code_region_academique, null as uai_donnee, null as uai_donnee_type,
        stat.millesime, stat.donnee_source_type, stat.donnee_source_code_certification,
        columns('^(nb_|taux_|salaire_)')
    from candidats as candidat
    inner join territoires as territoire
        on territoire.catalogue = candidat.catalogue and territoire.formation_id = candidat.formation_id
    inner join regionales as stat
        on stat.code_region_academique = territoire.code_region_academique
        and stat.code_certification = candidat.code_certification and stat.filiere = candidat.filiere_cible
    where candidat.methode_rang <= 4 or candidat.catalogue = 'onisep'
    union all by name
    select
        candidat.*, 'national' as niveau_donnee, 3 as niveau_rang, null as uai, null as uai_priorite,
        null as code_region_academique, null as uai_donnee, null as uai_donnee_type,
        stat.millesime, stat.donnee_source_type, stat.donnee_source_code_certification,
        columns('^(nb_|taux_|salaire_)')
    from candidats as candidat
    inner join nationales as stat
        on stat.code_certification = candidat.code_certification and stat.filiere = candidat.filiere_cible
    where candidat.methode_rang <= 4 or candidat.catalogue = 'onisep'
),

final as (
    select
        *,
        case
            when nb_annee_term is null then 2
            when nb_annee_term < getvariable('secrecy_threshold') then 1
            when taux_en_formation is not null and taux_en_emploi_6_mois is not null and taux_autres_6_mois is not null
                then 0
            else 2
        end as couverture_rang,
        case uai_donnee_type when 'lieu_formation' then 1 when 'formateur' then 2 when 'gestionnaire' then 3 else 4 end
            as uai_donnee_type_rang
    from trouvees
)

select * from final
order by catalogue, formation_id, niveau_rang, methode_rang, uai_priorite, code_region_academique
