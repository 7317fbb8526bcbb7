with mesures as (
    select * from inserjeunes_mesures('raw.inserjeunes__nationales')
),

final as (
    -- The national route's own single-year millésime (`2023` for `2022_2023`), as asked of the API.
    select *, millesime_annee_fin(millesime)::varchar as millesime_api
    from mesures
)

select * from final
order by scope_code, millesime, code_certification, filiere
