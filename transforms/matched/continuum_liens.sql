-- Continuum of renovated diplomas, made two-way: a link A → N exists if the BCN lists A among N's anciens or N
-- among A's nouveaux. CFD links come from N_FORMATION_DIPLOME; MEFSTAT11 links follow them (MEF continuum): the
-- MEFs of two linked CFDs are linked when both CFDs have exactly one MEFSTAT11, else when they share the
-- dispositif and the first 4 characters (same dispositif and same year). A link may name a code no BCN table
-- knows: it counts for the 1:1 test but flags the link (est_connu) so no chain goes through it.
with formations as (
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

liens_cfd as (
    select unnest(anciens_diplomes) as code_ancien, code_formation_diplome as code_nouveau from formations
    union
    select code_formation_diplome as code_ancien, unnest(nouveaux_diplomes) as code_nouveau from formations
),

mefs_stat as (
    select distinct mef_stat_11, code_formation_diplome, dispositif_formation
    from mefs
    where mef_stat_11 is not null and code_formation_diplome is not null
),

nb_mefs as (
    select code_formation_diplome, count(distinct mef_stat_11) as nb
    from mefs_stat
    group by code_formation_diplome
),

liens_mef as (
    select distinct ancien.mef_stat_11 as code_ancien, nouveau.mef_stat_11 as code_nouveau
    from liens_cfd as lien
    inner join mefs_stat as ancien on ancien.code_formation_diplome = lien.code_ancien
    inner join mefs_stat as nouveau on nouveau.code_formation_diplome = lien.code_nouveau
    inner join nb_mefs as nb_ancien on nb_ancien.code_formation_diplome = lien.code_ancien
    inner join nb_mefs as nb_nouveau on nb_nouveau.code_formation_diplome = lien.code_nouveau
    where (nb_ancien.nb = 1 and nb_nouveau.nb = 1)
        or (
            ancien.dispositif_formation = nouveau.dispositif_formation
            and left(ancien.mef_stat_11, 4) = left(nouveau.mef_stat_11, 4)
        )
),

liens as (
    select code_ancien, code_nouveau, 'cfd' as type_code from liens_cfd
    union
    select code_ancien, code_nouveau, 'mef11' as type_code from liens_mef
),

codes_connus as (
    select code_formation_diplome as code from formations
    union
    select code_formation_diplome from formations_v
    union
    select code_formation_diplome from formations_51
    union
    select mef_stat_11 from mefs where mef_stat_11 is not null
),

comptes as (
    select
        *,
        count(*) over (partition by code_ancien) as nb_nouveaux_de_l_ancien,
        count(*) over (partition by code_nouveau) as nb_anciens_du_nouveau
    from liens
    where code_ancien <> code_nouveau
),

final as (
    select
        code_ancien,
        code_nouveau,
        type_code,
        nb_nouveaux_de_l_ancien = 1 and nb_anciens_du_nouveau = 1 as est_1_1,
        code_ancien in (select code from codes_connus) and code_nouveau in (select code from codes_connus) as est_connu
    from comptes
)

select * from final
order by code_ancien, code_nouveau
