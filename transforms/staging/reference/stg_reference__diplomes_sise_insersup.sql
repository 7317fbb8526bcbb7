-- SISE codes InserSup created for BUT specialities and publishes although N_DIPLOME_SISE does not know them
-- (the anchor system injects them the same way).
with diplomes (diplome_sise, type_diplome_sise, libelle) as (
    values
        ('0000001', 'DR', 'CARRIERES SOCIALES'),
        ('0000002', 'DR', 'INFORMATION-COMMUNICATION'),
        ('0000003', 'DR', 'GENIE BIOLOGIQUE')
),

final as (
    select * from diplomes
)

select * from final
order by diplome_sise
