with mesures as (
    select * from inserjeunes_mesures('raw.inserjeunes__regionales')
),

final as (
    select * from mesures
)

select * from final
order by scope_code, millesime, code_certification, filiere
