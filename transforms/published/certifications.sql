-- The certification référentiel as published.
with certifications as (
    select * from matched.certifications
),

final as (
    select * from certifications
)

select * from final
order by code_certification
