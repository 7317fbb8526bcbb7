-- N_FORMATION_DIPLOME_ENQUETE_51: one row per CFD (macro bcn_formations_diplomes).
with formations as (
    select * from bcn_formations_diplomes('raw.bcn__n_formation_diplome_enquete_51')
),

final as (
    select * from formations
)

select * from final
order by code_formation_diplome
