-- Codes that are not a final year, with the terminal code(s) whose statistics describe them:
-- a non-final MEFSTAT11 → the same code with the 4th character (year) set to the dispositif's duration, else the
-- only terminal MEF of the same CFD and dispositif; a first year common to a famille de métiers (MEF or CFD) →
-- the terminal MEFs (resp. the CFDs) of the famille's other diplomas.
with mefs as (
    select * from staging.stg_bcn__mefs
),

familles as (
    select * from matched.familles_metiers
),

mefs_stat as (
    select mef_stat_11, code_formation_diplome, dispositif_formation, duree_dispositif, annee_dispositif
    from mefs
    where mef_stat_11 is not null
    qualify row_number() over (partition by mef_stat_11 order by date_fermeture desc nulls first, mef) = 1
),

non_terminales as (
    select * from mefs_stat where annee_dispositif < duree_dispositif
),

communes as (
    select non_terminale.mef_stat_11, list_sort(list_distinct(list(terminale.mef_stat_11))) as terminales
    from non_terminales as non_terminale
    inner join familles as commune
        on commune.code_formation_diplome = non_terminale.code_formation_diplome and commune.est_annee_commune
    inner join familles as membre
        on membre.famille_metier_code = commune.famille_metier_code and not membre.est_annee_commune
    inner join mefs_stat as terminale
        on terminale.code_formation_diplome = membre.code_formation_diplome
        and terminale.dispositif_formation = non_terminale.dispositif_formation
        and terminale.annee_dispositif = terminale.duree_dispositif
    group by non_terminale.mef_stat_11
),

directes as (
    select non_terminale.mef_stat_11, terminale.mef_stat_11 as terminale
    from non_terminales as non_terminale
    inner join mefs_stat as terminale
        on terminale.mef_stat_11 = left(non_terminale.mef_stat_11, 3) || non_terminale.duree_dispositif::varchar
            || substr(non_terminale.mef_stat_11, 5)
        and terminale.annee_dispositif = terminale.duree_dispositif
),

replis as (
    select non_terminale.mef_stat_11, min(terminale.mef_stat_11) as terminale
    from non_terminales as non_terminale
    inner join mefs_stat as terminale
        on terminale.code_formation_diplome = non_terminale.code_formation_diplome
        and terminale.dispositif_formation = non_terminale.dispositif_formation
        and terminale.annee_dispositif = terminale.duree_dispositif
    group by non_terminale.mef_stat_11
    having count(distinct terminale.mef_stat_11) = 1
),

cfd_communs as (
    select commune.code_formation_diplome, list_sort(list_distinct(list(membre.code_formation_diplome))) as terminales
    from familles as commune
    inner join familles as membre
        on membre.famille_metier_code = commune.famille_metier_code and not membre.est_annee_commune
    where commune.est_annee_commune
    group by commune.code_formation_diplome
),

final as (
    select mef_stat_11 as code_certification, 'annee_commune' as type_annee, terminales as certifications_terminales
    from communes
    union all
    select directe.mef_stat_11, 'annee_non_terminale', [directe.terminale]
    from directes as directe
    where directe.mef_stat_11 not in (select mef_stat_11 from communes)
    union all
    select repli.mef_stat_11, 'annee_non_terminale', [repli.terminale]
    from replis as repli
    where repli.mef_stat_11 not in (select mef_stat_11 from communes)
        and repli.mef_stat_11 not in (select mef_stat_11 from directes)
    union all
    select code_formation_diplome, 'annee_commune', terminales
    from cfd_communs
)

select * from final
order by code_certification
