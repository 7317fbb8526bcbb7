-- The producers' own figures (InserJeunes at every grain, InserSup national and per UAI) in one shape:
-- integer counts, nb_sortant repaired, rates recomputed from the counts (half-to-even, whole percent), the
-- 6-month parts taken from the DEPP DEVENIR_* measures when given. scope: france | region | departement |
-- academie | uai; scope_code: FR, région académique, département, académie or UAI.
with ij_nationales as (
    select * from staging.stg_inserjeunes__nationales
),

ij_regionales as (
    select * from staging.stg_inserjeunes__regionales
),

ij_departementales as (
    select * from staging.stg_inserjeunes__departementales
),

ij_academiques as (
    select * from staging.stg_inserjeunes__academiques
),

ij_etablissements as (
    select * from staging.stg_inserjeunes__etablissements
),

is_nationales as (
    select * from staging.stg_insersup__nationales
),

is_etablissements as (
    select * from staging.stg_insersup__etablissements
),

inserjeunes as (
    select * from ij_nationales
    union all by name
    select * from ij_regionales
    union all by name
    select * from ij_departementales
    union all by name
    select * from ij_academiques
    union all by name
    select * from ij_etablissements
),

lignes as (
    select
        scope, scope_code, code_certification, filiere, millesime, millesime_annee_debut, millesime_annee_fin,
        millesime_api,
        'inserjeunes' as producteur,
        libelle_etablissement,
        nb_annee_term, nb_sortant, nb_poursuite_etudes,
        nb_en_emploi_6_mois, nb_en_emploi_12_mois, nb_en_emploi_18_mois, nb_en_emploi_24_mois,
        null::integer as nb_diplome,
        devenir_part_en_emploi_6_mois, devenir_part_poursuite_etudes, devenir_part_autre_situation_6_mois,
        taux_rupture_contrats,
        salaire_ts_q1_12_mois as salaire_q1, salaire_ts_q2_12_mois as salaire_q2, salaire_ts_q3_12_mois as salaire_q3,
        mesures_inconnues
    from inserjeunes
    union all by name
    select
        'france' as scope, 'FR' as scope_code, code_certification, filiere, millesime, millesime_annee_debut,
        millesime_annee_fin, 'insersup' as producteur,
        nb_sortants + nb_poursuivants as nb_annee_term, nb_sortants as nb_sortant,
        nb_poursuivants as nb_poursuite_etudes,
        nb_sortants_en_emploi_6_mois as nb_en_emploi_6_mois, nb_sortants_en_emploi_12_mois as nb_en_emploi_12_mois,
        nb_sortants_en_emploi_18_mois as nb_en_emploi_18_mois, nb_sortants_en_emploi_24_mois as nb_en_emploi_24_mois,
        salaire_q1_12_mois as salaire_q1, salaire_q2_12_mois as salaire_q2, salaire_q3_12_mois as salaire_q3
    from is_nationales
    union all by name
    select
        'uai' as scope, uai as scope_code, code_certification, filiere, millesime, millesime_annee_debut,
        millesime_annee_fin, 'insersup' as producteur, libelle_etablissement,
        -- InserSup's terminal-year cohort is its enrolment count (= leavers + pursuers in the data seen).
        coalesce(nb_inscrits, nb_sortants + nb_poursuivants) as nb_annee_term, nb_sortants as nb_sortant,
        nb_poursuivants as nb_poursuite_etudes,
        nb_in_dsn_6 as nb_en_emploi_6_mois, nb_in_dsn_12 as nb_en_emploi_12_mois,
        nb_in_dsn_18 as nb_en_emploi_18_mois, nb_in_dsn_24 as nb_en_emploi_24_mois,
        nb_diplomes as nb_diplome,
        salaire_q1_national_diplome_12 as salaire_q1, salaire_q2_national_diplome_12 as salaire_q2,
        salaire_q3_national_diplome_12 as salaire_q3
    from is_etablissements
),

repares as (
    -- nb_sortant = nb_annee_term − nb_poursuite_etudes when absent; when everybody pursues studies, missing
    -- employment counts are 0. nb_poursuite_etudes and nb_annee_term are never derived.
    select
        * replace (
            coalesce(nb_sortant, nb_annee_term - nb_poursuite_etudes) as nb_sortant,
            if(nb_poursuite_etudes = nb_annee_term, coalesce(nb_en_emploi_6_mois, 0), nb_en_emploi_6_mois)
                as nb_en_emploi_6_mois,
            if(nb_poursuite_etudes = nb_annee_term, coalesce(nb_en_emploi_12_mois, 0), nb_en_emploi_12_mois)
                as nb_en_emploi_12_mois,
            if(nb_poursuite_etudes = nb_annee_term, coalesce(nb_en_emploi_18_mois, 0), nb_en_emploi_18_mois)
                as nb_en_emploi_18_mois,
            if(nb_poursuite_etudes = nb_annee_term, coalesce(nb_en_emploi_24_mois, 0), nb_en_emploi_24_mois)
                as nb_en_emploi_24_mois
        )
    from lignes
),

parts as (
    select
        *,
        coalesce(taux_arrondi(devenir_part_poursuite_etudes), taux_pourcent(nb_poursuite_etudes, nb_annee_term))
            as taux_en_formation,
        coalesce(taux_arrondi(devenir_part_en_emploi_6_mois), taux_pourcent(nb_en_emploi_6_mois, nb_annee_term))
            as taux_en_emploi_6_mois,
        taux_pourcent(nb_en_emploi_12_mois, nb_annee_term) as taux_en_emploi_12_mois,
        taux_pourcent(nb_en_emploi_18_mois, nb_annee_term) as taux_en_emploi_18_mois,
        taux_pourcent(nb_en_emploi_24_mois, nb_annee_term) as taux_en_emploi_24_mois
    from repares
),

final as (
    select
        scope, scope_code, code_certification, filiere, millesime, millesime_annee_debut, millesime_annee_fin,
        -- The national InserJeunes route's own single year (`2023` for `2022_2023`); null for the other figures.
        millesime_api,
        producteur, libelle_etablissement,
        nb_annee_term, nb_sortant, nb_poursuite_etudes,
        nb_en_emploi_6_mois, nb_en_emploi_12_mois, nb_en_emploi_18_mois, nb_en_emploi_24_mois, nb_diplome,
        taux_en_formation,
        taux_en_emploi_6_mois, taux_en_emploi_12_mois, taux_en_emploi_18_mois, taux_en_emploi_24_mois,
        coalesce(
            taux_arrondi(devenir_part_autre_situation_6_mois),
            taux_autres(taux_en_emploi_6_mois, taux_en_formation)
        ) as taux_autres_6_mois,
        taux_autres(taux_en_emploi_12_mois, taux_en_formation) as taux_autres_12_mois,
        taux_autres(taux_en_emploi_18_mois, taux_en_formation) as taux_autres_18_mois,
        taux_autres(taux_en_emploi_24_mois, taux_en_formation) as taux_autres_24_mois,
        taux_arrondi(taux_rupture_contrats) as taux_rupture_contrats,
        round(salaire_q1)::integer as salaire_12_mois_q1,
        round(salaire_q2)::integer as salaire_12_mois_q2,
        round(salaire_q3)::integer as salaire_12_mois_q3,
        mesures_inconnues
    from parts
)

select * from final
order by scope, scope_code, code_certification, filiere, millesime
