-- One référentiel of every certification code statistics are keyed by: CFD (apprentissage; N_FORMATION_DIPLOME,
-- V_FORMATION_DIPLOME and N_FORMATION_DIPLOME_ENQUETE_51, in that order of precedence), MEFSTAT11 (voie scolaire;
-- N_MEF, labels and dates of the diploma from its CFD) and SISE (supérieur), with the two-way continuum, the
-- famille de métiers and, for non-final years, the terminal codes.
with formations_n as (
    select * from staging.stg_bcn__formations_diplomes
),

formations_v as (
    select * from staging.stg_bcn__v_formations_diplomes
),

formations_51 as (
    select * from staging.stg_bcn__formations_diplomes_enquete_51
),

mefs as (
    select * from staging.stg_bcn__mefs
),

niveaux as (
    select * from staging.stg_bcn__niveaux
),

diplomes_sise as (
    select * from staging.stg_bcn__diplomes_sise
),

sise_insersup as (
    select * from staging.stg_reference__diplomes_sise_insersup
),

types_sise as (
    select * from staging.stg_bcn__types_diplome_sise
),

liens as (
    select * from matched.continuum_liens
),

familles as (
    select * from matched.familles_metiers
),

non_terminales as (
    select * from matched.annees_non_terminales
),

formations as (
    select *, 1 as priorite, 'n_formation_diplome' as referentiel
    from formations_n
    union all by name
    select *, 2 as priorite, 'v_formation_diplome' as referentiel
    from formations_v
    union all by name
    select *, 3 as priorite, 'n_formation_diplome_enquete_51' as referentiel
    from formations_51
),

referentiels as (
    select code_formation_diplome, list(referentiel order by priorite) as referentiels
    from formations
    group by code_formation_diplome
),

cfd as (
    select formation.*, referentiel.referentiels
    from formations as formation
    inner join referentiels as referentiel on referentiel.code_formation_diplome = formation.code_formation_diplome
    qualify row_number() over (partition by formation.code_formation_diplome order by formation.priorite) = 1
),

lignes_cfd as (
    select
        cfd.code_formation_diplome as code_certification,
        'cfd' as code_certification_type,
        cfd.code_formation_diplome,
        []::varchar[] as mefs,
        null::varchar as dispositif_formation,
        null::integer as duree_dispositif,
        null::integer as annee_dispositif,
        concat_ws(' ', cfd.libelle_court, cfd.libelle_stat_33) as libelle,
        cfd.libelle_long,
        left(cfd.code_formation_diplome, 3) as diplome_code,
        niveau.libelle_court as diplome_libelle,
        left(cfd.code_formation_diplome, 1) as niveau_formation_ancien,
        cfd.niveau_qualification_rncp,
        cfd.date_ouverture,
        cfd.date_fermeture,
        cfd.date_premiere_session,
        cfd.date_derniere_session,
        cfd.referentiels
    from cfd
    left join niveaux as niveau on niveau.niveau_formation_diplome = left(cfd.code_formation_diplome, 3)
),

mefs_stat as (
    select mef_stat_11, list(mef order by mef) as mefs
    from mefs
    where mef_stat_11 is not null
    group by mef_stat_11
),

lignes_mef as (
    select
        mef.mef_stat_11 as code_certification,
        'mef11' as code_certification_type,
        mef.code_formation_diplome,
        stat.mefs,
        mef.dispositif_formation,
        mef.duree_dispositif,
        mef.annee_dispositif,
        mef.libelle_long as libelle,
        coalesce(diplome.libelle_long, mef.libelle_long) as libelle_long,
        left(mef.code_formation_diplome, 3) as diplome_code,
        diplome.diplome_libelle,
        left(mef.code_formation_diplome, 1) as niveau_formation_ancien,
        diplome.niveau_qualification_rncp,
        mef.date_ouverture,
        mef.date_fermeture,
        diplome.date_premiere_session,
        diplome.date_derniere_session,
        ['n_mef'] as referentiels
    from mefs as mef
    inner join mefs_stat as stat on stat.mef_stat_11 = mef.mef_stat_11
    left join lignes_cfd as diplome on diplome.code_certification = mef.code_formation_diplome
    qualify row_number() over (partition by mef.mef_stat_11 order by mef.date_fermeture desc nulls first, mef.mef) = 1
),

sise as (
    select diplome_sise, type_diplome_sise, libelle, date_ouverture, date_fermeture, 'n_diplome_sise' as referentiel
    from diplomes_sise
    union all
    select diplome_sise, type_diplome_sise, libelle, null, null, 'insersup' as referentiel
    from sise_insersup
    where diplome_sise not in (select diplome_sise from diplomes_sise)
),

lignes_sise as (
    select
        sise.diplome_sise as code_certification,
        'sise' as code_certification_type,
        null::varchar as code_formation_diplome,
        []::varchar[] as mefs,
        null::varchar as dispositif_formation,
        null::integer as duree_dispositif,
        null::integer as annee_dispositif,
        sise.libelle,
        sise.libelle as libelle_long,
        sise.type_diplome_sise as diplome_code,
        type_sise.libelle as diplome_libelle,
        type_sise.niveau_interministeriel as niveau_formation_ancien,
        null::varchar as niveau_qualification_rncp,
        sise.date_ouverture,
        sise.date_fermeture,
        null::integer as date_premiere_session,
        null::integer as date_derniere_session,
        [sise.referentiel] as referentiels
    from sise
    left join types_sise as type_sise on type_sise.type_diplome_sise = sise.type_diplome_sise
),

lignes as (
    select * from lignes_cfd
    union all by name
    select * from lignes_mef
    union all by name
    select * from lignes_sise
),

anciens as (
    select code_nouveau as code, list(code_ancien order by code_ancien) as codes
    from liens
    group by code_nouveau
),

nouveaux as (
    select code_ancien as code, list(code_nouveau order by code_nouveau) as codes
    from liens
    group by code_ancien
),

final as (
    select
        ligne.code_certification,
        ligne.code_certification_type,
        ligne.code_formation_diplome,
        ligne.mefs,
        ligne.dispositif_formation,
        ligne.duree_dispositif,
        ligne.annee_dispositif,
        ligne.libelle,
        ligne.libelle_long,
        ligne.diplome_code,
        ligne.diplome_libelle,
        ligne.niveau_formation_ancien,
        niveau_formation_nouveau(ligne.niveau_formation_ancien) as niveau_formation,
        ligne.niveau_qualification_rncp,
        ligne.date_ouverture,
        ligne.date_fermeture,
        ligne.date_premiere_session,
        ligne.date_derniere_session,
        coalesce(ancien.codes, []) as anciens,
        coalesce(nouveau.codes, []) as nouveaux,
        famille.famille_metier_code,
        famille.famille_metier_libelle,
        coalesce(non_terminale.type_annee = 'annee_commune', false) as est_annee_commune,
        non_terminale.code_certification is null as est_annee_terminale,
        coalesce(non_terminale.certifications_terminales, []) as certifications_terminales,
        ligne.referentiels
    from lignes as ligne
    left join anciens as ancien on ancien.code = ligne.code_certification
    left join nouveaux as nouveau on nouveau.code = ligne.code_certification
    left join familles as famille on famille.code_formation_diplome = ligne.code_formation_diplome
    left join non_terminales as non_terminale on non_terminale.code_certification = ligne.code_certification
)

select * from final
order by code_certification
