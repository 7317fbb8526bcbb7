-- N_FORMATION_DIPLOME: one row per CFD (macro bcn_formations_diplomes) with the continuum links of the raw row it
-- is kept from (its ancien_diplome_* and nouveau_diplome_* cells).
with formations as (
    select * from bcn_formations_diplomes('raw.bcn__n_formation_diplome')
),

source as (
    select * from raw.bcn__n_formation_diplome
),

final as (
    select
        formation.* exclude (millesime, _raw_key, _raw_row),
        cfd_lies(
            [ligne.ancien_diplome_1, ligne.ancien_diplome_2, ligne.ancien_diplome_3, ligne.ancien_diplome_4,
             ligne.ancien_diplome_5, ligne.ancien_diplome_6, ligne.ancien_diplome_7],
            formation.code_formation_diplome
        ) as anciens_diplomes,
        cfd_lies(
            [ligne.nouveau_diplome_1, ligne.nouveau_diplome_2, ligne.nouveau_diplome_3, ligne.nouveau_diplome_4,
             ligne.nouveau_diplome_5, ligne.nouveau_diplome_6, ligne.nouveau_diplome_7],
            formation.code_formation_diplome
        ) as nouveaux_diplomes,
        formation.millesime,
        formation._raw_key,
        formation._raw_row
    from formations as formation
    inner join source as ligne on ligne._raw_key = formation._raw_key and ligne._raw_row::bigint = formation._raw_row
)

select * from final
order by code_formation_diplome
