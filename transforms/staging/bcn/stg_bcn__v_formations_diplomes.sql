-- V_FORMATION_DIPLOME: one row per CFD (macro bcn_formations_diplomes).
with formations as (
    select * from bcn_formations_diplomes('raw.bcn__v_formation_diplome')
),

final as (
    select * from formations
)

select * from final
order by code_formation_diplome
